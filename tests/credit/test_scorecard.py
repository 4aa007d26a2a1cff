"""credit.scorecard: thresholds gate linked points, the branch target scales them."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.credit import scorecard

FEB, MAR = dt.date(2026, 2, 10), dt.date(2026, 3, 2)
POINTS = "participant_id string, role string, points double, open_date date"
STAFF = "staff_id string, role string, org_id string"


@pytest.fixture
def frames(spark):
    ledger = spark.createDataFrame([
        ("T1", "teller", 6.0, FEB), ("T1", "teller", 4.0, FEB),       # 10 linked points
        ("R1", "retail_rm", 20.0, FEB),
        ("T1", "teller", 3.0, MAR),                                   # another period
        ("C1", "corporate_rm", 8.0, FEB),                             # another branch
    ], POINTS)
    base = spark.createDataFrame([
        ("T1", "teller", 25.0, FEB),          # over the teller threshold (20)
        ("R1", "retail_rm", 10.0, FEB),       # under the retail RM threshold (30)
        ("C1", "corporate_rm", 40.0, FEB),
    ], POINTS)
    staff = spark.createDataFrame([("T1", "teller", "B1"), ("R1", "retail_rm", "B1"),
                                   ("C1", "corporate_rm", "B2")], STAFF)
    return ledger, base, staff


def _cards(frames, credit) -> dict:
    rows = scorecard.scorecards(*frames, credit).collect()
    return {(r.period, r.level, r.unit_id): r for r in rows}


def test_linked_points_count_only_past_the_threshold(frames, config):
    cards = _cards(frames, config.credit)
    teller, rm = cards[("2026-02", "person", "T1")], cards[("2026-02", "person", "R1")]
    assert (teller.base_points, teller.threshold, teller.threshold_met) == (25.0, 20.0, True)
    assert teller.counted_points == 10.0
    assert (rm.threshold_met, rm.linked_points, rm.counted_points) == (False, 20.0, 0.0)
    march = cards[("2026-03", "person", "T1")]
    assert (march.base_points, march.threshold_met, march.counted_points) == (0.0, False, 0.0)


def test_the_branch_target_scales_everyone_within_bounds(frames, config):
    cards = _cards(frames, config.credit)
    # B1 counted 10 of a 400-point target: the factor stops at min_factor
    teller = cards[("2026-02", "person", "T1")]
    assert teller.team_factor == config.credit.team.min_factor
    assert teller.final_points == pytest.approx(10.0 * config.credit.team.min_factor)
    easy = config.credit.team.model_copy(update={"target_points_per_branch": 5.0})
    cards = _cards(frames, config.credit.model_copy(update={"team": easy}))
    assert cards[("2026-02", "person", "T1")].team_factor == 1.0          # capped at 1
    assert cards[("2026-02", "person", "T1")].final_points == 10.0


def test_raising_a_threshold_in_the_config_zeroes_the_linked_points(frames, config):
    thresholds = config.credit.thresholds.model_copy(update={"base_points": {
        **config.credit.thresholds.base_points, "teller": 30.0}})
    cards = _cards(frames, config.credit.model_copy(update={"thresholds": thresholds}))
    teller = cards[("2026-02", "person", "T1")]
    assert (teller.threshold, teller.threshold_met, teller.counted_points) == (30.0, False, 0.0)
    assert cards[("2026-02", "branch", "B1")].final_points == 0.0


def test_team_and_branch_rows_add_their_people(frames, config):
    cards = _cards(frames, config.credit)
    branch = cards[("2026-02", "branch", "B1")]
    assert (branch.people, branch.linked_points, branch.counted_points) == (2, 30.0, 10.0)
    team = cards[("2026-02", "team", "B1/teller")]
    assert (team.people, team.role, team.counted_points) == (1, "teller", 10.0)
    assert branch.final_points == pytest.approx(
        sum(r.final_points for k, r in cards.items()
            if k[:2] == ("2026-02", "person") and r.org_id == "B1"))


def test_quarters_when_configured(frames, config):
    quarterly = config.credit.thresholds.model_copy(update={"period": "quarter"})
    cards = _cards(frames, config.credit.model_copy(update={"thresholds": quarterly}))
    assert cards[("2026-Q1", "person", "T1")].linked_points == 13.0
