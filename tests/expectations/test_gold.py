"""Gold suites: registered, in step with the table registry, satisfiable by what the feature
code produces, and failing — naming the rule — on the defects they exist for."""

from __future__ import annotations

import pytest

import expectations
from crosslink import quality
from crosslink.tables import TABLES, table
from expectations import _build
from features.rollup import full_windows
from models import registry
from tests.features.frames import DAY, daily, features_row, frame

GOLD = sorted(name for name in TABLES if table(name).layer == "gold")


def test_every_gold_table_has_a_suite():
    assert GOLD == ["gold.customer_daily", "gold.customer_features", "gold.customer_windows",
                    "gold.opportunities", "gold.prompts", "gold.propensity_scores"]
    assert set(GOLD) <= set(expectations.SUITES)


@pytest.mark.parametrize("name", GOLD)
def test_gold_suites_name_only_columns_of_the_table_and_their_dimension(name):
    columns = set(_build.ddl_columns(table(name).ddl))
    for expectation in expectations.suite_for(name).expectations:
        kwargs = expectation.configuration.kwargs
        named = {kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)}
        named |= set(kwargs.get("column_list") or []) | set(kwargs.get("column_set") or [])
        assert named <= columns, (name, expectation.expectation_type)
        assert (expectation.meta or {}).get("dimension") in _build.DIMENSIONS


@pytest.fixture(scope="module")
def gx_home(tmp_path_factory):
    return tmp_path_factory.mktemp("gx_gold")


@pytest.fixture(scope="module")
def clean(spark):
    today = daily(spark, [
        {"customer_id": "P1", "txn_count": 2, "atm_count": 1, "wechat_count": 1,
         "atm_out_cny": 100.0, "wechat_out_cny": 12.5, "out_cny": 112.5},
        {"customer_id": "C1", "payroll_elsewhere_count": 2, "payroll_elsewhere_cny": 9000.0}])
    features = frame(spark, "gold.customer_features", [
        features_row("P1", segment_mass=1, txn_count_30d=2, txn_count_90d=2, atm_count_30d=1,
                     atm_count_90d=1, wechat_count_30d=1, wechat_count_90d=1, share_atm_90d=0.5,
                     share_wechat_90d=0.5, days_since_atm=0, days_since_wechat=0,
                     days_since_txn=0, **{f"days_since_{c}": 90 for c in (
                         "branch_counter", "online_banking", "mobile_app", "pos")}),
        features_row("C1", "company", is_company=1, segment_sme=1, days_since_txn=90,
                     **{f"days_since_{c}": 90 for c in (
                         "branch_counter", "atm", "online_banking", "mobile_app", "wechat",
                         "pos")})])
    return {"gold.customer_daily": today, "gold.customer_windows": full_windows(today, DAY),
            "gold.customer_features": features,
            "gold.propensity_scores": frame(spark, "gold.propensity_scores", [
                _score("P1", "credit_card", 0.31, ["salary_ours_*", "age"],
                       ["salary paid into an account with us", "stage of life"],
                       ["工资在我行代发入账", "年龄阶段"]),
                _score("P1", "wealth_management", 0.02, [], [], [], suitable=False,
                       version=1),
                _score("P2", "credit_card", 0.0, ["age"], ["stage of life"], ["年龄阶段"]),
                _score("C1", "payroll_agency", 1.0, [], [], [], customer_type="company",
                       version=7)])}


def _score(customer_id, product, propensity, patterns, en, zh, *, customer_type="person",
           suitable=True, version=3) -> dict:
    """A gold.propensity_scores row as models.scoring writes it."""
    return {"snapshot_date": DAY, "customer_id": customer_id, "customer_type": customer_type,
            "product_code": product, "propensity": propensity, "suitable": suitable,
            "model_name": registry.model_name(product), "model_version": version,
            "model_run_id": f"run{version}", "reason_features": patterns, "reasons": en,
            "reasons_zh": zh}


def _validate(df, name, gx_home, config):
    settings = config.pipeline.quality.model_copy(update={"build_data_docs": False})
    return quality.validate(df, name, home=gx_home, config=settings, business_date=DAY)


# gold.opportunities and gold.prompts: the decide job's own output passes them end to end
# (tests/jobs/test_decide_e2e.py)
PRODUCED_HERE = [n for n in GOLD if n not in ("gold.opportunities", "gold.prompts")]


@pytest.mark.parametrize("name", PRODUCED_HERE)
def test_what_the_feature_code_produces_passes(name, clean, gx_home, config):
    result = _validate(clean[name], name, gx_home, config)
    assert result.success, result.describe()


@pytest.mark.parametrize("name, change, rule", [
    ("gold.customer_features", {"salary_credit_cny_30d": None}, "no null, no NaN"),
    ("gold.customer_features", {"share_atm_90d": float("nan")}, "no null, no NaN"),
    ("gold.customer_features", {"txn_count_30d": 3}, "no measure is larger over 30 days"),
    ("gold.customer_features", {"days_since_txn": 5}, "last transaction is the last"),
    ("gold.customer_features", {"holds_credit_card": 2}, "flags are 0 or 1"),
    ("gold.customer_daily", {"atm_count": 5}, "channel counts add up"),
    ("gold.customer_windows", {"atm_out_cny_90d": -0.01}, "never negative"),
    ("gold.propensity_scores", {"propensity": 1.5}, "be_between(propensity)"),
    ("gold.propensity_scores", {"propensity": float("nan")}, "be_between(propensity)"),
    ("gold.propensity_scores", {"model_version": 0}, "be_between(model_version)"),
    ("gold.propensity_scores", {"model_run_id": None}, "not_be_null(model_run_id)"),
    ("gold.propensity_scores", {"reasons_zh": ["年龄阶段"]}, "have the same length"),
    ("gold.propensity_scores", {"model_name": "crosslink.mortgage"}, "its own registered"),
    ("gold.propensity_scores", {"model_version": 4}, "one model version scores"),
])
def test_a_defect_fails_its_rule(name, change, rule, clean, gx_home, config, spark):
    from pyspark.sql import functions as F

    df = clean[name]
    for column, value in change.items():
        df = df.withColumn(column, F.when(F.col("customer_id") == "P1", F.lit(value))
                           .otherwise(F.col(column)).cast(df.schema[column].dataType))
    result = _validate(df, name, gx_home, config)
    assert not result.success
    assert any(rule in f.describe() for f in result.failed), result.describe()
