"""Tiny inline frames for the decide tests: a row is the defaults of its kind plus the few
values a test is about."""

from __future__ import annotations

import datetime as dt

from crosslink.config import OrganisationConfig, load_config
from crosslink.decide.columns import OPPORTUNITY_DDL, ddl_names
from tests.features.frames import frame, row

DAY = dt.date(2026, 3, 31)
_CATALOGUE = {p.code: p for p in load_config().products.products}
HISTORY_DDL = ("customer_id string, product_code string, business_date date, role string, "
               "channel string, status string, expiry_date date, status_date date")
CONSENT_CHANNELS = ("branch_counter", "branch_rm", "mobile_app", "wechat", "online_banking",
                    "phone")


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def opp(customer_id: str, product_code: str, **values) -> dict:
    """An opportunity row as `grade.grade` returns it: a person in branch B1, tier C."""
    p = _CATALOGUE[product_code]
    company = p.segment == "corporate"
    propensity = values.pop("propensity", 0.5)
    base = {
        "snapshot_date": DAY, "customer_id": customer_id,
        "customer_type": "company" if company else "person", "product_code": product_code,
        "kind": "corporate" if company else "retail", "sources": ["r1"], "rule_ids": ["r1"],
        "owner_role": None, "rule_confidence": propensity, "model_name": None,
        "model_version": None, "model_propensity": None, "propensity": propensity,
        "evidence": [], "evidence_zh": [], "segment": "sme" if company else "mass",
        "age": None if company else 40, "risk_rating": 5, "kyc_complete": True,
        "branch_id": "B1", "manager_id": None, "category": p.category,
        "risk_level": p.risk_level, "points": p.points, "campaign_weight": 1.0,
        "value": propensity * p.points, "customer_rank": 1,
        "class": f"{p.category}/{'corporate' if company else 'retail'}", "tier": "C"}
    unknown = set(values) - set(base)
    if unknown:
        raise KeyError(f"opportunities have no columns {sorted(unknown)}")
    return {**base, **values}


def opps(spark, rows: list[dict]):
    names = ddl_names(OPPORTUNITY_DDL)
    return spark.createDataFrame([tuple(r[c] for c in names) for r in rows], OPPORTUNITY_DDL)


def consent(spark, grants: dict[str, tuple[str, ...] | str], dnd: tuple[str, ...] = ()):
    """silver.consent: each customer consents to the channels given ("all": every channel);
    customers in `dnd` have do_not_disturb on every row."""
    rows = []
    for customer, channels in grants.items():
        allowed = CONSENT_CHANNELS if channels == "all" else channels
        for ch in CONSENT_CHANNELS:
            rows.append(row("silver.consent", snapshot_date=DAY, customer_id=customer,
                            channel=ch, consent=ch in allowed,
                            do_not_disturb=customer in dnd))
    return frame(spark, "silver.consent", rows)


def history(spark, rows: list[dict]):
    """Earlier prompts: customer_id, product_code, business_date (default DAY - 1), status
    (default open), expiry_date (default business_date + 7), role, channel, status_date."""
    out = []
    for r in rows:
        made = r.get("business_date", DAY - days(1))
        out.append((r["customer_id"], r["product_code"], made, r.get("role", "retail_rm"),
                    r.get("channel", "branch_rm"), r.get("status", "open"),
                    r.get("expiry_date", made + days(7)), r.get("status_date")))
    return spark.createDataFrame(out, HISTORY_DDL)


def staff(spark, rows: list[dict]):
    """silver.staff: staff_id, role, org_id (default B1), daily_capacity, active (True)."""
    full = [row("silver.staff", **{"snapshot_date": DAY, "staff_name": r["staff_id"],
                                   "org_type": "branch", "active": True, "org_id": "B1", **r})
            for r in rows]
    return frame(spark, "silver.staff", full)


def customers(spark, rows: list[dict]):
    return frame(spark, "silver.customers", [row("silver.customers", **r) for r in rows])


def organisation(config, **capacities) -> OrganisationConfig:
    """organisation.yaml with some channels' daily_capacity changed."""
    data = config.organisation.model_dump()
    for channel in data["channels"]:
        channel["daily_capacity"] = capacities.get(channel["name"], channel["daily_capacity"])
    return OrganisationConfig.model_validate(data)
