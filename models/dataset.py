"""Training data: labelled snapshots of gold.customer_features, split in time.

A snapshot date d is *labelable* once the holdings of d + H (H = the label horizon) exist.
The latest `holdout_snapshots` labelable dates form the holdout; the `train_snapshots`
labelable dates before them form the training set. With `purge`, a training date must also
end its label window by the first holdout date (d + H <= holdout), so no opening can be a
positive in both sets and nothing the model learns from happened after the holdout starts.

The features of every chosen date are pulled once into one float32 matrix (one row per
customer and date, with its sampling weight: models/sampling.py); each product's rows are
indices into it with their labels, so a product costs memory for its labels only, not another
copy of 200+ features.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crosslink.config import TrainConfig
from features.columns import FEATURE_COLUMNS
from features.labels import labelable_dates
from models.sampling import WEIGHT


class NotEnoughHistory(ValueError):
    """The lake holds too few labelable snapshot dates for the configured split."""


@dataclass(frozen=True)
class Split:
    train: tuple[dt.date, ...]
    holdout: tuple[dt.date, ...]
    horizon: int


def choose_split(feature_dates: Sequence[dt.date], last_holdings: dt.date, horizon: int,
                 cfg: TrainConfig) -> Split:
    """Pick training and holdout snapshot dates (see module doc); explain when impossible."""
    labelable = labelable_dates(feature_dates, last_holdings, horizon)
    if not labelable:
        raise NotEnoughHistory(
            f"no snapshot date is labelable: a date d needs the holdings of d + {horizon} "
            f"days (last holdings snapshot {last_holdings}, first feature date "
            f"{min(feature_dates, default=None)}); run more nights or shorten the horizon")
    holdout = labelable[-cfg.holdout_snapshots:]
    before = [d for d in labelable if d < holdout[0]]
    if cfg.purge:
        before = [d for d in before if d + dt.timedelta(days=horizon) <= holdout[0]]
    if not before:
        raise NotEnoughHistory(
            f"no training date before the holdout {holdout[0]}"
            + (f" whose {horizon}-day label window ends by then (purge)" if cfg.purge else "")
            + f"; labelable dates: {[str(d) for d in labelable]}")
    return Split(tuple(before[-cfg.train_snapshots:]), tuple(holdout), horizon)


@dataclass
class Matrix:
    """The features of every chosen (snapshot_date, customer_id), one row each."""

    keys: pd.DataFrame          # snapshot_date, customer_id — row i of `values`
    values: np.ndarray          # float32, rows x FEATURE_COLUMNS
    columns: tuple[str, ...] = FEATURE_COLUMNS
    weights: np.ndarray | None = None   # float32 per row: 1 / P(kept when sampling); None: 1

    def __post_init__(self) -> None:
        if self.weights is None:
            self.weights = np.ones(len(self.values), dtype=np.float32)

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(self.values[rows], columns=list(self.columns))


@dataclass
class ProductRows:
    """One product's labelled rows of a set: indices into the Matrix, labels, keys."""

    rows: np.ndarray            # int64 indices into Matrix.values
    label: np.ndarray           # int8
    keys: pd.DataFrame          # snapshot_date, customer_id, suitable

    @property
    def positives(self) -> int:
        return int(self.label.sum())


@dataclass
class TrainingSet:
    split: Split
    matrix: Matrix
    train: dict[str, ProductRows]
    holdout: dict[str, ProductRows]
    negative_rate: float = 1.0     # the rate training negatives were kept at (models/sampling)


def to_matrix(features: pd.DataFrame) -> Matrix:
    """Keys, feature values and weights (the WEIGHT column, else 1 for every row)."""
    keys = features[["snapshot_date", "customer_id"]].reset_index(drop=True)
    values = features[list(FEATURE_COLUMNS)].to_numpy(dtype=np.float32)
    weights = (features[WEIGHT].to_numpy(dtype=np.float32) if WEIGHT in features
               else np.ones(len(features), dtype=np.float32))
    return Matrix(keys, values, weights=weights)


def product_rows(matrix: Matrix, labels: pd.DataFrame, dates: Sequence[dt.date],
                 suitable_only: bool) -> dict[str, ProductRows]:
    """Per product: the labelled pairs of `dates`, as indices into `matrix`."""
    index = pd.Series(np.arange(len(matrix.keys)),
                      index=pd.MultiIndex.from_frame(matrix.keys))
    chosen = labels[labels["snapshot_date"].isin(set(dates))]
    if suitable_only:
        chosen = chosen[chosen["suitable"]]
    chosen = chosen.sort_values(["product_code", "snapshot_date", "customer_id"], kind="stable")
    rows = index.reindex(pd.MultiIndex.from_frame(chosen[["snapshot_date", "customer_id"]]))
    if rows.isna().any():
        raise ValueError(f"{int(rows.isna().sum())} labelled pairs have no feature row")
    chosen = chosen.assign(_row=rows.to_numpy(dtype=np.int64))
    return {product: ProductRows(group["_row"].to_numpy(), group["label"].to_numpy(np.int8),
                                 group[["snapshot_date", "customer_id", "suitable"]]
                                 .reset_index(drop=True))
            for product, group in chosen.groupby("product_code", sort=True)}


def build(features: pd.DataFrame, labels: pd.DataFrame, split: Split,
          cfg: TrainConfig) -> TrainingSet:
    """`features`: gold.customer_features rows of the split's dates (keys + FEATURE_COLUMNS);
    `labels`: features.labels.labels(...) rows of the same dates."""
    matrix = to_matrix(features)
    return TrainingSet(split, matrix,
                       product_rows(matrix, labels, split.train, cfg.suitable_only),
                       product_rows(matrix, labels, split.holdout, False))
