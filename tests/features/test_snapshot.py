"""features.snapshot: attributes, products held, balances and their trend."""

from __future__ import annotations

import datetime as dt

import pytest

from features.columns import PRODUCT_CODES
from features.snapshot import customer_attributes, holding_features
from tests.features.frames import DAY, days, frame, row


def _by_customer(df) -> dict[str, dict]:
    return {r["customer_id"]: r.asDict() for r in df.collect()}


@pytest.fixture(scope="module")
def attributes(spark):
    customers = [
        row("silver.customers", customer_id="P1", age=45, segment="affluent", kyc_complete=False,
            tenure_days=2281),
        row("silver.customers", customer_id="C1", customer_type="company", birth_date=None,
            age=None, founded_date=dt.date(2016, 4, 1), segment="sme", industry="logistics",
            employees=120, annual_turnover=3.5e7, risk_rating=4),
    ]
    return _by_customer(customer_attributes(frame(spark, "silver.customers", customers)))


def test_person_attributes(attributes):
    p1 = attributes["P1"]
    assert (p1["is_company"], p1["age"], p1["tenure_days"], p1["kyc_complete"]) == \
        (0, 45, 2281, 0)
    assert (p1["employees"], p1["annual_turnover"]) == (0, 0.0)    # filled, not null
    assert (p1["segment_affluent"], p1["segment_mass"]) == (1, 0)
    assert sum(v for k, v in p1.items() if k.startswith("industry_")) == 0


def test_company_attributes(attributes):
    c1 = attributes["C1"]
    assert (c1["is_company"], c1["age"], c1["risk_rating"]) == (1, 9, 4)   # 9 years founded
    assert (c1["employees"], c1["annual_turnover"]) == (120, 3.5e7)
    assert (c1["segment_sme"], c1["industry_logistics"], c1["industry_retail_trade"]) == \
        (1, 1, 0)


def _holding(i: int, customer: str, product: str, category: str, **values) -> dict:
    return row("silver.holdings", holding_id=f"H{i}", customer_id=customer,
               product_code=product, category=category, **values)


@pytest.fixture(scope="module")
def holdings(spark):
    now = [
        _holding(1, "P1", "debit_account", "settlement", balance=5000.0),
        _holding(2, "P1", "wealth_management", "wealth", balance=20000.0),
        _holding(3, "P1", "mobile_banking", "e_channel", balance=None),
        _holding(4, "P1", "credit_card", "financing", status="dormant", is_active=False,
                 balance=300.0),
        _holding(5, "P1", "mortgage", "financing", status="closed", is_active=False,
                 balance=0.0, closed_date=DAY - days(50)),
        _holding(6, "P2", "debit_account", "settlement", balance=100.0),
    ]
    then = [_holding(1, "P1", "debit_account", "settlement", balance=3000.0,
                     snapshot_date=DAY - days(30)),
            _holding(2, "P1", "wealth_management", "wealth", balance=21000.0,
                     snapshot_date=DAY - days(30))]
    return (frame(spark, "silver.holdings", now), frame(spark, "silver.holdings", then))


def test_product_flags_and_count(holdings):
    p1 = _by_customer(holding_features(*holdings))["P1"]
    held = {p for p in PRODUCT_CODES if p1[f"holds_{p}"] == 1}
    # dormant is still held; closed is not
    assert held == {"debit_account", "wealth_management", "mobile_banking", "credit_card"}
    assert p1["products_held_count"] == 4


def test_balances_over_active_holdings(holdings):
    p1 = _by_customer(holding_features(*holdings))["P1"]
    assert p1["balance_total_cny"] == 25000.0        # the dormant card's 300 is not counted
    assert (p1["balance_settlement_cny"], p1["balance_wealth_cny"],
            p1["balance_financing_cny"]) == (5000.0, 20000.0, 0.0)


def test_balance_trend_against_the_snapshot_30_days_earlier(holdings):
    rows = _by_customer(holding_features(*holdings))
    assert rows["P1"]["balance_total_change_cny_30d"] == 1000.0       # 25000 - 24000
    assert rows["P1"]["balance_settlement_change_cny_30d"] == 2000.0  # 5000 - 3000
    assert rows["P2"]["balance_total_change_cny_30d"] == 0.0          # no figure then


def test_no_earlier_snapshot_means_no_trend(spark, holdings):
    now, then = holdings
    rows = _by_customer(holding_features(now, then.limit(0)))
    assert rows["P1"]["balance_total_change_cny_30d"] == 0.0
