"""Holdout metrics of a propensity model: pure numpy, no Spark, no MLflow.

`evaluate(y, p)` returns what a data scientist compares runs by: AUC (ranking), PR-AUC
(average precision, the ranking of rare positives), lift in the top decile (how much richer
in openers the best-scored tenth is than the base rate: what a capacity-limited sales force
gets) and the Brier score (calibration, lower is better; `neg_brier` = -brier so that for every
metric higher is better). `oracle_auc` scores the same holdout with the generator's true
propensities: the ceiling a model could reach on this data. `truth_capture` asks the question a
capacity-bound sales force asks, and without the noise of a few hundred positives: of the true
propensity the best-possible top 1% (or 10%) of the holdout holds, how much does the model's
top 1% hold? `expected_auc` is the AUC a score would have on average over every draw of the
labels from the true probabilities: the model against the oracle without the noise of a few
hundred positives.
"""

from __future__ import annotations

import math

import numpy as np

HIGHER_IS_BETTER = ("auc", "pr_auc", "lift_top_decile", "neg_brier")


def top_share(p: np.ndarray, share: float = 0.1) -> np.ndarray:
    """Indices of the `share` highest scores (stable on ties, so reruns agree)."""
    k = max(1, math.ceil(len(p) * share))
    return np.argsort(-p, kind="stable")[:k]


def lift_at(y: np.ndarray, p: np.ndarray, share: float = 0.1) -> float:
    base = y.mean()
    return float(y[top_share(p, share)].mean() / base) if base > 0 else float("nan")


def evaluate(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Metrics of scores `p` for labels `y` (0/1); AUC metrics need both classes."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(y, dtype=np.int8)
    p = np.asarray(p, dtype=np.float64)
    if len(y) != len(p) or len(y) == 0:
        raise ValueError(f"need as many scores as labels, got {len(p)} and {len(y)}")
    both = 0 < y.sum() < len(y)
    brier = float(np.mean((p - y) ** 2))
    return {
        "auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both else float("nan"),
        "lift_top_decile": lift_at(y, p, 0.1),
        "brier": brier,
        "neg_brier": -brier,
        "positives": float(y.sum()),
        "rows": float(len(y)),
        "base_rate": float(y.mean()),
    }


def oracle_auc(y: np.ndarray, true_prob: np.ndarray) -> float:
    """AUC of the true daily opening probabilities on the same rows. The probability of
    opening within any horizon is increasing in the daily one, so its AUC is the same."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y, dtype=np.int8)
    if not 0 < y.sum() < len(y):
        return float("nan")
    return float(roc_auc_score(y, np.asarray(true_prob, dtype=np.float64)))


def expected_auc(true_prob: np.ndarray, score: np.ndarray) -> float:
    """E[pairs ranked right] / E[pairs] when each row opens with its `true_prob` (within the
    label horizon): every row i as a positive against every other row j as a negative,
    weighed p_i (1 - p_j), counted 1 when score_i > score_j and 1/2 on a tie. Ranking by
    `true_prob` itself gives the highest value (the oracle's)."""
    p = np.asarray(true_prob, dtype=np.float64)
    order = np.argsort(np.asarray(score), kind="stable")
    p, s = p[order], np.asarray(score)[order]
    neg = 1.0 - p
    pairs = p.sum() * neg.sum() - np.sum(p * neg)            # a row is never its own pair
    if len(p) < 2 or pairs <= 0:
        return float("nan")
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])     # runs of tied scores
    run_pos, run_neg = np.add.reduceat(p, starts), np.add.reduceat(neg, starts)
    below = np.cumsum(run_neg) - run_neg                        # negatives scored lower
    ties = run_pos * run_neg - np.add.reduceat(p * neg, starts)
    return float((np.sum(run_pos * below) + 0.5 * np.sum(ties)) / pairs)


def truth_capture(true_prob: np.ndarray, p: np.ndarray, share: float) -> float:
    """Sum of the true probabilities of the model's top `share` of rows over that of the
    truly likeliest `share`: 1.0 = the model picks as well as the truth could."""
    true_prob = np.asarray(true_prob, dtype=np.float64)
    best = true_prob[top_share(true_prob, share)].sum()
    return float(true_prob[top_share(np.asarray(p), share)].sum() / best) if best > 0 \
        else float("nan")


def gains(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict[str, np.ndarray]:
    """Cumulative share of positives captured by the best-scored share of rows, per bin, and
    the lift of each bin (decile) against the base rate: the data of the gain/lift chart."""
    y = np.asarray(y, dtype=np.float64)
    order = np.argsort(-np.asarray(p), kind="stable")
    parts = np.array_split(y[order], bins)
    total, base = max(y.sum(), 1.0), max(y.mean(), 1e-12)
    captured = np.cumsum([part.sum() for part in parts]) / total
    lift = np.array([part.mean() / base if len(part) else 0.0 for part in parts])
    share = np.cumsum([len(part) for part in parts]) / len(y)
    return {"share": share, "captured": captured, "lift": lift}


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict[str, np.ndarray]:
    """Mean predicted against observed rate, per quantile bin of the scores."""
    order = np.argsort(np.asarray(p), kind="stable")
    y_parts = np.array_split(np.asarray(y, dtype=np.float64)[order], bins)
    p_parts = np.array_split(np.asarray(p, dtype=np.float64)[order], bins)
    keep = [i for i, part in enumerate(p_parts) if len(part)]
    return {"predicted": np.array([p_parts[i].mean() for i in keep]),
            "observed": np.array([y_parts[i].mean() for i in keep])}
