"""A labelled set with a known answer: features drawn at random, labels drawn from a known
logistic propensity over a few of them. The oracle AUC is the AUC of that propensity, so a
trainer can be held to it — the same check the generated bank allows, without a pipeline run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from features.columns import FEATURE_COLUMNS
from models.dataset import Matrix, ProductRows

DATES = (dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 4, 1))
# the signal: a few real feature names, with weights in logit units
SIGNAL = {"salary_ours_count_30d": 1.1, "balance_total_cny": 0.9, "age": -0.7,
          "is_employee": 1.2, "share_wechat_90d": 0.6}
INTERCEPT = -3.6


def known_answer(rows_per_date: int = 8000, seed: int = 0, signal: dict | None = None,
                 holdout_shift: float = 0.0):
    """(matrix, train rows, holdout rows, true probabilities of the holdout rows).
    `holdout_shift` moves the holdout date's intercept (logit units): a drift between the
    training dates and the latest one, as when likely openers leave the eligible pool."""
    rng = np.random.default_rng(seed)
    signal = SIGNAL if signal is None else signal
    n = rows_per_date * len(DATES)
    values = rng.normal(size=(n, len(FEATURE_COLUMNS))).astype(np.float32)
    shift = np.where(np.arange(n) >= rows_per_date * (len(DATES) - 1), holdout_shift, 0.0)
    logit = np.full(n, INTERCEPT) + shift + sum(
        (w * values[:, FEATURE_COLUMNS.index(c)] for c, w in signal.items()), np.zeros(n))
    prob = 1 / (1 + np.exp(-logit))
    label = (rng.random(n) < prob).astype(np.int8)
    keys = pd.DataFrame({"snapshot_date": np.repeat(DATES, rows_per_date),
                         "customer_id": [f"P{i:07d}" for i in range(n)]})
    matrix = Matrix(keys, values)
    holdout_mask = (keys["snapshot_date"] == DATES[-1]).to_numpy()

    def part(mask):
        rows = np.flatnonzero(mask)
        return ProductRows(rows, label[rows], keys.iloc[rows].assign(suitable=True)
                           .reset_index(drop=True))

    return matrix, part(~holdout_mask), part(holdout_mask), prob[holdout_mask]
