"""crosslink.evaluation on tiny frames: acceptance from the truth, the baselines' scores, the
oracle's config and the expected figures of a prompt list."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink import evaluation

DAY = dt.date(2026, 1, 12)
TRUTH = "customer_id string, product_code string, daily_prob double, held_at_start boolean"
OPENINGS = "customer_id string, product_code string, open_date date, holding_id string"


@pytest.fixture
def accept(spark):
    truth = spark.createDataFrame([
        ("P1", "credit_card", 0.01, False),
        ("P1", "mortgage", 0.5, True),              # held: nothing to accept
        ("P2", "credit_card", 0.1, False),          # opened before the day
        ("P3", "credit_card", 0.1, False),          # opens after the day: still to win
    ], TRUTH)
    openings = spark.createDataFrame([
        ("P2", "credit_card", DAY - dt.timedelta(days=1), "H1"),
        ("P3", "credit_card", DAY + dt.timedelta(days=2), "H2"),
    ], OPENINGS)
    return evaluation.acceptance(truth, openings, DAY, ttl_days=7)


def test_acceptance_is_opening_within_the_prompt_life(accept):
    got = {(r.customer_id, r.product_code): r.p_accept for r in accept.collect()}
    assert got[("P1", "credit_card")] == pytest.approx(1 - 0.99 ** 7)
    assert got[("P1", "mortgage")] == 0.0
    assert got[("P2", "credit_card")] == 0.0
    assert got[("P3", "credit_card")] == pytest.approx(1 - 0.9 ** 7)


def test_expected_sums_acceptance_and_weighs_value_like_arbitration(spark, accept, config):
    prompts = spark.createDataFrame([("P1", "credit_card", "teller"),
                                     ("P3", "credit_card", "electronic"),
                                     ("P9", "credit_card", "teller")],  # not in the truth: 0
                                    "customer_id string, product_code string, role string")
    got = evaluation.expected(prompts, accept, config)
    p1, p3 = 1 - 0.99 ** 7, 1 - 0.9 ** 7
    points = next(p.points for p in config.products.products if p.code == "credit_card")
    weight = config.policy.arbitration.campaign_weights.weight(
        next(p for p in config.products.products if p.code == "credit_card"))
    assert got["prompts"] == 3
    assert got["expected_accepts"] == pytest.approx(p1 + p3)
    assert got["expected_value"] == pytest.approx((p1 + p3) * points * weight)
    assert got["by_role"]["teller"]["prompts"] == 2
    assert got["by_role"]["teller"]["expected_value"] == pytest.approx(p1 * points * weight)
    assert got["by_role"]["electronic"]["expected_value"] == pytest.approx(p3 * points * weight)
    assert got["by_product"] == {"credit_card": {
        "prompts": 3, "expected_value": pytest.approx((p1 + p3) * points * weight)}}


def test_random_scores_are_uniform_reproducible_and_seeded(spark):
    features = spark.createDataFrame([(f"P{i}", "person") for i in range(2000)],
                                     "customer_id string, customer_type string")
    accept = features.selectExpr("customer_id", "'credit_card' as product_code",
                                 "0.1 as p_accept")
    pairs = evaluation.candidate_pairs(features, accept)
    first = evaluation.random_scores(pairs, DAY, seed=7).toPandas()
    again = evaluation.random_scores(pairs, DAY, seed=7).toPandas()
    other = evaluation.random_scores(pairs, DAY, seed=8).toPandas()
    assert first["propensity"].tolist() == again["propensity"].tolist()
    assert first["propensity"].tolist() != other["propensity"].tolist()
    assert first["propensity"].between(0, 1).all()
    assert abs(first["propensity"].mean() - 0.5) < 0.03
    assert set(first["model_name"]) == {"random"}


def _with_floors(config):
    """The config with both model floors on: the oracle keeps them (they are policy)."""
    arbitration = config.policy.arbitration.model_copy(
        update={"min_model_propensity": 0.02, "min_model_lift": 1.0})
    return config.model_copy(update={"policy": config.policy.model_copy(
        update={"arbitration": arbitration})})


def test_oracle_config_for_value_is_the_banks_own(config):
    floored = _with_floors(config)
    assert evaluation.oracle_config(floored) == floored          # value is the default
    with pytest.raises(ValueError, match="objective"):
        evaluation.oracle_config(config, "profit")


def test_oracle_config_for_accepts_values_only_the_probability(config):
    oracle = evaluation.oracle_config(_with_floors(config), "accepts")
    assert {p.points for p in oracle.products.products} == {1}
    arbitration = oracle.policy.arbitration
    assert arbitration.min_model_propensity == 0.02 and arbitration.min_model_lift == 1.0
    assert all(arbitration.campaign_weights.weight(p) == 1.0 for p in oracle.products.products)
    # the rest of the policy is the bank's own
    assert oracle.policy.contact == config.policy.contact
    assert oracle.organisation == config.organisation
    assert config.policy.arbitration.campaign_weights.products     # the original is untouched


PROMPTS = ("prompt_id string, business_date date, expiry_date date, customer_id string, "
           "product_code string, role string, assignee_id string, referral_path string")


def _prompts(spark, rows):
    return spark.createDataFrame([(pid, day, day + dt.timedelta(days=7), customer, "credit_card",
                                   "electronic", None, None) for pid, day, customer in rows],
                                 PROMPTS)


def _recorded(spark, prompts, variant, fingerprint):
    return evaluation.record(prompts.withColumn("channel", prompts.role), variant, fingerprint)


def test_a_baseline_sees_its_own_prompts_on_days_recorded_against_todays_pipeline(spark):
    d1, d2 = DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1)
    pipeline = _prompts(spark, [("A", d1, "P1"), ("B", d2, "P2")])
    current = evaluation.fingerprints(pipeline)
    stamp = {r.business_date: r.pipeline_fingerprint for r in current.collect()}
    oracle_d1 = _prompts(spark, [("X", d1, "P7"), ("Y", d1, "P8")])
    oracle_d2 = _prompts(spark, [("Z", d2, "P9")])
    recorded = (_recorded(spark, oracle_d1, "oracle", stamp[d1])
                .unionByName(_recorded(spark, oracle_d2, "oracle", "stale")) # re-decided since
                .unionByName(_recorded(spark, oracle_d1, "random", stamp[d1])))
    own = evaluation.own_prompts(current, recorded, "oracle")
    assert sorted(r.prompt_id for r in own.collect()) == ["X", "Y"]
    seen = {(r.business_date, r.prompt_id) for r in
            evaluation.own_history(pipeline, own).collect()}
    assert seen == {(d1, "X"), (d1, "Y"), (d2, "B")}     # own on day 1, the pipeline's on day 2
    nothing = evaluation.own_prompts(current, recorded, "rules_only")
    assert {r.prompt_id for r in evaluation.own_history(pipeline, nothing).collect()} == {
        "A", "B"}


def test_fingerprints_change_with_the_prompt_ids_not_their_order(spark):
    day = DAY
    one = evaluation.fingerprints(_prompts(spark, [("A", day, "P1"), ("B", day, "P2")]))
    same = evaluation.fingerprints(_prompts(spark, [("B", day, "P2"), ("A", day, "P1")]))
    other = evaluation.fingerprints(_prompts(spark, [("A", day, "P1"), ("C", day, "P2")]))
    fp = [f.collect()[0].pipeline_fingerprint for f in (one, same, other)]
    assert fp[0] == fp[1] != fp[2] and fp[0].startswith("2:")
