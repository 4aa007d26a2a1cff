"""features.feedback: a customer's prompt outcomes of the long window, point in time."""

from __future__ import annotations

import datetime as dt

from features import feedback
from features.columns import FEEDBACK_COLUMNS

DAY = dt.date(2026, 4, 30)
EVENTS = "prompt_id string, customer_id string, event_type string, event_date date"


def _ago(days: int) -> dt.date:
    return DAY - dt.timedelta(days=days)


def test_outcomes_count_distinct_prompts_of_the_window_only(spark):
    events = spark.createDataFrame([
        ("P1", "C1", "delivered", _ago(3)), ("P1", "C1", "contacted", _ago(2)),
        ("P1", "C1", "accepted", _ago(1)),
        ("P2", "C1", "delivered", _ago(10)), ("P2", "C1", "contacted", _ago(10)),
        ("P2", "C1", "declined", _ago(9)),
        ("P3", "C1", "delivered", _ago(89)),                   # first day of the 90-day window
        ("P4", "C1", "delivered", _ago(90)),                   # just out of it
        ("P5", "C1", "delivered", DAY + dt.timedelta(days=1)),  # reported later: not read
        ("P6", "C2", "delivered", _ago(5)), ("P6", "C2", "delivered", _ago(5)),  # twice
    ], EVENTS)
    rows = {r.customer_id: r.asDict() for r in feedback.outcome_features(events, DAY).collect()}
    assert [rows["C1"][c] for c in FEEDBACK_COLUMNS] == [3, 2, 1, 1]
    assert [rows["C2"][c] for c in FEEDBACK_COLUMNS] == [1, 0, 0, 0]
