"""features.assemble: every customer of the snapshot, every feature filled, shares derived."""

from __future__ import annotations

import pytest

from features.assemble import customer_features
from features.columns import FEATURE_COLUMNS, FEATURE_KEYS, RECENCY_CAP
from features.linkage import link_features
from features.rollup import full_windows
from features.snapshot import customer_attributes, holding_features
from tests.features.frames import DAY, daily, days, frame, row


@pytest.fixture(scope="module")
def assembled(spark):
    customers = frame(spark, "silver.customers", [
        row("silver.customers", customer_id="P1"), row("silver.customers", customer_id="P2"),
        row("silver.customers", customer_id="C1", customer_type="company", segment="sme",
            age=None)])
    windows = full_windows(daily(spark, [
        {"customer_id": "P1", "business_date": DAY - days(2), "txn_count": 4, "atm_count": 2,
         "online_banking_count": 1, "wechat_count": 1, "in_cny": 10000.0,
         "out_cny": 6000.0, "pos_out_cny": 1500.0, "spend_travel_cny": 300.0,
         "inflow_other_bank_count": 1, "inflow_other_bank_cny": 2500.0,
         "salary_credit_count": 2, "salary_credit_cny": 16000.0, "salary_elsewhere_count": 1,
         "salary_elsewhere_cny": 4000.0},
        {"customer_id": "X", "business_date": DAY, "txn_count": 1, "atm_count": 1}]), DAY)
    holdings = holding_features(
        frame(spark, "silver.holdings", [row("silver.holdings", customer_id="P1")]),
        frame(spark, "silver.holdings", []))
    links = link_features(frame(spark, "silver.party_links", []), customers, holdings)
    return customer_features(customer_attributes(customers), windows, holdings, links, DAY)


@pytest.fixture(scope="module")
def rows(assembled):
    return {r["customer_id"]: r.asDict() for r in assembled.collect()}


def test_one_row_per_customer_of_the_snapshot(rows):
    assert sorted(rows) == ["C1", "P1", "P2"]     # X has windows but is not a customer today
    assert {r["snapshot_date"] for r in rows.values()} == {DAY}


def test_columns_are_keys_then_features(assembled):
    assert tuple(assembled.columns) == FEATURE_KEYS + FEATURE_COLUMNS


def test_every_feature_is_filled(rows):
    for customer, values in rows.items():
        missing = [c for c in FEATURE_COLUMNS if values[c] is None]
        assert not missing, (customer, missing)


def test_customer_without_activity_gets_zeros_and_capped_recency(rows):
    p2 = rows["P2"]
    assert (p2["txn_count_90d"], p2["salary_credit_cny_30d"], p2["holds_debit_account"]) == \
        (0, 0.0, 0)
    assert p2["days_since_txn"] == p2["days_since_atm"] == RECENCY_CAP
    assert (p2["share_atm_90d"], p2["digital_share_90d"], p2["outflow_share_90d"]) == \
        (0.0, 0.0, 0.0)


def test_shares_and_recency(rows):
    p1 = rows["P1"]
    assert (p1["share_atm_90d"], p1["digital_share_90d"]) == (0.5, 0.5)
    assert p1["inflow_other_bank_share_90d"] == 0.25
    assert p1["salary_elsewhere_share_90d"] == 0.25
    assert (p1["card_spend_share_90d"], p1["outflow_share_90d"]) == (0.25, 0.375)
    assert (p1["spend_travel_share_90d"], p1["spend_dining_share_90d"]) == (0.2, 0.0)
    assert (p1["days_since_txn"], p1["days_since_atm"], p1["days_since_pos"]) == \
        (2, 2, RECENCY_CAP)
    assert (p1["holds_debit_account"], p1["balance_total_cny"]) == (1, 1000.0)


def test_company_link_and_person_link_features_are_zero_filled(rows):
    assert rows["C1"]["is_owner"] == 0 and rows["P1"]["linked_person_count"] == 0
    assert rows["C1"]["age"] == 0             # no founded_date in this snapshot
