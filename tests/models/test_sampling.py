"""Negative sampling of the training snapshots (models/sampling.py) and the weights it leaves."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from crosslink.config import TrainConfig
from models.dataset import Matrix, ProductRows
from models.sampling import WEIGHT, count_rows, rate_within_budget, sample_negatives
from models.train import fit
from tests.models.synthetic import known_answer

TRAIN, HOLDOUT = dt.date(2026, 3, 1), dt.date(2026, 3, 8)
CUSTOMERS = 4000


@pytest.fixture(scope="module")
def frames(spark):
    ids = [f"P{i:05d}" for i in range(CUSTOMERS)]
    features = spark.createDataFrame(
        [(d, c, float(i)) for d in (TRAIN, HOLDOUT) for i, c in enumerate(ids)],
        "snapshot_date date, customer_id string, age double")
    # P00000..P00099 open a credit card in the training window; P00100 a loan in the holdout
    labelled = spark.createDataFrame(
        [(d, c, p, int(p == "credit_card" and d == TRAIN and i < 100
                       or p == "personal_loan" and d == HOLDOUT and i == 100))
         for d in (TRAIN, HOLDOUT) for i, c in enumerate(ids)
         for p in ("credit_card", "personal_loan")],
        "snapshot_date date, customer_id string, product_code string, label int")
    return features, labelled


def _sampled(frames, rate, seed=7):
    features, labelled = frames
    kept, labels = sample_negatives(features, labelled, [HOLDOUT], rate, seed)
    return kept.toPandas(), labels.toPandas()


def test_holdout_and_openers_are_kept_whole_the_rest_at_the_rate(frames):
    kept, labels = _sampled(frames, 0.25)
    holdout, train = kept[kept.snapshot_date == HOLDOUT], kept[kept.snapshot_date == TRAIN]
    assert len(holdout) == CUSTOMERS and (holdout[WEIGHT] == 1.0).all()
    openers = train.customer_id < "P00100"
    assert openers.sum() == 100 and (train[openers][WEIGHT] == 1.0).all()
    negatives = train[~openers]
    assert abs(len(negatives) / (CUSTOMERS - 100) - 0.25) < 0.03
    assert (negatives[WEIGHT] == 4.0).all()
    # every product's labels follow the kept customer-dates, nothing else
    assert len(labels) == 2 * len(kept)
    assert set(zip(labels.snapshot_date, labels.customer_id, strict=True)) == \
        set(zip(kept.snapshot_date, kept.customer_id, strict=True))


def test_the_same_rows_on_a_rerun_and_all_of_them_at_rate_one(frames):
    first, _ = _sampled(frames, 0.25)
    again, _ = _sampled(frames, 0.25)
    assert sorted(first.customer_id) == sorted(again.customer_id)
    other, _ = _sampled(frames, 0.25, seed=8)
    assert sorted(first.customer_id) != sorted(other.customer_id)
    every, labels = _sampled(frames, 1.0)
    assert len(every) == 2 * CUSTOMERS and (every[WEIGHT] == 1.0).all() and len(labels) == 4 * \
        CUSTOMERS


def test_a_rate_outside_zero_to_one_is_refused(frames):
    with pytest.raises(ValueError, match="rate must be in"):
        sample_negatives(*frames, [HOLDOUT], 0.0, 7)


def test_rows_kept_whole_are_the_holdout_and_the_openers(frames):
    assert count_rows(*frames, [HOLDOUT]) == (CUSTOMERS + 100, CUSTOMERS - 100)
    assert count_rows(*frames, []) == (100 + 1, 2 * CUSTOMERS - 101)


def test_a_row_budget_lowers_the_rate_only_when_it_must():
    assert rate_within_budget(0.25, 1000, 8000, None) == 0.25
    assert rate_within_budget(0.25, 1000, 8000, 3000) == 0.25          # 1000 + 2000 fit
    assert rate_within_budget(0.25, 1000, 8000, 2000) == 0.125         # 1000 + 1000
    assert rate_within_budget(1.0, 1000, 8000, 5000) == 0.5
    with pytest.raises(ValueError, match="max_train_rows is 1,000"):
        rate_within_budget(0.25, 1000, 8000, 1000)


def test_the_lowered_rate_fills_the_budget(frames):
    whole, others = count_rows(*frames, [HOLDOUT])
    rate = rate_within_budget(1.0, whole, others, 6000)
    kept, _ = _sampled(frames, rate)
    assert abs(len(kept) - 6000) < 100 and abs(kept[WEIGHT].sum() - 2 * CUSTOMERS) < 150


def test_weights_keep_the_base_rate_of_a_sampled_training_set():
    """Training on a quarter of the negatives, weighted 4, predicts the same mean as on all
    of them; unweighted, it predicts the openers' odds 4x too high (here, where one row in
    eleven opens: over twice as many openers)."""
    matrix, train, _, _ = known_answer()
    cfg = TrainConfig(params={"max_depth": 3, "eta": 0.1, "nthread": 2})
    keep = (train.label == 1) | (np.random.default_rng(1).random(len(train.rows)) < 0.25)
    weights = np.ones(len(matrix.values), dtype=np.float32)
    weights[train.rows[~keep & (train.label == 0)]] = 0      # not drawn: not in the matrix
    weights[train.rows[keep & (train.label == 0)]] = 4.0
    sampled = ProductRows(train.rows[keep], train.label[keep], train.keys[keep])
    base = train.label.mean()
    weighted, _ = fit(Matrix(matrix.keys, matrix.values, weights=weights), sampled, cfg)
    unweighted, _ = fit(matrix, sampled, cfg)
    every = matrix.values[train.rows]
    assert abs(weighted.inplace_predict(every).mean() / base - 1) < 0.15
    assert unweighted.inplace_predict(every).mean() / base > 1.8
