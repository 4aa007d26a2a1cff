"""credit.attribution: each opening credited to at most one prompt, by the configured rule."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.config import AttributionConfig
from crosslink.credit import attribution

OPEN = dt.date(2026, 2, 20)
SALES = "sale_id string, customer_id string, product_code string, open_date date"
PROMPTS = ("prompt_id string, customer_id string, product_code string, touch_date date, "
           "value double")


def _day(days_before: int) -> dt.date:
    return OPEN - dt.timedelta(days=days_before)


@pytest.fixture
def frames(spark):
    sales = spark.createDataFrame([
        ("S1", "P1", "credit_card", OPEN),         # touched by three prompts
        ("S2", "P2", "mortgage", OPEN),            # organic: its prompt is too old
        ("S3", "P3", "credit_card", OPEN),         # a prompt after the opening does not count
        ("S4", "P4", "mutual_fund", OPEN),         # prompted the same day it opened
    ], SALES)
    prompts = spark.createDataFrame([
        ("a", "P1", "credit_card", _day(20), 0.9),
        ("b", "P1", "credit_card", _day(5), 0.2),
        ("c", "P1", "credit_card", _day(12), 0.5),
        ("d", "P1", "mortgage", _day(3), 0.9),     # another product: no touch
        ("e", "P2", "mortgage", _day(31), 0.9),
        ("f", "P3", "credit_card", _day(-1), 0.9),
        ("g", "P4", "mutual_fund", _day(0), 0.1),
        ("h", "P2", "mortgage", _day(30), None),   # exactly the window: touches
    ], PROMPTS)
    return sales, prompts


def _credited(sales, prompts, rule: str, window: int = 30) -> dict:
    rows = attribution.attribute(sales, prompts, AttributionConfig(window_days=window,
                                                                   rule=rule)).collect()
    return {r.sale_id: (r.prompt_id, r.touched_prompts, r.touches) for r in rows}


@pytest.mark.parametrize("rule, winner", [("last_touch", "b"), ("first_touch", "a"),
                                          ("highest_value", "a")])
def test_one_prompt_per_sale_by_the_rule(frames, rule, winner):
    got = _credited(*frames, rule)
    assert got["S1"] == (winner, ["a", "b", "c"], 3)
    assert got["S2"] == ("h", ["h"], 1)
    assert got["S4"] == ("g", ["g"], 1)
    assert "S3" not in got                          # only a later prompt: organic


def test_a_shorter_window_leaves_old_prompts_out(frames):
    got = _credited(*frames, "first_touch", window=10)
    assert got["S1"] == ("b", ["b"], 1)
    assert "S2" not in got


def test_ties_break_on_value_then_prompt_id(spark):
    sales = spark.createDataFrame([("S1", "P1", "credit_card", OPEN)], SALES)
    prompts = spark.createDataFrame([("z", "P1", "credit_card", _day(2), 0.4),
                                     ("y", "P1", "credit_card", _day(2), 0.4),
                                     ("x", "P1", "credit_card", _day(2), 0.1)], PROMPTS)
    assert _credited(sales, prompts, "last_touch")["S1"][0] == "y"
