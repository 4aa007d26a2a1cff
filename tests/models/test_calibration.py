"""Platt calibration: the fit, its folding into the trees, and the trainer using it."""

import numpy as np
import pytest
import xgboost as xgb

from crosslink.config import TrainConfig
from models import metrics
from models.calibration import MAX_SLOPE, fold, platt, slope_of
from models.train import train_product
from tests.models.synthetic import known_answer

NAMES = ["a", "b", "c", "d"]


@pytest.fixture(scope="module")
def booster_and_data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(20_000, 4)).astype(np.float32)
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(2 * x[:, 0] - x[:, 1] - 3)))).astype(int)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "seed": 1},
                        xgb.DMatrix(x, label=y, feature_names=NAMES), 40)
    margin = booster.predict(xgb.DMatrix(x, feature_names=NAMES), output_margin=True)
    return booster, x, margin, rng


def test_platt_recovers_a_known_distortion(booster_and_data):
    _, _, margin, rng = booster_and_data
    truth = 1 / (1 + np.exp(-(0.6 * margin - 0.8)))
    labels = (rng.random(len(truth)) < truth).astype(int)
    slope, intercept = platt(1 / (1 + np.exp(-margin)), labels)
    assert slope == pytest.approx(0.6, abs=0.08)
    assert intercept == pytest.approx(-0.8, abs=0.2)


def test_platt_keeps_the_slope_within_bounds():
    scores = np.array([0.01, 0.011, 0.012, 0.013] * 50)
    labels = np.array([0, 0, 0, 1] * 50)       # a steep step across a sliver of scores
    slope, _ = platt(scores, labels)
    assert slope == MAX_SLOPE
    with pytest.raises(ValueError, match="positives and negatives"):
        platt(scores, np.zeros(len(scores)))


def test_the_folded_booster_predicts_the_calibrated_probability(booster_and_data):
    booster, x, margin, _ = booster_and_data
    folded = fold(booster, 0.5, -1.0)
    expected = 1 / (1 + np.exp(-(0.5 * margin - 1.0)))
    assert np.allclose(folded.inplace_predict(x), expected, atol=1e-6)
    assert folded.feature_names == NAMES
    for approx in (False, True):     # reasons stay additive, in the calibrated log-odds
        contribs = folded.predict(xgb.DMatrix(x, feature_names=NAMES), pred_contribs=True,
                                  approx_contribs=approx)
        assert np.allclose(contribs.sum(axis=1), 0.5 * margin - 1.0, atol=1e-4)
    assert np.allclose(booster.predict(xgb.DMatrix(x, feature_names=NAMES), output_margin=True),
                       margin)      # the original is untouched


def test_the_folded_booster_carries_its_slope(booster_and_data):
    booster, x, margin, _ = booster_and_data
    assert slope_of(booster) == 1.0
    twice = fold(fold(booster, 0.5, -1.0), 0.4, 0.2)
    reloaded = xgb.Booster(model_file=bytearray(twice.save_raw("ubj")))   # as scoring loads it
    assert slope_of(reloaded) == pytest.approx(0.2)
    assert np.allclose(reloaded.inplace_predict(x),
                       1 / (1 + np.exp(-(0.4 * (0.5 * margin - 1.0) + 0.2))), atol=1e-6)


def test_the_trainer_recalibrates_to_a_drifted_holdout():
    """Openers leave the pool: the holdout's odds are a third of the training dates'. The
    calibrated model's mean matches the holdout's rate; ranking metrics do not move."""
    matrix, train, holdout, truth = known_answer(holdout_shift=-1.1)
    raw = train_product("credit_card", matrix, train, holdout, TrainConfig(calibrate=False))
    cal = train_product("credit_card", matrix, train, holdout, TrainConfig(calibrate=True))
    rate = holdout.label.mean()
    # over-states today: the shift divides the odds by 3, the mean (high scores dilute it) by
    # about 2 (1.93 on this data)
    assert raw.holdout_scores.mean() > 1.6 * rate
    assert cal.holdout_scores.mean() == pytest.approx(rate, rel=0.05)
    assert cal.metrics["auc"] == pytest.approx(raw.metrics["auc"], abs=1e-6)
    assert cal.metrics["brier"] < raw.metrics["brier"]
    assert cal.metrics["brier_uncalibrated"] == pytest.approx(raw.metrics["brier"])
    assert cal.metrics["calibration_intercept"] < -0.5
    assert metrics.evaluate(holdout.label, truth)["auc"] - cal.metrics["auc"] < 0.03
