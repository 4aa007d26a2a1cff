"""Platt calibration, folded into the booster itself.

A booster trained on earlier snapshots drifts from the latest one's base rates: customers most
likely to open a product open it and leave the eligible pool, so a model fitted days ago
over-states today's chances (on the 100k bench bank, corporate e-banking by 4x). Decisions
compare propensities across products (value = propensity x points), so the scale matters as
much as the ranking. The fix is the classic one: on the holdout — the latest labelled
snapshot — fit

    p_calibrated = sigmoid(slope * logit(p) + intercept)

by maximum likelihood (`platt`), then fold it into the trees (`fold`): every leaf is scaled
by `slope` and the base score moved, so the booster's own margin becomes the calibrated
one. Every consumer — scoring, reasons (`pred_contribs` stay additive, in the calibrated
model's log-odds), the promotion gate, the MLflow signature — sees calibrated probabilities
with no extra parameter to carry. A positive slope keeps the order: AUC, PR-AUC and lift are
unchanged.
"""

from __future__ import annotations

import json

import numpy as np
from scipy.special import expit

_EPS = 1e-7
MIN_SLOPE, MAX_SLOPE = 0.05, 5.0         # a fit outside this is noise on few positives
SLOPE_ATTR = "calibration_slope"         # booster attribute: the slope folded into its leaves


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) maximising the likelihood of `labels` under
    sigmoid(slope * logit(scores) + intercept); the slope is kept within
    [MIN_SLOPE, MAX_SLOPE] (a fit outside it is refit with the slope at the bound).
    Needs both classes."""
    y = np.asarray(labels, dtype=np.float64)
    if y.min() == y.max():
        raise ValueError("calibration needs positives and negatives")
    x = _logit(scores)
    slope, intercept = _newton(x, y)
    bounded = float(np.clip(slope, MIN_SLOPE, MAX_SLOPE))
    if bounded != slope:
        _, intercept = _newton(x, y, fixed_slope=bounded)
    return bounded, intercept


def _newton(x: np.ndarray, y: np.ndarray, fixed_slope: float | None = None,
            iterations: int = 50) -> tuple[float, float]:
    """Logistic regression of y on (x, 1) by Newton's method, from the identity map;
    with `fixed_slope`, only the intercept is fitted."""
    design = np.column_stack([x, np.ones(len(y))])
    free = [1] if fixed_slope is not None else [0, 1]
    w = np.array([1.0 if fixed_slope is None else fixed_slope, 0.0])
    for _ in range(iterations):
        p = expit(design @ w)
        d = design[:, free]
        gradient = d.T @ (p - y)
        hessian = (d * (p * (1 - p))[:, None]).T @ d + 1e-9 * np.eye(len(free))
        step = np.linalg.solve(hessian, gradient)
        w[free] -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(w[0]), float(w[1])


def fold(booster, slope: float, intercept: float):
    """A copy of a binary:logistic booster whose predictions are
    sigmoid(slope * margin + intercept) of the original's margin."""
    import xgboost as xgb

    model = json.loads(bytes(booster.save_raw("json")))
    learner = model["learner"]
    params = learner["learner_model_param"]
    base = float(np.ravel(json.loads(params["base_score"]))[0])    # "[5E-1]" or "0.5"
    margin = slope * float(_logit(np.array([base]))[0]) + intercept
    calibrated_base = float(expit(margin))
    params["base_score"] = f"[{calibrated_base:.9E}]"
    for tree in learner["gradient_booster"]["model"]["trees"]:
        tree["base_weights"] = [slope * v for v in tree["base_weights"]]
        tree["split_conditions"] = [slope * v if left == -1 else v for v, left in
                                    zip(tree["split_conditions"], tree["left_children"],
                                        strict=True)]
    folded = xgb.Booster(model_file=bytearray(json.dumps(model).encode()))
    folded.feature_names = booster.feature_names
    folded.set_attr(**{SLOPE_ATTR: repr(slope * slope_of(booster))})   # saved with the model
    return folded


def slope_of(booster) -> float:
    """The calibration slope folded into `booster` (1.0 when it was never calibrated): how
    much its log-odds contributions are scaled against the trees as trained."""
    return float(booster.attr(SLOPE_ATTR) or 1.0)
