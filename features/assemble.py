"""gold.customer_features rows: every customer of the snapshot, every feature filled.

The customer list is silver.customers of the snapshot date: a customer without transactions
in the windows gets zero sums and capped recency, one without holdings or links gets zeros.
Shares are taken over the longest window and are 0 when there is nothing to share.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.sources import MERCHANT_CATEGORIES
from features import rollup
from features.columns import (
    CHANNELS,
    DIGITAL_CHANNELS,
    FEATURE_COLUMNS,
    FEEDBACK_COLUMNS,
    LONG_WINDOW,
    RECENCY_CAP,
    RECENCY_COLUMNS,
    WINDOW_COLUMNS,
    column_type,
)


def customer_features(attributes: DataFrame, windows: DataFrame, holdings: DataFrame,
                      links: DataFrame, day: dt.date,
                      outcomes: DataFrame | None = None) -> DataFrame:
    """Join the parts on customer_id (attributes decide who is in) and fill the gaps.

    `attributes`: `snapshot.customer_attributes`; `windows`: gold.customer_windows rows of
    `day` (`rollup.full_windows` or `rollup.slide_windows`); `holdings`:
    `snapshot.holding_features`; `links`: `linkage.link_features`; `outcomes`:
    `feedback.outcome_features` (None: nobody was prompted yet, all zero).
    """
    state = windows.select("customer_id", *WINDOW_COLUMNS, *rollup.days_since_columns(day))
    joined = (attributes
              .join(state, "customer_id", "left")
              .join(holdings, "customer_id", "left")
              .join(links, "customer_id", "left"))
    if outcomes is not None:
        joined = joined.join(outcomes, "customer_id", "left")
    # a frame's `.columns` asks the JVM for its schema: once per frame, not per feature
    joined_columns = set(joined.columns)
    present = [c for c in FEATURE_COLUMNS if c in joined_columns]
    filled = joined.select("customer_id", "customer_type", *(_filled(c) for c in present))
    shares = _shares()
    return filled.select(F.lit(day).alias("snapshot_date"), "customer_id", "customer_type",
                         *(F.col(c) if c in joined_columns else _missing(c, shares)
                           for c in FEATURE_COLUMNS))


def _missing(name: str, shares: dict[str, Column]) -> Column:
    """A column no part provided: a share (from the sums), or an outcome count (0)."""
    if name in FEEDBACK_COLUMNS:
        return F.lit(0).cast(column_type(name)).alias(name)
    if name not in shares:
        raise KeyError(f"{name} is neither joined in nor a share column")
    return shares[name].cast("double").alias(name)


def _filled(name: str) -> Column:
    default = RECENCY_CAP if name in RECENCY_COLUMNS else 0
    return F.coalesce(F.col(name), F.lit(default)).cast(column_type(name)).alias(name)


def _ratio(part: Column, whole: Column) -> Column:
    return F.when(whole > 0, part / whole).otherwise(F.lit(0.0))


def _shares() -> dict[str, Column]:
    """The share columns by name, from the filled window sums (features.columns.SHARE_COLUMNS)."""
    w = f"_{LONG_WINDOW}d"
    txns = F.col(f"txn_count{w}")
    shares = {f"share_{c}{w}": _ratio(F.col(f"{c}_count{w}"), txns) for c in CHANNELS}
    digital = sum((F.col(f"{c}_count{w}") for c in DIGITAL_CHANNELS[1:]),
                  F.col(f"{DIGITAL_CHANNELS[0]}_count{w}"))
    shares |= {
        f"digital_share{w}": _ratio(digital, txns),
        f"inflow_other_bank_share{w}": _ratio(F.col(f"inflow_other_bank_cny{w}"),
                                              F.col(f"in_cny{w}")),
        f"salary_elsewhere_share{w}": _ratio(F.col(f"salary_elsewhere_cny{w}"),
                                             F.col(f"salary_credit_cny{w}")),
        f"card_spend_share{w}": _ratio(F.col(f"pos_out_cny{w}"), F.col(f"out_cny{w}")),
        f"outflow_share{w}": _ratio(F.col(f"out_cny{w}"),
                                    F.col(f"in_cny{w}") + F.col(f"out_cny{w}")),
        **{f"spend_{cat}_share{w}": _ratio(F.col(f"spend_{cat}_cny{w}"),
                                           F.col(f"pos_out_cny{w}"))
           for cat in MERCHANT_CATEGORIES},
    }
    return shares
