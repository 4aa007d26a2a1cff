import numpy as np
import pytest

from models import metrics


def test_perfect_and_reversed_rankings():
    y = np.array([0, 0, 0, 1, 1])
    assert metrics.evaluate(y, np.array([.1, .2, .3, .8, .9]))["auc"] == 1.0
    assert metrics.evaluate(y, np.array([.9, .8, .7, .2, .1]))["auc"] == 0.0


def test_lift_in_the_top_decile():
    # 100 rows, 10 positives, all ranked at the top: the top tenth is all positives
    y = np.r_[np.ones(10), np.zeros(90)]
    p = np.linspace(1, 0, 100)
    found = metrics.evaluate(y, p)
    assert found["lift_top_decile"] == pytest.approx(10.0)
    assert found["positives"] == 10 and found["rows"] == 100 and found["base_rate"] == 0.1


def test_brier_and_its_negation():
    found = metrics.evaluate(np.array([0, 1]), np.array([0.5, 0.5]))
    assert found["brier"] == pytest.approx(0.25) and found["neg_brier"] == pytest.approx(-0.25)


def test_auc_undefined_with_one_class_and_lengths_checked():
    assert np.isnan(metrics.evaluate(np.zeros(4), np.arange(4) / 4)["auc"])
    with pytest.raises(ValueError, match="as many scores as labels"):
        metrics.evaluate(np.zeros(3), np.zeros(2))


def test_gains_reach_every_positive_and_calibration_bins():
    rng = np.random.default_rng(1)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(int)
    g = metrics.gains(y, p)
    assert g["captured"][-1] == pytest.approx(1.0) and g["share"][-1] == pytest.approx(1.0)
    assert g["lift"][0] > 1.5 > g["lift"][-1]
    c = metrics.calibration(y, p)
    assert np.abs(c["predicted"] - c["observed"]).max() < 0.15


def test_oracle_auc_of_the_true_probabilities():
    y = np.array([0, 1, 0, 1])
    assert metrics.oracle_auc(y, np.array([.01, .02, .005, .03])) == 1.0


def test_truth_capture_of_the_top_picks():
    truth = np.array([0.5, 0.3, 0.1, 0.05, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert metrics.truth_capture(truth, truth, 0.2) == 1.0            # the truth's own order
    # the model's top 2 hold 0.3 + 0.0 of the best 2's 0.8
    model = np.array([0.1, 0.9, 0.2, 0.3, 0.1, 0.8, 0.0, 0.0, 0.0, 0.0])
    assert metrics.truth_capture(truth, model, 0.2) == pytest.approx(0.3 / 0.8)
    assert np.isnan(metrics.truth_capture(np.zeros(10), model, 0.2))


def _expected_auc_by_pairs(p, s):
    right = pairs = 0.0
    for i in range(len(p)):
        for j in range(len(p)):
            if i != j:
                w = p[i] * (1 - p[j])
                pairs += w
                right += w * (1.0 if s[i] > s[j] else 0.5 if s[i] == s[j] else 0.0)
    return right / pairs


def test_expected_auc_weighs_every_ordered_pair_by_its_chance_ties_half():
    p = np.array([0.9, 0.1, 0.5, 0.3, 0.05, 0.5])
    s = np.array([3.0, 1.0, 2.0, 2.0, 0.0, 1.0])               # two runs of ties
    assert metrics.expected_auc(p, s) == pytest.approx(_expected_auc_by_pairs(p, s))
    assert metrics.expected_auc(p, -s) == pytest.approx(_expected_auc_by_pairs(p, -s))
    assert metrics.expected_auc(p, np.zeros(6)) == pytest.approx(0.5)


def test_the_truth_has_the_highest_expected_auc_and_sampling_agrees():
    rng = np.random.default_rng(3)
    p = rng.beta(0.5, 15, size=4000)
    model = np.log(p) + rng.normal(0, 1.0, size=len(p))
    oracle, read = metrics.expected_auc(p, p), metrics.expected_auc(p, model)
    assert 0.5 < read < oracle < 1
    sampled = [metrics.evaluate(rng.random(len(p)) < p, model)["auc"] for _ in range(300)]
    assert abs(np.mean(sampled) - read) < 0.005
    assert np.isnan(metrics.expected_auc(np.zeros(5), np.arange(5.0)))
