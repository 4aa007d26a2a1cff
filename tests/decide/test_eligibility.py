"""decide.eligibility: each reason an opportunity is not offered, and what survives."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.config import EligibilityConfig
from crosslink.decide.eligibility import (
    CUSTOMER_ATTRIBUTES,
    eligibility,
    held_from_holdings,
    held_pairs,
)
from tests.decide.frames import DAY, customers, opp, opps
from tests.features.frames import features_row, frame, row

CFG = EligibilityConfig.model_validate({
    "require_kyc": True,
    "products": {"credit_card": {"min_age": 18, "max_age": 70},
                 "custody": {"segments": ["large"]}}})

CUSTOMERS = [
    {"customer_id": "P1", "age": 40, "risk_rating": 3, "manager_id": "S1", "branch_id": "B7"},
    {"customer_id": "P2", "age": 16, "risk_rating": 3},
    {"customer_id": "P3", "age": 75, "risk_rating": 3},
    {"customer_id": "P4", "age": None, "risk_rating": 3},
    {"customer_id": "P5", "age": 40, "risk_rating": 3, "kyc_complete": False},
    {"customer_id": "P6", "age": 40, "risk_rating": 1},
    {"customer_id": "P7", "age": 40, "risk_rating": None},
    {"customer_id": "C1", "customer_type": "company", "segment": "sme", "age": None,
     "risk_rating": 5},
    {"customer_id": "C2", "customer_type": "company", "segment": "large", "age": None,
     "risk_rating": 5},
]
# (customer, product, expected reason or None for kept)
CASES = [
    ("P1", "credit_card", None),
    ("P1", "wealth_management", "held"),
    ("P1", "debit_account", "not_offerable"),
    ("P1", "basic_settlement", "wrong_customer_type"),
    ("P9", "credit_card", "unknown_customer"),
    ("P2", "credit_card", "too_young"),
    ("P3", "credit_card", "too_old"),
    ("P3", "wealth_management", None),             # no age limit on it
    ("P4", "credit_card", "age_unknown"),
    ("P5", "credit_card", "kyc_incomplete"),
    ("P6", "mutual_fund", "risk_above_rating"),    # risk level 3 > rating 1
    ("P6", "credit_card", None),                   # risk level 1
    ("P7", "credit_card", "risk_above_rating"),    # unknown rating: not suitable
    ("C1", "custody", "wrong_segment"),
    ("C2", "custody", None),
]


@pytest.fixture(scope="module")
def result(spark, config):
    rows = [opp(c, p) for c, p, _ in CASES]
    for r in rows:
        r["customer_type"] = "company" if r["customer_id"].startswith("C") else "person"
    held = spark.createDataFrame([("P1", "wealth_management")],
                                 "customer_id string, product_code string")
    kept, dropped = eligibility(opps(spark, rows).drop(*CUSTOMER_ATTRIBUTES),
                                customers(spark, CUSTOMERS), held, config.products.products,
                                CFG)
    return kept.collect(), dropped.collect()


def test_each_reason(result):
    kept, dropped = result
    got = {(r["customer_id"], r["product_code"]): None for r in kept}
    got.update({(r["customer_id"], r["product_code"]): r["reason"] for r in dropped})
    assert got == {(c, p): reason for c, p, reason in CASES}


def test_kept_rows_carry_customer_and_product_facts(result):
    kept, _ = result
    p1 = next(r for r in kept if r["customer_id"] == "P1")
    assert (p1["branch_id"], p1["manager_id"], p1["segment"], p1["age"]) == ("B7", "S1",
                                                                              "mass", 40)
    assert (p1["category"], p1["risk_level"]) == ("financing", 1)
    assert "reason" not in p1.asDict()


def test_kyc_can_be_waived(spark, config):
    cfg = CFG.model_copy(update={"require_kyc": False})
    kept, _ = eligibility(opps(spark, [opp("P5", "credit_card")]).drop(*CUSTOMER_ATTRIBUTES),
                          customers(spark, CUSTOMERS), held_none(spark),
                          config.products.products, cfg)
    assert kept.count() == 1


def held_none(spark):
    return spark.createDataFrame([], "customer_id string, product_code string")


def test_held_pairs_from_features_and_from_holdings(spark):
    features = frame(spark, "gold.customer_features", [
        features_row("P1", holds_credit_card=1, holds_mortgage=1), features_row("P2")])
    assert sorted(tuple(r) for r in held_pairs(features).collect()) == [
        ("P1", "credit_card"), ("P1", "mortgage")]
    holdings = frame(spark, "silver.holdings", [
        row("silver.holdings", holding_id="H1", product_code="credit_card"),
        row("silver.holdings", holding_id="H2", product_code="mortgage", status="dormant"),
        row("silver.holdings", holding_id="H3", product_code="personal_loan", status="closed",
            closed_date=DAY - dt.timedelta(days=3))])
    assert sorted(tuple(r) for r in held_from_holdings(holdings).collect()) == [
        ("P1", "credit_card"), ("P1", "mortgage")]
