"""Prompt-outcome features: how a customer answered the prompts they were given.

From feedback.prompt_events reported in the long window ending on the snapshot date (point in
time: later reports are not read), per customer the number of distinct prompts delivered,
contacted, won (accepted) and lost (declined) — `features.columns.FEEDBACK_COLUMNS`. They make
the outcomes of issued prompts training data: the next retraining learns from who took up an
offer when asked, and scoring uses the same columns.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from features.columns import LONG_WINDOW, PROMPT_OUTCOMES


def outcome_features(events: DataFrame, day: dt.date) -> DataFrame:
    """customer_id and one count column per outcome (0 filled later by assemble)."""
    first = day - dt.timedelta(days=LONG_WINDOW - 1)
    window = events.where(F.col("event_date").between(F.lit(first), F.lit(day)))
    return window.groupBy("customer_id").agg(*(
        F.countDistinct(F.when(F.col("event_type") == event, F.col("prompt_id")))
        .cast("bigint").alias(f"{name}_count_{LONG_WINDOW}d")
        for event, name in PROMPT_OUTCOMES.items()))
