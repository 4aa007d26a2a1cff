"""gold.customer_windows: window sums and last-active dates of the daily aggregates.

For every rolled measure m and window w, `m_wd` is the sum of m over the w days ending on (and
including) the snapshot date; `last_<channel>_date` is the last day in the longest window with
a transaction on the channel. One row per customer with a daily row in the longest window —
whether or not the customer is in that day's silver.customers (a customer record quarantined
for a day must not lose its history).

Two ways to the same rows:

* `full_windows` reads the daily rows of the last `LONG_WINDOW` days — the first night, after a
  gap, or to repair history;
* `slide_windows` — the nightly path — takes the day before's rows, adds today's daily rows
  and subtracts the rows of the days that just left each window (day − 30, day − 90): it reads
  one day's data plus one row per active customer, whatever the length of history.

Money sums are rounded to the cent after every step. Amounts are cents already, so rounding
removes floating-point drift and the two paths agree exactly (tested).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from features.columns import (
    LAST_ACTIVE,
    LONG_WINDOW,
    RECENCY_CAP,
    ROLLED_MEASURES,
    WINDOW_COLUMNS,
    WINDOWS,
    column_type,
    window_column,
)

STATE_COLUMNS = ("snapshot_date", "customer_id", *WINDOW_COLUMNS, *LAST_ACTIVE)


def _measure(name: str) -> Column:
    """A rolled measure's value on one daily row (active_days counts days with a leg)."""
    if name == "active_days":
        return (F.col("txn_count") > 0).cast("bigint")
    return F.col(name)


def _active_on(last: str, day: Column) -> Column:
    """`day` when the daily row has a leg of the kind `last` tracks, else null."""
    return F.when(F.col(LAST_ACTIVE[last]) > 0, day)


def _first_day(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=LONG_WINDOW - 1)


def full_windows(daily: DataFrame, day: dt.date) -> DataFrame:
    """gold.customer_windows rows at `day` from gold.customer_daily rows; rows after `day`
    (or before the longest window) are ignored, so later data never leaks into a window."""
    rows = daily.where(F.col("business_date").between(F.lit(_first_day(day)), F.lit(day)))
    sums = [F.sum(F.when(F.col("business_date") >= F.lit(day - dt.timedelta(days=w - 1)),
                         _measure(m))).alias(window_column(m, w))
            for w in WINDOWS for m in ROLLED_MEASURES]
    lasts = [F.max(_active_on(c, F.col("business_date"))).alias(c) for c in LAST_ACTIVE]
    return _finish(rows.groupBy("customer_id").agg(*sums, *lasts,
                                                   F.sum(_row_activity()).alias(_ACTIVITY)),
                   day)


def slide_windows(previous: DataFrame, today: DataFrame, leaving: dict[int, DataFrame],
                  day: dt.date) -> DataFrame:
    """The day before's windows moved on to `day`.

    `previous`: gold.customer_windows rows of day − 1; `today`: gold.customer_daily rows of
    `day`; `leaving[w]`: gold.customer_daily rows of day − w (empty when there were none).
    """
    kept = previous.select("customer_id", *WINDOW_COLUMNS, *LAST_ACTIVE,
                           _state_activity().alias(_ACTIVITY))
    added = today.select("customer_id",
                         *(_measure(m).alias(window_column(m, w))
                           for w in WINDOWS for m in ROLLED_MEASURES),
                         *(_active_on(c, F.lit(day)).alias(c) for c in LAST_ACTIVE),
                         _row_activity().alias(_ACTIVITY))
    parts = [kept, added]
    for w in WINDOWS:    # only what was added before can leave (a guard against gaps)
        gone = leaving[w].join(kept.select("customer_id"), "customer_id", "left_semi")
        activity = [(-_row_activity()).alias(_ACTIVITY)] if w == LONG_WINDOW else []
        parts.append(gone.select("customer_id", *((-_measure(m)).alias(window_column(m, w))
                                                  for m in ROLLED_MEASURES), *activity))
    union = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)
    summed = union.groupBy("customer_id").agg(*(F.sum(c).alias(c) for c in WINDOW_COLUMNS),
                                              *(F.max(c).alias(c) for c in LAST_ACTIVE),
                                              F.sum(_ACTIVITY).alias(_ACTIVITY))
    return _finish(summed, day)


def _finish(df: DataFrame, day: dt.date) -> DataFrame:
    """Zeros for empty windows, cents for money, last dates inside the longest window, and
    only customers with a daily row in it."""
    first = F.lit(_first_day(day))
    windows = [_typed(F.coalesce(F.col(c), F.lit(0)), c) for c in WINDOW_COLUMNS]
    lasts = [F.when(F.col(c) >= first, F.col(c)).alias(c) for c in LAST_ACTIVE]
    # filtered on one aggregated column: a condition over the window columns would make
    # Spark's constraint inference double its work for each of them (2^30 on the way out)
    active = df.where(F.col(_ACTIVITY) > 0)
    return active.select(F.lit(day).alias("snapshot_date"), "customer_id", *windows, *lasts)


_ACTIVITY = "_activity"     # sum of every count over the longest window: > 0 iff a daily row


def _counts() -> list[str]:
    return [m for m in ROLLED_MEASURES if m.endswith("_count")]


def _row_activity() -> Column:
    """A daily row's counts added up: every row has one, a leg or a payer's salary credit."""
    return reduce(lambda a, b: a + b, (F.col(m) for m in _counts()))


def _state_activity() -> Column:
    return reduce(lambda a, b: a + b, (F.col(window_column(m, LONG_WINDOW)) for m in _counts()))


def _typed(value: Column, name: str) -> Column:
    if column_type(name) == "double":
        return F.round(value.cast("double"), 2).alias(name)
    return value.cast(column_type(name)).alias(name)


def days_since_columns(day: dt.date) -> list[Column]:
    """days_since_<x> from the last_<x>_date columns: capped at RECENCY_CAP ("that long ago
    or never"), the cap also when the date is null."""
    cap = F.lit(RECENCY_CAP)
    return [F.coalesce(F.least(F.datediff(F.lit(day), F.col(last)), cap), cap).cast("int")
            .alias(last.replace("last_", "days_since_").removesuffix("_date"))
            for last in LAST_ACTIVE]
