"""features.rollup: window sums and last-active dates, in full and slid on day by day."""

from __future__ import annotations

import random

import pytest
from pyspark.sql import functions as F

from features.columns import LAST_ACTIVE, RECENCY_CAP
from features.rollup import STATE_COLUMNS, days_since_columns, full_windows, slide_windows
from tests.features.frames import DAY, daily, days


def _rows(df) -> dict[str, dict]:
    return {r["customer_id"]: r.asDict() for r in df.collect()}


@pytest.fixture(scope="module")
def history(spark):
    """P1 active on several days in and around the windows, C2 only named as a payer, P9
    active only before the longest window."""
    return daily(spark, [
        {"business_date": DAY, "customer_id": "P1", "txn_count": 2, "atm_count": 2,
         "atm_out_cny": 100.1, "out_cny": 100.1},
        {"business_date": DAY - days(10), "customer_id": "P1", "txn_count": 1,
         "online_banking_count": 1, "online_banking_in_cny": 0.2, "in_cny": 0.2,
         "salary_credit_count": 1, "salary_credit_cny": 0.2},
        {"business_date": DAY - days(40), "customer_id": "P1", "txn_count": 1, "pos_count": 1,
         "pos_out_cny": 0.1, "out_cny": 0.1},
        {"business_date": DAY - days(95), "customer_id": "P1", "txn_count": 1,
         "wechat_count": 1},
        {"business_date": DAY + days(1), "customer_id": "P1", "txn_count": 5, "atm_count": 5},
        {"business_date": DAY - days(5), "customer_id": "C2", "payroll_elsewhere_count": 3,
         "payroll_elsewhere_cny": 24000.0},
        {"business_date": DAY - days(95), "customer_id": "P9", "txn_count": 1, "atm_count": 1},
    ])


def test_full_windows_sum_the_days_of_each_window(history):
    p1 = _rows(full_windows(history, DAY))["P1"]
    assert (p1["txn_count_30d"], p1["txn_count_90d"]) == (3, 4)
    assert (p1["active_days_30d"], p1["active_days_90d"]) == (2, 3)
    assert (p1["out_cny_30d"], p1["out_cny_90d"]) == (100.1, 100.2)
    assert (p1["salary_credit_count_30d"], p1["salary_credit_cny_30d"]) == (1, 0.2)


def test_full_windows_ignore_later_and_older_rows(history):
    """Point in time: the row of DAY + 1 and the one of DAY - 95 count nowhere."""
    p1 = _rows(full_windows(history, DAY))["P1"]
    assert p1["atm_count_90d"] == 2 and p1["wechat_count_90d"] == 0
    assert p1["last_wechat_date"] is None


def test_last_active_dates_per_channel(history):
    p1 = _rows(full_windows(history, DAY))["P1"]
    assert p1["last_atm_date"] == DAY
    assert p1["last_online_banking_date"] == DAY - days(10)
    assert p1["last_pos_date"] == DAY - days(40)
    assert p1["last_txn_date"] == DAY


def test_state_holds_active_customers_only(history):
    state = _rows(full_windows(history, DAY))
    assert sorted(state) == ["C2", "P1"]          # P9's last row is 95 days old
    c2 = state["C2"]
    assert (c2["payroll_elsewhere_count_30d"], c2["txn_count_30d"]) == (3, 0)
    assert c2["last_txn_date"] is None
    assert list(full_windows(history, DAY).columns) == list(STATE_COLUMNS)


def _random_history(seed: int = 7) -> list[dict]:
    """Over 125 days: A every day, B every third day, Z and Y only on days that leave a
    window during the slide (Y's only day leaves the 90-day one); amounts in awkward cents."""
    rng, rows = random.Random(seed), []
    first = DAY - days(124)
    for offset in range(125):
        day = first + days(offset)
        active = ["A"] + (["B"] if offset % 3 == 0 else [])
        active += ["Z"] if day in (DAY - days(92), DAY - days(31)) else []
        active += ["Y"] if day == DAY - days(91) else []
        for customer in active:
            n = rng.randint(1, 4)
            cents = [rng.choice([0.1, 0.2, 0.7, 19.99, 1234.56]) for _ in range(n)]
            rows.append({"business_date": day, "customer_id": customer, "txn_count": n,
                         "wechat_count": n, "wechat_out_cny": round(sum(cents), 2),
                         "out_cny": round(sum(cents), 2),
                         "wechat_small_payment_count": n - 1})
    return rows


def test_sliding_day_by_day_equals_rolling_up_in_full(spark):
    """Three slides crossing both window edges (rows of Z leave the 30- and the 90-day
    window, Y's only row the 90-day one) give exactly the rows a full roll-up gives, money
    to the cent."""
    history = daily(spark, _random_history()).cache()
    start = DAY - days(3)
    state = full_windows(history, start)
    assert sorted(_rows(state)) == ["A", "B", "Y", "Z"]
    for step in range(1, 4):
        day = start + days(step)
        on = {w: history.where(F.col("business_date") == F.lit(day - days(w))) for w in (30, 90)}
        today = history.where(F.col("business_date") == F.lit(day))
        state = slide_windows(state.withColumn("snapshot_date", F.lit(day - days(1))), today,
                              on, day)
        state = spark.createDataFrame(state.collect(), state.schema)     # cut the lineage
        assert sorted(state.collect()) == sorted(full_windows(history, day).collect()), day
    assert sorted(_rows(state)) == ["A", "B", "Z"]      # Y's row left the 90-day window
    z = _rows(state)["Z"]
    assert z["wechat_count_30d"] == 0 < z["wechat_count_90d"]


def test_a_day_leaving_the_window_is_only_subtracted_from_what_it_was_added_to(spark):
    previous = full_windows(daily(spark, [{"business_date": DAY - days(1), "customer_id": "A",
                                           "txn_count": 1, "atm_count": 1}]), DAY - days(1))
    leaving = daily(spark, [{"business_date": DAY - days(30), "customer_id": "X",
                             "txn_count": 4, "atm_count": 4}])
    empty = leaving.limit(0)
    state = _rows(slide_windows(previous, empty, {30: leaving, 90: empty}, DAY))
    assert sorted(state) == ["A"] and state["A"]["txn_count_30d"] == 1


def test_days_since_is_capped_and_fills_the_never_active(spark):
    lasts = {c: None for c in LAST_ACTIVE} | {"last_txn_date": DAY - days(3),
                                              "last_atm_date": DAY - days(200)}
    df = spark.createDataFrame([tuple(lasts.values())],
                               ", ".join(f"{c} date" for c in LAST_ACTIVE))
    got = df.select(*days_since_columns(DAY)).first().asDict()
    assert got["days_since_txn"] == 3
    assert got["days_since_atm"] == RECENCY_CAP          # too long ago
    assert got["days_since_wechat"] == RECENCY_CAP       # never


def test_window_edges(spark):
    """A window of w days ends on the snapshot: DAY - 29 is in the 30-day window, DAY - 30
    is not; DAY - 89 is in the 90-day window, DAY - 90 is not."""
    rows = [{"business_date": DAY - days(k), "customer_id": "A", "txn_count": 1,
             "atm_count": 1} for k in (29, 30, 89, 90)]
    a = _rows(full_windows(daily(spark, rows), DAY))["A"]
    assert (a["txn_count_30d"], a["txn_count_90d"]) == (1, 3)
