"""The trainer against a known answer, and the guard on too few positives."""

import numpy as np
import pytest

from crosslink.config import TrainConfig
from models.train import TooFewPositives, _validation_split, train_product
from tests.models.synthetic import SIGNAL, known_answer


@pytest.fixture(scope="module")
def trained(config):
    matrix, train, holdout, truth = known_answer()
    return train_product("credit_card", matrix, train, holdout, config.models.train, truth)


def test_auc_within_003_of_the_oracle(trained):
    m = trained.metrics
    assert m["positives"] >= 200
    assert m["oracle_auc"] - m["auc"] < 0.03, m
    assert m["lift_top_decile"] > 3
    # the same without the positives' noise: expected over every draw of the labels
    assert 0 < m["oracle_expected_auc"] - m["expected_auc"] < 0.03, m


def test_the_top_picks_hold_most_of_the_true_propensity(trained):
    m = trained.metrics
    print({k: round(v, 3) for k, v in m.items() if k.startswith("truth_capture")})
    assert 0.8 < m["truth_capture_top_decile"] <= 1.0
    assert 0.6 < m["truth_capture_top_percent"] <= 1.0


def test_the_signal_features_lead_the_importance(trained):
    top = sorted(trained.importance, key=trained.importance.get, reverse=True)[:len(SIGNAL)]
    assert set(top) == set(SIGNAL)


def test_early_stopping_picks_fewer_trees_than_the_cap(trained, config):
    assert 1 <= trained.best_rounds < config.models.train.num_boost_round


def test_early_stopping_watches_held_out_customers_on_every_date():
    import pandas as pd

    from models.dataset import ProductRows

    days = ["2026-03-01", "2026-03-02", "2026-03-03"]
    keys = pd.DataFrame({"snapshot_date": np.repeat(days, 1000),
                         "customer_id": [f"P{i:04d}" for i in range(1000)] * 3})
    label = np.tile(np.arange(1000) % 10 == 0, 3).astype(np.int8)
    part = ProductRows(np.arange(3000), label, keys)
    fitting, watching = _validation_split(part, share=0.2, seed=7)
    fit_ids, watch_ids = set(fitting.keys["customer_id"]), set(watching.keys["customer_id"])
    assert not fit_ids & watch_ids                              # nobody on both sides
    assert len(fitting.rows) + len(watching.rows) == 3000        # nobody lost
    assert 150 < len(watch_ids) < 250                            # about the share
    assert watching.keys.groupby("customer_id").size().eq(3).all()   # all their dates
    again = _validation_split(part, share=0.2, seed=7)[1]
    other = _validation_split(part, share=0.2, seed=8)[1]
    assert list(again.rows) == list(watching.rows)               # stable
    assert list(other.rows) != list(watching.rows)               # the seed salts it


def test_too_few_positives_skips_the_product():
    matrix, train, holdout, truth = known_answer(rows_per_date=300)
    cfg = TrainConfig(min_train_positives=10_000)
    with pytest.raises(TooFewPositives, match="credit_card: .* training positives"):
        train_product("credit_card", matrix, train, holdout, cfg, truth)


def test_noise_features_give_a_coin_flip():
    matrix, train, holdout, truth = known_answer(rows_per_date=3000, signal={})
    cfg = TrainConfig(min_train_positives=1, min_holdout_positives=1, params={"max_depth": 2})
    found = train_product("credit_card", matrix, train, holdout, cfg, truth).metrics
    assert abs(found["auc"] - 0.5) < 0.1 and np.isfinite(found["oracle_auc"])
