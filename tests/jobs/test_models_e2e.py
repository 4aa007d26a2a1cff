"""End to end on the generated bank: train the first models as of the last date, promote them
through the gate, score the eligible customers with the champions, and check the scores
against the registry, the boosters themselves and a rerun."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import functions as F

from crosslink.context import run_job
from features.columns import FEATURE_COLUMNS
from features.labels import eligible
from jobs import score, train
from models import registry
from tests.jobs.conftest import LAST

pytestmark = pytest.mark.slow
# The bank has 5 nights: a 1-day horizon leaves 3 training dates and a purged holdout.
HORIZON = 1


def _with_train(bank, **train):
    """The bank's context as of LAST with these models.train settings."""
    train_cfg = bank.config.models.train.model_copy(update=train)
    cfg = bank.config.model_copy(update={"models": bank.config.models.model_copy(
        update={"train": train_cfg})})
    return type(bank)(cfg, bank.spark, bank.lake, LAST, bank.run_id, bank.run_log)


@pytest.fixture(scope="module")
def trained(bank):
    # a small bank: few positives, so allow small leaves (the default needs ~500 rows a leaf
    # at a 1% base rate)
    ctx = _with_train(bank, min_train_positives=5, min_holdout_positives=3,
                      params={**bank.config.models.train.params, "min_child_weight": 0.5})
    with pytest.MonkeyPatch.context() as mp:   # the truth (oracle AUC) is under the bank's home
        mp.setenv("CROSSLINK_HOME", str(bank.lake.home))
        outcomes = run_job(ctx, train.run, None, HORIZON, True)
        run_job(bank, score.run)
    return {o.product: o for o in outcomes}


@pytest.fixture(scope="module")
def scores(bank, trained):
    return bank.lake.read("gold.propensity_scores", where={"snapshot_date": LAST}).toPandas()


def test_products_with_enough_openers_get_a_champion(bank, trained):
    client = registry.configure(bank.home)
    done = [p for p, o in trained.items() if o.version is not None]
    assert len(done) >= 4, {p: o.skipped for p, o in trained.items()}
    for product in done:
        assert trained[product].decision.promoted            # the first one: no champion yet
        assert registry.alias_version(client, product, "champion") == trained[product].version
    skipped = [o for o in trained.values() if o.version is None]
    assert all("positives" in o.skipped or "eligible" in o.skipped for o in skipped)


def test_holdout_metrics_and_the_oracle_are_logged(trained):
    """On a 1,000-customer bank a product has a handful of holdout openers, so its AUC is
    noise (0.19 to 0.93 here); what the models learned is judged against the truth below."""
    for o in trained.values():
        if o.version:
            assert 0 <= o.metrics["auc"] <= 1
            assert o.metrics["oracle_coverage"] > 0.95 and np.isfinite(o.metrics["oracle_auc"])
            # free of that noise (a model of a few openers may still rank below chance; the
            # truth's own ranking is the best any can, and ranks well)
            assert 0 < o.metrics["expected_auc"] <= o.metrics["oracle_expected_auc"] < 1
            assert o.metrics["oracle_expected_auc"] > 0.6


def test_scores_follow_the_true_propensity(bank, scores):
    """Every scored pair against the generator's true daily probability: no label noise, so
    thousands of pairs judge the ranking even where openers are few. Model quality proper
    is tests/models' known answer and bench/model_quality.py."""
    truth = pd.read_parquet(bank.lake.home / "truth" / "propensity.parquet",
                            columns=["customer_id", "product_code", "daily_prob"])
    pairs = scores.merge(truth, on=["customer_id", "product_code"])
    assert len(pairs) == len(scores)
    rho = {p: g["propensity"].corr(g["daily_prob"], method="spearman")
           for p, g in pairs.groupby("product_code")}
    weights = pairs.groupby("product_code").size()
    weighted = sum(rho[p] * weights[p] for p in rho) / weights.sum()
    # 0.24 on this bank (every product positive); a random scorer gives 0 +- 0.03
    assert weighted > 0.15, rho
    assert sum(r > 0 for r in rho.values()) >= len(rho) - 1, rho


def test_every_eligible_pair_of_a_champion_product_is_scored_once(bank, trained, scores):
    champions = {p for p, o in trained.items() if o.version is not None}
    assert set(scores["product_code"]) == champions
    features = bank.lake.read("gold.customer_features", where={"snapshot_date": LAST})
    holdings = bank.lake.read("silver.holdings", where={"snapshot_date": LAST})
    pairs = eligible(features, holdings, bank.config.products.products) \
        .where(F.col("product_code").isin(*champions)).count()
    assert len(scores) == pairs
    assert not scores.duplicated(["customer_id", "product_code"]).any()


def test_scores_carry_the_champion_version_and_reasons(trained, scores, bank):
    versions = scores.groupby("product_code")["model_version"].unique()
    for product, found in versions.items():
        assert list(found) == [trained[product].version]
    assert scores["model_name"].eq("crosslink." + scores["product_code"]).all()
    top = bank.config.models.scoring.top_reasons
    lengths = scores["reasons"].map(len)
    assert lengths.max() <= top and (lengths > 0).mean() > 0.5
    assert (scores["reasons"].map(len) == scores["reasons_zh"].map(len)).all()


def test_scores_are_the_boosters_own_predictions(bank, trained, scores):
    product = max((p for p, o in trained.items() if o.version), key=lambda p: (scores[
        "product_code"] == p).sum())
    model = registry.load_alias(registry.configure(bank.home), product)
    mine = scores[scores["product_code"] == product].set_index("customer_id")["propensity"]
    features = (bank.lake.read("gold.customer_features", where={"snapshot_date": LAST})
                .select("customer_id", *FEATURE_COLUMNS).toPandas().set_index("customer_id"))
    expected = model.booster.inplace_predict(
        features.loc[mine.index, list(model.feature_names)].to_numpy(np.float32))
    assert np.allclose(mine.to_numpy(), expected, atol=1e-6)


def test_rescoring_the_date_changes_nothing(bank, trained):
    where = {"snapshot_date": LAST}
    before = bank.lake.checksum("gold.propensity_scores", where=where)
    run_job(bank, score.run)
    assert bank.lake.checksum("gold.propensity_scores", where=where) == before


def test_a_row_budget_lowers_the_negative_rate_to_fit(bank):
    """models.train.max_train_rows: the training pull keeps the holdout and the openers whole
    and samples the other customer-dates at the rate that fills the budget."""
    every = train.load_training_set(ctx := _with_train(bank, negative_rate=1.0),
                                    train.plan_split(ctx, HORIZON))
    weights = every.matrix.weights
    assert every.negative_rate == 1.0 and (weights == 1).all()
    budget = len(weights) * 3 // 4
    ctx = _with_train(bank, negative_rate=1.0, max_train_rows=budget)
    sampled = train.load_training_set(ctx, train.plan_split(ctx, HORIZON))
    assert 0 < sampled.negative_rate < 1
    assert abs(len(sampled.matrix.weights) - budget) < 0.05 * budget
    drawn = sampled.matrix.weights != 1
    assert np.allclose(sampled.matrix.weights[drawn], 1 / sampled.negative_rate)
    # reweighted, the sampled rows stand for every row
    assert abs(sampled.matrix.weights.sum() / len(weights) - 1) < 0.05
