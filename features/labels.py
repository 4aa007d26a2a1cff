"""Labels for propensity models, and the labelled training frame.

For a snapshot date d and a horizon H (`features.label_horizon_days`), every customer eligible
for a product at d gets one row (customer, product) with

    label = 1  when a new holding of the product has opened_date in (d, d + H] and is seen in a
               silver.holdings snapshot dated in (d, d + H];
    label = 0  otherwise.

Eligible at d: the product is offerable, of the customer's segment (retail products for
persons, corporate ones for companies) and not held at d (no active or dormant holding of it in
the snapshot of d). Features come from d only and holdings from [d, d + H] only, so a training
row never sees its future. A date is only labelled completely once the holdings snapshot of
d + H exists: pick dates with `labelable_dates`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink.config import Product
from features.columns import FEATURE_COLUMNS
from features.snapshot import HELD_STATUSES

SEGMENT_CUSTOMER_TYPE = {"retail": "person", "corporate": "company"}
LABEL_KEYS = ("snapshot_date", "customer_id", "product_code")


def labelable_dates(dates: Sequence[dt.date], last_snapshot: dt.date,
                    horizon: int) -> list[dt.date]:
    """The dates whose whole horizon is covered by holdings snapshots up to `last_snapshot`."""
    return sorted(d for d in set(dates) if d + dt.timedelta(days=horizon) <= last_snapshot)


def _catalogue(spark, products: Sequence[Product]) -> DataFrame:
    rows = [(p.code, SEGMENT_CUSTOMER_TYPE[p.segment], p.risk_level)
            for p in products if p.offerable]
    return spark.createDataFrame(rows, "product_code string, customer_type string, "
                                       "risk_level int")


def eligible(customers: DataFrame, holdings: DataFrame,
             products: Sequence[Product]) -> DataFrame:
    """(snapshot_date, customer_id, product_code, suitable) for every eligible pair.

    `customers`: one row per customer and snapshot_date with customer_type and risk_rating
    (gold.customer_features rows will do); `holdings`: silver.holdings covering those dates.
    `suitable`: the customer's risk rating admits the product's risk level — not part of
    eligibility (policy filters it later), kept for models that train on suitable pairs only.
    """
    catalogue = F.broadcast(_catalogue(customers.sparkSession, products))
    pairs = customers.select("snapshot_date", "customer_id", "customer_type", "risk_rating") \
        .join(catalogue, "customer_type")
    held = (holdings.where(F.col("status").isin(*HELD_STATUSES))
            .select(*LABEL_KEYS).distinct())
    return pairs.join(held, list(LABEL_KEYS), "left_anti").select(
        *LABEL_KEYS, (F.col("risk_rating") >= F.col("risk_level")).alias("suitable"))


def openings(holdings: DataFrame, dates: DataFrame, horizon: int) -> DataFrame:
    """(snapshot_date, customer_id, product_code, opened_date) of holdings opened in
    (d, d + H] and seen by d + H, for every d in `dates` (one column: snapshot_date)."""
    first_seen = holdings.groupBy("holding_id", "customer_id", "product_code", "opened_date") \
        .agg(F.min("snapshot_date").alias("_first_seen"))
    end = F.date_add(F.col("snapshot_date"), horizon)
    in_horizon = ((F.col("opened_date") > F.col("snapshot_date")) & (F.col("opened_date") <= end)
                  & (F.col("_first_seen") > F.col("snapshot_date"))
                  & (F.col("_first_seen") <= end))
    return (first_seen.crossJoin(F.broadcast(dates)).where(in_horizon)
            .groupBy(*LABEL_KEYS).agg(F.min("opened_date").alias("opened_date")))


def labels(customers: DataFrame, holdings: DataFrame, products: Sequence[Product],
           snapshot_dates: Sequence[dt.date], horizon: int) -> DataFrame:
    """(snapshot_date, customer_id, product_code, suitable, label, opened_date) for every
    eligible pair at every d of `snapshot_dates`. `customers` and `holdings` may hold any
    dates: customers are taken at d, holdings from [d, d + H] only."""
    days = sorted(set(snapshot_dates))
    if not days:
        raise ValueError("labels need at least one snapshot date")
    dates = customers.sparkSession.createDataFrame([(d,) for d in days], "snapshot_date date")
    at = customers.where(F.col("snapshot_date").isin(*days))
    window = holdings.where(F.col("snapshot_date").between(
        F.lit(days[0]), F.lit(days[-1] + dt.timedelta(days=horizon))))
    return (eligible(at, window, products)
            .join(openings(window, dates, horizon), list(LABEL_KEYS), "left")
            .select(*LABEL_KEYS, "suitable",
                    F.col("opened_date").isNotNull().cast("int").alias("label"), "opened_date"))


def training_frame(features: DataFrame, holdings: DataFrame, products: Sequence[Product],
                   snapshot_dates: Sequence[dt.date], horizon: int) -> DataFrame:
    """Features at each d joined with the labels of (d, d + H]: one row per eligible
    (snapshot_date, customer_id, product_code), with `label`, `suitable` and
    `FEATURE_COLUMNS`. `features`: gold.customer_features (any dates; only `snapshot_dates`
    are used); `holdings`: silver.holdings (any dates; only [d, d + H] are used)."""
    at = features.where(F.col("snapshot_date").isin(*sorted(set(snapshot_dates))))
    labelled = labels(at, holdings, products, snapshot_dates, horizon)
    return labelled.join(at, ["snapshot_date", "customer_id"]).select(
        *LABEL_KEYS, "customer_type", "suitable", "label", "opened_date", *FEATURE_COLUMNS)
