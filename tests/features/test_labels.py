"""features.labels: who opened which product within the horizon, and the training frame."""

from __future__ import annotations

import pytest

from features.columns import FEATURE_COLUMNS
from features.labels import labelable_dates, labels, training_frame
from tests.features.frames import DAY, days, features_row, frame, row

H = 30


def _holding(i: int, customer: str, product: str, seen: int, opened: int, **values) -> dict:
    """Holding H<i> as it appears in the snapshot of DAY + seen, opened on DAY + opened."""
    return row("silver.holdings", holding_id=f"H{i}", customer_id=customer,
               product_code=product, snapshot_date=DAY + days(seen),
               opened_date=DAY + days(opened), **values)


HOLDINGS = [
    _holding(1, "P1", "credit_card", 0, -400),                 # held at DAY
    _holding(2, "P1", "wealth_management", 5, 5),               # opened DAY + 5
    _holding(2, "P1", "wealth_management", 30, 5),
    _holding(3, "P1", "mutual_fund", 31, 31),                   # opened after the horizon
    _holding(4, "P1", "life_insurance", 35, 10),                # opened in it, seen too late
    _holding(5, "P1", "personal_loan", 0, 0),                   # opened on DAY: held at DAY
    _holding(6, "P2", "mobile_banking", 0, -90, status="dormant", is_active=False),
    _holding(7, "P2", "mortgage", 0, -900, status="closed", is_active=False),
    _holding(8, "C1", "payroll_agency", 3, 3),
]


@pytest.fixture(scope="module")
def frames(spark):
    features = frame(spark, "gold.customer_features", [
        features_row("P1", risk_rating=1, txn_count_30d=7),
        features_row("P1", risk_rating=1, txn_count_30d=99, snapshot_date=DAY + days(1)),
        features_row("P2"), features_row("C1", "company", is_company=1)])
    return features, frame(spark, "silver.holdings", HOLDINGS)


@pytest.fixture(scope="module")
def labelled(frames, config):
    features, holdings = frames
    out = labels(features, holdings, config.products.products, [DAY], H)
    return {(r["customer_id"], r["product_code"]): r.asDict() for r in out.collect()}


def test_a_product_held_at_the_snapshot_gets_no_row(labelled):
    assert ("P1", "credit_card") not in labelled
    assert ("P1", "personal_loan") not in labelled          # opened on DAY: held at DAY
    assert ("P2", "mobile_banking") not in labelled         # dormant is still held
    assert labelled[("P2", "mortgage")]["label"] == 0        # closed: may be sold again


def test_opened_within_the_horizon_is_1(labelled):
    hit = labelled[("P1", "wealth_management")]
    assert (hit["label"], hit["opened_date"]) == (1, DAY + days(5))
    assert labelled[("C1", "payroll_agency")]["label"] == 1


def test_opened_after_the_horizon_is_0(labelled):
    assert labelled[("P1", "mutual_fund")]["label"] == 0        # DAY + H + 1
    assert labelled[("P1", "life_insurance")]["label"] == 0     # seen only at DAY + 35


def test_only_offerable_products_of_the_customer_segment(labelled, config):
    catalogue = config.products.by_code()
    for (customer, code) in labelled:
        product = catalogue[code]
        assert product.offerable, code
        assert product.segment == ("corporate" if customer.startswith("C") else "retail")
    retail = [p for p in config.products.products if p.offerable and p.segment == "retail"]
    assert sum(1 for c, _ in labelled if c == "P2") == len(retail) - 1   # all but mobile


def test_suitability_is_reported_not_filtered(labelled):
    assert labelled[("P1", "mutual_fund")]["suitable"] is False      # risk 3 > rating 1
    assert labelled[("P1", "wealth_management")]["suitable"] is False
    assert labelled[("P1", "life_insurance")]["suitable"] is True


def test_training_frame_takes_features_at_the_snapshot_only(frames, config):
    features, holdings = frames
    out = training_frame(features, holdings, config.products.products, [DAY], H)
    rows = out.where("customer_id = 'P1'").collect()
    assert {r["txn_count_30d"] for r in rows} == {7}              # not the later 99
    assert {r["snapshot_date"] for r in rows} == {DAY}
    assert out.columns[:7] == ["snapshot_date", "customer_id", "product_code",
                               "customer_type", "suitable", "label", "opened_date"]
    assert out.columns[7:] == list(FEATURE_COLUMNS)


def test_training_frame_labels_each_snapshot_with_its_own_horizon(frames, config):
    features, holdings = frames
    out = training_frame(features, holdings, config.products.products, [DAY, DAY + days(1)], H)
    got = {(r["snapshot_date"], r["product_code"]): r["label"]
           for r in out.where("customer_id = 'P1'").collect()}
    assert got[(DAY, "wealth_management")] == got[(DAY + days(1), "wealth_management")] == 1
    assert got[(DAY, "mutual_fund")] == 0 and got[(DAY + days(1), "mutual_fund")] == 1
    assert got[(DAY + days(1), "life_insurance")] == 0           # seen at DAY + 35 > d + 30


def test_labelable_dates_need_the_whole_horizon():
    dates = [DAY, DAY + days(1), DAY + days(2)]
    assert labelable_dates(dates, DAY + days(31), H) == [DAY, DAY + days(1)]
    assert labelable_dates(dates, DAY + days(29), H) == []
