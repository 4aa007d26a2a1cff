"""Silver suites, written by hand: the promises silver makes to gold and to downstream systems.

Where a rule restates the landing contract (code lists, channels per source) it takes its
values from `crosslink.sources` / `crosslink.config`, so a new code is added in one place.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations.row_conditions import Column

from crosslink.config import CATEGORIES
from crosslink.sources import (
    CONSENT_CHANNELS,
    CORPORATE_SEGMENTS,
    CURRENCIES,
    DIRECTIONS,
    HOLDING_STATUS,
    INDUSTRIES,
    LINK_TYPES,
    MERCHANT_CATEGORIES,
    RETAIL_SEGMENTS,
    SOURCES,
    STAFF_ROLES,
    TRANSACTION_SOURCES,
)
from crosslink.tables import table
from expectations._build import (
    CONSISTENCY,
    LINEAGE,
    VALIDITY,
    amount,
    between,
    has_columns,
    in_set,
    is_,
    key,
    matches,
    no_rows_where,
    not_before,
    not_null,
    on_run_date,
    pairs_in_set,
    registered_columns,
    rows_at_least,
    suite,
)

TXN_CHANNELS = ("branch_counter", "atm", "online_banking", "mobile_app", "wechat", "pos")
CUSTOMER_TYPES = ("person", "company")
LINK_SOURCES = ("crm", "inferred", "both")
COUNTERPARTY_MATCHES = ("account", "name")     # how a counterparty was matched to a customer
ORG_TYPES = ("branch", "centre")
PRODUCT_CODE = r"^[a-z][a-z0-9_]*$"          # the pattern products.yaml codes are held to


def _head(name: str) -> list:
    """Rules every silver table shares: its columns, its key, its snapshot/business date."""
    spec = table(name)
    date_column = spec.partition_by[0]
    return [
        has_columns(registered_columns(name)),   # conformity: the registered columns
        *key(spec.key),                          # completeness + uniqueness of the key
        not_null(date_column),                   # completeness: the partition is known
        on_run_date(date_column),                # consistency: the run's partition only
    ]


def _source_channels() -> list[tuple[str, str]]:
    """(source, channel) pairs of the landing contract: the channel each source delivers on."""
    pairs = []
    for name in TRANSACTION_SOURCES:
        spec = SOURCES[name]
        channels = [spec.channel] if spec.channel else spec.get_field("channel").domain
        pairs += [(name, channel) for channel in channels]
    return pairs


def transactions() -> gx.ExpectationSuite:
    """silver.transactions: one leg on one of our accounts, any channel."""
    return suite("silver.transactions", [
        *_head("silver.transactions"),
        # completeness: who, which account, when, what, in which currency
        *(not_null(c) for c in ("txn_ts", "customer_id", "account_id", "txn_type", "currency",
                                "channel", "source", "direction", "amount", "amount_cny")),
        # validity: code lists of the unified transaction
        in_set("channel", TXN_CHANNELS),
        in_set("source", TRANSACTION_SOURCES),
        in_set("direction", DIRECTIONS),
        in_set("currency", CURRENCIES),
        in_set("merchant_category", MERCHANT_CATEGORIES),
        in_set("counterparty_match", COUNTERPARTY_MATCHES),
        # validity: amounts are unsigned (direction carries the sign) and believable
        amount("amount"),
        between("amount_cny", 0, note="converted amount is never negative"),
        # consistency: the channel matches the source; counter transactions name their branch
        pairs_in_set("source", "channel", _source_channels(),
                     note="each source delivers on its own channel(s)"),
        not_null("branch_id", CONSISTENCY, when=is_("channel", "branch_counter"),
                 note="a counter transaction happens at a branch"),
        not_null("counterparty_customer_id", CONSISTENCY,
                 when=Column("counterparty_match").is_not_null(),
                 note="a matched counterparty names the customer it matched"),
        not_null("counterparty_is_ours"),
        # lineage: traceable to its bronze record
        not_null("record_hash", LINEAGE),
        # volume: a business day without a single transaction is a failed load
        rows_at_least(1),
    ])


def customers() -> gx.ExpectationSuite:
    """silver.customers: one person or company per snapshot."""
    return suite("silver.customers", [
        *_head("silver.customers"),
        # completeness: what the CRM must always hold
        *(not_null(c) for c in ("customer_type", "customer_name", "segment", "branch_id",
                                "risk_rating", "kyc_complete", "customer_since")),
        # validity: code lists and ranges
        in_set("customer_type", CUSTOMER_TYPES),
        between("risk_rating", 1, 5),
        in_set("industry", INDUSTRIES),
        between("employees", 0),
        amount("annual_turnover"),
        between("tenure_days", 0, note="nobody is a customer before they join"),
        # validity: a personal customer is an adult of believable age
        between("age", 18, 120, when=is_("customer_type", "person"),
                note="persons only; companies have no age"),
        # consistency: retail segments for persons, corporate segments for companies
        pairs_in_set("customer_type", "segment",
                     [("person", s) for s in RETAIL_SEGMENTS]
                     + [("company", s) for s in CORPORATE_SEGMENTS]),
        # volume: a bank without customers is a failed load
        rows_at_least(1),
    ])


def holdings() -> gx.ExpectationSuite:
    """silver.holdings: one product holding per snapshot."""
    return suite("silver.holdings", [
        *_head("silver.holdings"),
        # completeness: whose holding, of what, since when, in which state
        *(not_null(c) for c in ("customer_id", "product_code", "opened_date", "status",
                                "is_active")),
        # consistency: the product is in the catalogue (its category comes from products.yaml)
        not_null("category", CONSISTENCY, note="product_code found in the product catalogue"),
        # validity: product catalogue codes and categories, holding states
        matches("product_code", PRODUCT_CODE),
        in_set("category", CATEGORIES),
        in_set("status", HOLDING_STATUS),
        # validity: balances are never negative
        between("balance", 0, note="end-of-day balance"),
        # consistency: a holding closes on or after the day it opened
        not_before("closed_date", "opened_date"),
        # volume
        rows_at_least(1),
    ])


def staff() -> gx.ExpectationSuite:
    """silver.staff: one member of staff per snapshot, in a branch or a specialist centre."""
    return suite("silver.staff", [
        *_head("silver.staff"),
        # completeness
        *(not_null(c) for c in ("staff_name", "role", "org_id", "org_type", "daily_capacity",
                                "active")),
        # validity: known roles; capacity is a count of prompts per day
        in_set("role", STAFF_ROLES),
        in_set("org_type", ORG_TYPES),
        between("daily_capacity", 0),
        # volume
        rows_at_least(1),
    ])


def branches() -> gx.ExpectationSuite:
    """silver.branches: one branch per snapshot."""
    return suite("silver.branches", [
        *_head("silver.branches"),
        # completeness
        not_null("branch_name"),
        not_null("city"),
        # volume
        rows_at_least(1),
    ])


def consent() -> gx.ExpectationSuite:
    """silver.consent: one customer's marketing consent on one channel per snapshot."""
    return suite("silver.consent", [
        *_head("silver.consent"),
        # validity: consent is recorded only for channels we can contact on
        in_set("channel", CONSENT_CHANNELS),
        # completeness: a consent row without the answer is worthless (and unsafe to act on)
        not_null("consent"),
    ])


def link_evidence() -> gx.ExpectationSuite:
    """silver.link_evidence: the legs of silver.transactions link inference reads."""
    return suite("silver.link_evidence", [
        *_head("silver.link_evidence"),
        # completeness: both parties (the reason a leg is here), the kind of leg, the amount
        *(not_null(c) for c in ("customer_id", "counterparty_customer_id", "direction",
                                "txn_type", "amount_cny")),
        # validity: as in silver.transactions
        in_set("direction", DIRECTIONS),
        between("amount_cny", 0, note="converted amount is never negative"),
    ])


def party_links() -> gx.ExpectationSuite:
    """silver.party_links: one person-company link per snapshot, with source and confidence."""
    type_list = ", ".join(f"'{t}'" for t in LINK_TYPES)
    return suite("silver.party_links", [
        *_head("silver.party_links"),
        # completeness
        *(not_null(c) for c in ("link_type", "source", "confidence")),
        # validity: code lists, probability range, counts and amounts
        in_set("link_type", LINK_TYPES),
        in_set("source", LINK_SOURCES),
        between("confidence", 0, 1),
        between("txn_count", 0),
        between("total_amount_cny", 0),
        no_rows_where(f"NOT forall(link_types, t -> t IN ({type_list}))", VALIDITY,
                      "every entry of link_types is a known link type"),
        # consistency: the main type is one of the types; evidence dates are in order
        no_rows_where("link_types IS NOT NULL AND NOT array_contains(link_types, link_type)",
                      CONSISTENCY, "link_type is one of link_types"),
        not_before("last_seen_date", "first_seen_date"),
        # consistency: nobody is linked to themselves
        no_rows_where("person_id = company_id", CONSISTENCY, "a link joins two parties"),
    ])


def builders() -> dict:
    """Table name -> zero-argument suite builder, for every silver table."""
    return {"silver.transactions": transactions, "silver.customers": customers,
            "silver.holdings": holdings, "silver.staff": staff, "silver.branches": branches,
            "silver.consent": consent, "silver.party_links": party_links,
            "silver.link_evidence": link_evidence}
