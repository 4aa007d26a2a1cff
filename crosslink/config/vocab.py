"""The vocabularies the config files share: product categories, staff roles, channels, and
the opportunity engine's kinds, customer types, segments and tiers."""

from __future__ import annotations

from crosslink.sources import CORPORATE_SEGMENTS, RETAIL_SEGMENTS

CATEGORIES = ("settlement", "wealth", "insurance", "financing", "custody", "leasing", "pension",
              "e_channel")
ROLES = ("teller", "lobby_manager", "retail_rm", "wealth_advisor", "corporate_rm",
         "specialist_centre")
CHANNELS = ("branch_counter", "branch_rm", "mobile_app", "wechat", "online_banking", "phone")
KINDS = ("retail", "corporate", "linkage")
CUSTOMER_TYPES = ("person", "company")
SEGMENT_CUSTOMER_TYPE = {"retail": "person", "corporate": "company"}   # product segment -> type
CUSTOMER_SEGMENTS = RETAIL_SEGMENTS + CORPORATE_SEGMENTS
TIERS = ("A", "B", "C")
ELECTRONIC_ROLE = "electronic"   # a prompt routed to an electronic channel: the channel is its
#                                  assignee and its organisation
DEFAULT_ROLE = "default"         # catch-all routing: the product's own role (`default_route`)
