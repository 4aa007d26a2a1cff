"""decide.combine: one opportunity per customer x product from rules and models."""

from __future__ import annotations

import pytest

from crosslink.decide.columns import HIT_DDL, ddl_names
from crosslink.decide.combine import OPPORTUNITY_COLUMNS, opportunities
from crosslink.tables import table
from expectations._build import ddl_columns
from tests.decide.frames import DAY


def _hit(customer, product, rule_id, confidence, kind="retail", owner="retail_rm",
         customer_type="person", en=None, zh=None):
    return (DAY, customer, customer_type, product, rule_id, kind, confidence,
            en or f"{rule_id} en", zh or f"{rule_id} zh", owner)


def _score(customer, product, propensity, version=2, reasons=(), customer_type="person"):
    values = {"snapshot_date": DAY, "customer_id": customer, "customer_type": customer_type,
              "product_code": product, "propensity": propensity, "suitable": True,
              "model_name": f"crosslink.{product}", "model_version": version,
              "model_run_id": "run", "reason_features": [r for r, _ in reasons],
              "reasons": [r for r, _ in reasons], "reasons_zh": [z for _, z in reasons]}
    return tuple(values[c] for c in ddl_columns(table("gold.propensity_scores").ddl))


HITS = [
    _hit("P1", "credit_card", "payroll_employee_no_card", 0.15, "linkage", "teller"),
    _hit("P1", "wealth_management", "large_idle_balance", 0.12, en="idle money",
         zh="闲置资金"),
    _hit("P2", "wealth_management", "large_idle_balance", 0.2),
    _hit("P4", "wealth_management", "large_idle_balance", 0.12, en="idle money", zh="闲置资金"),
    _hit("P4", "wealth_management", "client_executive_high_balance", 0.2, "linkage",
         "wealth_advisor", en="executive", zh="高管"),
]
SCORES = [
    _score("P1", "wealth_management", 0.3, reasons=[("large balance", "余额高"),
                                                    ("idle money", "闲置资金")]),
    _score("P2", "wealth_management", 0.05),
    _score("P3", "mutual_fund", 0.4, version=7, reasons=[("digital", "电子")]),
    _score("C1", "payroll_agency", 0.01, customer_type="company"),
    _score("C2", "payroll_agency", 0.5, customer_type="company"),
    _score("P4", "wealth_management", 0.1, reasons=[("idle money", "闲置资金")]),
]


@pytest.fixture(scope="module")
def combined(spark):
    hits = spark.createDataFrame(HITS, HIT_DDL)
    assert hits.columns == ddl_names(HIT_DDL)
    scores = spark.createDataFrame(SCORES, table("gold.propensity_scores").ddl)
    out = opportunities(hits, scores, min_model_propensity=0.02, rule_with_model="max")
    assert tuple(out.columns) == OPPORTUNITY_COLUMNS
    return {(r["customer_id"], r["product_code"]): r.asDict() for r in out.collect()}


def test_one_row_per_customer_and_product(combined):
    assert set(combined) == {("P1", "credit_card"), ("P1", "wealth_management"),
                             ("P2", "wealth_management"), ("P3", "mutual_fund"),
                             ("C2", "payroll_agency"), ("P4", "wealth_management")}


def test_rule_only_uses_the_rule_confidence(combined):
    r = combined[("P1", "credit_card")]
    assert (r["propensity"], r["kind"], r["owner_role"]) == (0.15, "linkage", "teller")
    assert r["sources"] == ["payroll_employee_no_card"] and r["model_name"] is None
    assert r["evidence"] == ["payroll_employee_no_card en"]


def test_both_keep_the_larger_of_score_and_confidence(combined):
    assert combined[("P1", "wealth_management")]["propensity"] == 0.3     # model above rule
    assert combined[("P2", "wealth_management")]["propensity"] == 0.2     # never below rule
    r = combined[("P1", "wealth_management")]
    assert r["sources"] == ["large_idle_balance", "model:crosslink.wealth_management@v2"]
    assert (r["model_propensity"], r["rule_confidence"], r["model_version"]) == (0.3, 0.12, 2)


def test_rule_with_model_set_to_model_takes_the_models_score(spark):
    hits = spark.createDataFrame(HITS, HIT_DDL)
    scores = spark.createDataFrame(SCORES, table("gold.propensity_scores").ddl)
    out = opportunities(hits, scores, min_model_propensity=0.02, rule_with_model="model")
    got = {(r["customer_id"], r["product_code"]): r["propensity"] for r in out.collect()}
    assert got[("P2", "wealth_management")] == 0.05      # the model's, below the rule's 0.2
    assert got[("P1", "wealth_management")] == 0.3
    assert got[("P1", "credit_card")] == 0.15            # no model: the rule's confidence
    with pytest.raises(ValueError, match="rule_with_model"):
        opportunities(hits, scores, rule_with_model="mean")


def test_evidence_rules_first_then_reasons_without_duplicates(combined):
    r = combined[("P1", "wealth_management")]
    assert r["evidence"] == ["idle money", "large balance"]
    assert r["evidence_zh"] == ["闲置资金", "余额高"]


def test_rules_best_first_and_linkage_wins_the_kind(combined):
    r = combined[("P4", "wealth_management")]
    assert r["rule_ids"] == ["client_executive_high_balance", "large_idle_balance"]
    assert (r["kind"], r["owner_role"], r["propensity"]) == ("linkage", "wealth_advisor", 0.2)
    assert r["evidence"] == ["executive", "idle money"]


def test_model_only_kind_follows_the_customer_type(combined):
    assert combined[("P3", "mutual_fund")]["kind"] == "retail"
    assert combined[("P3", "mutual_fund")]["sources"] == ["model:crosslink.mutual_fund@v7"]
    assert combined[("P3", "mutual_fund")]["rule_ids"] == []
    assert combined[("C2", "payroll_agency")]["kind"] == "corporate"
    assert ("C1", "payroll_agency") not in combined      # below min_model_propensity


def test_the_lift_floor_keeps_model_only_pairs_above_their_products_mean(spark):
    """wealth_management scores 0.3, 0.05, 0.1 (mean 0.15); mutual_fund 0.4 alone;
    payroll_agency 0.01 and 0.5: at lift 1 only the pairs at or above their mean stay, and
    rule hits stay whatever their model score."""
    scores = spark.createDataFrame(SCORES, table("gold.propensity_scores").ddl)
    no_hits = spark.createDataFrame([], HIT_DDL)
    kept = {(r["customer_id"], r["product_code"])
            for r in opportunities(no_hits, scores, min_model_lift=1.0).collect()}
    assert kept == {("P1", "wealth_management"), ("P3", "mutual_fund"), ("C2", "payroll_agency")}
    with_rules = {(r["customer_id"], r["product_code"]) for r in opportunities(
        spark.createDataFrame(HITS, HIT_DDL), scores, min_model_lift=1.0).collect()}
    assert {("P2", "wealth_management"), ("P4", "wealth_management")} <= with_rules
    everything = opportunities(no_hits, scores, min_model_lift=0.0).count()
    assert everything == len(SCORES)


def test_rules_alone(spark):
    out = opportunities(spark.createDataFrame(HITS, HIT_DDL)).collect()
    assert len(out) == 4 and all(r["model_name"] is None for r in out)
