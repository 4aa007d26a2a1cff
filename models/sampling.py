"""Negative sampling of the training snapshots: more dates to learn from in the same memory.

Openings are rare (a few in a hundred customers a week), so most of a training matrix is
customer-dates where nothing opened. A customer-date of a training snapshot is kept whole when
the customer opened any product within its label window; the others are kept at rate r (a
stable hash of the customer and the date, so a rerun keeps the same rows) and weigh 1/r. Each
row's weight is 1 / P(it was kept), so every product's weighted training loss is an unbiased
estimate of the loss on all rows, and calibrated scores keep their base rate. Holdout
snapshots are never sampled: metrics, calibration and the promotion gate see every customer.
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
    opened = (labelled.groupBy(*KEYS).agg(F.max("label").alias("_opened")))
    in_holdout = F.col("snapshot_date").isin(*holdout) if holdout else F.lit(False)
    whole = in_holdout | (F.coalesce(F.col("_opened"), F.lit(0)) > 0)
    drawn = unit_hash(seed, "customer_id", "snapshot_date") < rate
    kept = (features.join(opened, KEYS, "left")
            .where(whole | drawn)
            .withColumn(WEIGHT, F.when(whole, F.lit(1.0)).otherwise(F.lit(1.0 / rate)))
            .drop("_opened"))
    return kept, labelled.join(kept.select(*KEYS), KEYS, "left_semi")
