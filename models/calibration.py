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

_EPS = 1e-7
MIN_SLOPE, MAX_SLOPE = 0.05, 5.0         # a fit outside this is noise on few positives


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def platt(scores: np.ndarray, labels: np.ndarray, iterations: int = 50) -> tuple[float, float]:
    """(slope, intercept) maximising the likelihood of `labels` under
    sigmoid(slope * logit(scores) + intercept), by Newton's method; the slope is kept within
    [MIN_SLOPE, MAX_SLOPE]. Needs both classes."""
    y = np.asarray(labels, dtype=np.float64)
    if y.min() == y.max():
        raise ValueError("calibration needs positives and negatives")
    x = np.column_stack([_logit(scores), np.ones(len(y))])
    w = np.array([1.0, 0.0])                        # start from the identity
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y)
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    slope = float(np.clip(w[0], MIN_SLOPE, MAX_SLOPE))
    if slope != w[0]:                               # refit the intercept alone at the bound
        intercept = _intercept_for(x[:, 0] * slope, y)
    else:
        intercept = float(w[1])
    return slope, intercept


def _intercept_for(margin: np.ndarray, y: np.ndarray) -> float:
    b = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(margin + b)))
        step = (p - y).sum() / max((p * (1 - p)).sum(), 1e-12)
        b -= step
        if abs(step) < 1e-10:
            break
    return float(b)


def fold(booster, slope: float, intercept: float):
    """A copy of a binary:logistic booster whose predictions are
    sigmoid(slope * margin + intercept) of the original's margin."""
    import xgboost as xgb

    model = json.loads(bytes(booster.save_raw("json")))
    learner = model["learner"]
    params = learner["learner_model_param"]
    base = float(json.loads(params["base_score"].replace("E", "e"))[0]) \
        if params["base_score"].startswith("[") else float(params["base_score"])
    margin = slope * float(_logit(np.array([base]))[0]) + intercept
    calibrated_base = 1 / (1 + np.exp(-margin))
    params["base_score"] = f"[{calibrated_base:.9E}]"
    for tree in learner["gradient_booster"]["model"]["trees"]:
        tree["base_weights"] = [slope * v for v in tree["base_weights"]]
        tree["split_conditions"] = [slope * v if left == -1 else v for v, left in
                                    zip(tree["split_conditions"], tree["left_children"],
                                        strict=True)]
    folded = xgb.Booster(model_file=bytearray(json.dumps(model).encode()))
    folded.feature_names = booster.feature_names
    return folded
