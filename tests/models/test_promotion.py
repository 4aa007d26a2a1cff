"""The promotion gate, as a rule and against a real MLflow registry in a throw-away home."""

from __future__ import annotations

import pytest

from crosslink.config import PromotionConfig, TrainConfig
from features.columns import FEATURE_COLUMNS
from models import promotion, registry
from models.dataset import Split
from models.train import log_and_register, train_product
from tests.models.synthetic import DATES, known_answer

CFG = PromotionConfig(metric="auc", margin=0.01)


@pytest.mark.parametrize("challenger, champion, promoted", [
    (0.70, None, True),            # no champion yet
    (0.75, 0.70, True),            # beats it by more than the margin
    (0.705, 0.70, False),          # better, but within the margin
    (0.60, 0.70, False),           # worse
])
def test_decide(challenger, champion, promoted):
    decision = promotion.decide("credit_card", 2, {"auc": challenger},
                                None if champion is None else 1,
                                None if champion is None else {"auc": champion}, CFG)
    assert decision.promoted is promoted
    assert decision.challenger_value == challenger and decision.champion_value == champion


def test_decide_on_a_lower_is_better_metric_uses_its_negation():
    decision = promotion.decide("credit_card", 2, {"neg_brier": -0.05}, 1,
                                {"neg_brier": -0.06}, PromotionConfig(metric="neg_brier",
                                                                      margin=0.005))
    assert decision.promoted


@pytest.fixture(scope="module")
def data():
    return known_answer(rows_per_date=6000, seed=3)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return registry.configure(tmp_path_factory.mktemp("mlflow_home"))


def _register(client, data, cfg: TrainConfig, signal_scale: float = 1.0) -> tuple[int, object]:
    matrix, train, holdout, truth = data
    if signal_scale == 0:             # a model of pure noise: shuffled labels
        import numpy as np

        train = type(train)(train.rows, np.random.default_rng(0).permutation(train.label),
                            train.keys)
    trained = train_product("credit_card", matrix, train, holdout, cfg, truth)
    split = Split(DATES[:-1], DATES[-1:], 30)
    version = log_and_register(client, trained, matrix, holdout, split, cfg, {"test": "1"})
    return version, trained


def _gate(client, data, version, trained):
    matrix, _, holdout, _ = data
    return promotion.gate(client, "credit_card", version, matrix.frame(holdout.rows),
                          holdout.label, CFG, trained.holdout_scores)


def test_gate_both_ways_then_by_hand_and_back(client, data):
    weak = TrainConfig(num_boost_round=2, params={"max_depth": 1}, min_train_positives=1,
                       min_holdout_positives=1)
    v1, t1 = _register(client, data, weak)
    first = _gate(client, data, v1, t1)
    assert first.promoted and first.reason == "no champion yet"
    assert registry.alias_version(client, "credit_card", "champion") == v1

    noise_cfg = TrainConfig(min_train_positives=1, min_holdout_positives=1)
    v2, t2 = _register(client, data, noise_cfg, signal_scale=0)
    worse = _gate(client, data, v2, t2)
    assert not worse.promoted and worse.challenger_value < worse.champion_value
    assert registry.alias_version(client, "credit_card", "champion") == v1
    assert registry.alias_version(client, "credit_card", "challenger") == v2
    tags = client.get_model_version("crosslink.credit_card", str(v2)).tags
    assert tags[promotion.DECISION_TAG].startswith("refused: auc")

    v3, t3 = _register(client, data, TrainConfig())
    better = _gate(client, data, v3, t3)
    assert better.promoted and better.challenger_value >= better.champion_value + CFG.margin
    assert registry.alias_version(client, "credit_card", "champion") == v3

    promotion.promote_by_hand(client, "credit_card", v2, "testing a hunch")
    assert registry.alias_version(client, "credit_card", "champion") == v2
    assert registry.rollback(client, "credit_card") == v3
    assert registry.champion_history(client, "credit_card") == [v1, v3]


def test_every_decision_is_a_logged_run_with_both_metrics(client, data):
    import mlflow

    runs = mlflow.search_runs(experiment_names=[registry.PROMOTION_EXPERIMENT])
    assert len(runs) >= 4
    refused = runs[runs["tags.outcome"] == "refused"].iloc[0]
    assert refused["metrics.challenger_auc"] < refused["metrics.champion_auc"]


def test_the_training_run_holds_params_metrics_plots_and_a_signed_model(client, data):
    import mlflow

    runs = mlflow.search_runs(experiment_names=[registry.EXPERIMENT])
    run = runs.iloc[0]
    assert run["params.holdout_dates"] == str(DATES[-1])
    assert 0.5 < run["metrics.holdout_auc"] <= 1 and "metrics.holdout_oracle_auc" in runs
    files = {a.path for a in client.list_artifacts(run["run_id"], "plots")}
    assert files == {"plots/gain_lift.png", "plots/feature_importance.png",
                     "plots/calibration.png"}
    loaded = registry.load_alias(client, "credit_card")
    assert loaded.feature_names[:3] == ("txn_count_30d", "in_cny_30d", "out_cny_30d")
    info = mlflow.models.get_model_info(f"models:/crosslink.credit_card/{loaded.version}")
    assert info.signature is not None and len(info.signature.inputs.inputs) == len(FEATURE_COLUMNS)


def test_a_champion_from_before_a_feature_was_added_is_judged_on_its_own_features(client,
                                                                                  data):
    from features.columns import FEEDBACK_COLUMNS
    from models.dataset import Matrix

    matrix, train, holdout, truth = data
    known = len(FEATURE_COLUMNS) - len(FEEDBACK_COLUMNS)       # the columns before them
    older = Matrix(matrix.keys, matrix.values[:, :known], FEATURE_COLUMNS[:known])
    cfg = TrainConfig(min_train_positives=1, min_holdout_positives=1)
    split = Split(DATES[:-1], DATES[-1:], 30)
    old = train_product("mortgage", older, train, holdout, cfg, truth)
    v1 = log_and_register(client, old, older, holdout, split, cfg, {"test": "older"})
    promotion.promote_by_hand(client, "mortgage", v1, "the champion of last month")
    assert len(registry.load_alias(client, "mortgage").feature_names) == known

    new = train_product("mortgage", matrix, train, holdout, cfg, truth)
    v2 = log_and_register(client, new, matrix, holdout, split, cfg, {"test": "newer"})
    decision = promotion.gate(client, "mortgage", v2, matrix.frame(holdout.rows),
                              holdout.label, CFG)          # the challenger is loaded too
    assert decision.champion_version == v1
    assert decision.champion_value == pytest.approx(old.metrics["auc"])
    assert decision.challenger_value == pytest.approx(new.metrics["auc"])
