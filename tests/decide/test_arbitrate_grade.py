"""decide.arbitrate (value, top K) and decide.grade (class, tier)."""

from __future__ import annotations

import pytest

from crosslink.config import ArbitrationConfig, GradingConfig
from crosslink.decide.arbitrate import top_k, value
from crosslink.decide.grade import grade
from tests.decide.frames import opp, opps

WEIGHTS = ArbitrationConfig.model_validate({
    "top_k_per_customer": 2,
    "campaign_weights": {"default": 0.5, "categories": {"wealth": 2.0},
                         "products": {"mutual_fund": 3.0}}})


def test_value_is_propensity_times_points_times_weight(spark, config):
    rows = [opp("P1", "credit_card", propensity=0.5),        # 3 points, default 0.5
            opp("P1", "wealth_management", propensity=0.5),  # 5 points, category 2.0
            opp("P1", "mutual_fund", propensity=0.1)]        # 5 points, product 3.0
    frame = opps(spark, rows).drop("points", "campaign_weight", "value", "category")
    got = {r["product_code"]: (r["points"], r["campaign_weight"], r["value"], r["category"])
           for r in value(frame, config.products.products, WEIGHTS).collect()}
    assert got["credit_card"] == (3, 0.5, pytest.approx(0.75), "financing")
    assert got["wealth_management"] == (5, 2.0, pytest.approx(5.0), "wealth")
    assert got["mutual_fund"] == (5, 3.0, pytest.approx(1.5), "wealth")


def test_top_k_per_customer_by_value_then_product(spark):
    rows = [opp("P1", "credit_card", value=1.0), opp("P1", "mortgage", value=3.0),
            opp("P1", "mutual_fund", value=1.0), opp("P2", "credit_card", value=0.1)]
    kept, dropped = top_k(opps(spark, rows).drop("customer_rank"), 2)
    assert sorted((r["customer_id"], r["product_code"], r["customer_rank"])
                  for r in kept.collect()) == [("P1", "credit_card", 2), ("P1", "mortgage", 1),
                                               ("P2", "credit_card", 1)]
    assert [(r["product_code"], r["reason"]) for r in dropped.collect()] == [
        ("mutual_fund", "below_top_k")]        # tie on value: credit_card < mutual_fund


def test_campaign_weight_reorders_a_customers_list(spark, config):
    rows = [opp("P1", "credit_card", propensity=0.5), opp("P1", "mortgage", propensity=0.2)]
    frame = opps(spark, rows).drop("points", "campaign_weight", "value")
    plain = ArbitrationConfig.model_validate({"top_k_per_customer": 1})
    boosted = ArbitrationConfig.model_validate({"top_k_per_customer": 1, "campaign_weights": {
        "products": {"credit_card": 2.0}}})
    for cfg, winner in ((plain, "mortgage"), (boosted, "credit_card")):   # 1.6 vs 1.5 / 3.0
        kept, _ = top_k(value(frame, config.products.products, cfg).drop("customer_rank"), 1)
        assert [r["product_code"] for r in kept.collect()] == [winner]


VALUES = [0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]


def _graded(spark, grading):
    rows = [opp(f"P{i}", "credit_card", value=v, kind="linkage") for i, v in enumerate(VALUES)]
    out = grade(opps(spark, rows).drop("class", "tier"), grading).collect()
    return {r["value"]: r["tier"] for r in out}, {r["class"] for r in out}


def test_tiers_by_thresholds(spark):
    tiers, classes = _graded(spark, GradingConfig.model_validate(
        {"method": "thresholds", "thresholds": {"a": 7.0, "b": 2.0}}))
    assert [tiers[v] for v in VALUES] == ["C", "C", "B", "B", "B", "B", "B", "A", "A", "A"]
    assert classes == {"financing/linkage"}


def test_tiers_by_quantiles_of_the_day(spark):
    tiers, _ = _graded(spark, GradingConfig.model_validate(
        {"method": "quantiles", "quantiles": {"a": 0.8, "b": 0.5}}))
    # exact percentiles of the ten values: p80 = 7.2, p50 = 4.5
    assert [tiers[v] for v in VALUES] == ["C", "C", "C", "C", "C", "B", "B", "B", "A", "A"]
