"""Negative sampling of the training snapshots: more dates to learn from in the same memory.

Openings are rare (a few in a hundred customers a week), so most of a training matrix is
customer-dates where nothing opened. A customer-date of a training snapshot is kept whole when
the customer opened any product within its label window; the others are kept at rate r (a
stable hash of the customer and the date, so a rerun keeps the same rows) and weigh 1/r. Each
row's weight is 1 / P(it was kept), so every product's weighted training loss is an unbiased
estimate of the loss on all rows, and calibrated scores keep their base rate. Holdout
snapshots are never sampled: metrics, calibration and the promotion gate see every customer.

The driver holds every kept row (~1 KB: the features as float32), so `max_train_rows` caps
them: on a bank where whole rows + rate x the others would pass it, the rate drops to fit
(`rate_within_budget`), and the run logs the rate it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

WEIGHT = "_weight"          # the column the kept feature rows carry into models.dataset
KEYS = ["snapshot_date", "customer_id"]
_BUCKETS = 1_000_003


def unit_hash(seed: int, *columns: str) -> Column:
    """A stable pseudo-uniform number in [0, 1) per row, from the seed and the columns."""
    return (F.abs(F.xxhash64(F.lit(seed), *columns)) % _BUCKETS) / _BUCKETS


def _marked(features: DataFrame, labelled: DataFrame, holdout: Sequence[dt.date]) -> DataFrame:
    """features with `_whole`: the row is kept whatever the rate (a holdout date, or the
    customer opened something within the label window)."""
    opened = labelled.groupBy(*KEYS).agg(F.max("label").alias("_opened"))
    in_holdout = F.col("snapshot_date").isin(*holdout) if holdout else F.lit(False)
    whole = in_holdout | (F.coalesce(F.col("_opened"), F.lit(0)) > 0)
    return features.join(opened, KEYS, "left").withColumn("_whole", whole).drop("_opened")


def count_rows(features: DataFrame, labelled: DataFrame,
               holdout: Sequence[dt.date]) -> tuple[int, int]:
    """(rows kept whole, rows subject to the rate) of `features` (one Spark aggregation)."""
    row = (_marked(features.select(*KEYS), labelled, holdout)
           .agg(F.sum(F.col("_whole").cast("long")).alias("whole"), F.count("*").alias("all"))
           .first())
    whole = int(row["whole"] or 0)
    return whole, int(row["all"]) - whole


def rate_within_budget(rate: float, whole: int, negatives: int, max_rows: int | None) -> float:
    """The configured rate, or the lower one at which whole + rate x negatives rows fit
    `max_rows`; raises when the rows kept whole alone pass it."""
    if max_rows is None or whole + rate * negatives <= max_rows:
        return rate
    if whole >= max_rows:
        raise ValueError(f"{whole:,} training rows are kept whole (holdout dates and openers) "
                         f"but models.train.max_train_rows is {max_rows:,}: raise it, or "
                         f"train on fewer snapshots")
    return (max_rows - whole) / negatives


def sample_negatives(features: DataFrame, labelled: DataFrame, holdout: Sequence[dt.date],
                     rate: float, seed: int) -> tuple[DataFrame, DataFrame]:
    """(features with WEIGHT, labelled) restricted to the kept customer-dates (module doc).

    `features`: one row per snapshot_date x customer_id; `labelled`: features.labels.labels
    rows (snapshot_date, customer_id, product_code, label, ...) of the same dates.
    """
    if not 0 < rate <= 1:
        raise ValueError(f"negative sampling rate must be in (0, 1], got {rate}")
    if rate == 1:
        return features.withColumn(WEIGHT, F.lit(1.0)), labelled
    drawn = unit_hash(seed, "customer_id", "snapshot_date") < rate
    kept = (_marked(features, labelled, holdout)
            .where(F.col("_whole") | drawn)
            .withColumn(WEIGHT, F.when(F.col("_whole"), F.lit(1.0)).otherwise(F.lit(1.0 / rate)))
            .drop("_whole"))
    return kept, labelled.join(kept.select(*KEYS), KEYS, "left_semi")
