"""credit.split: shares per participant from credit.yaml, summing to one for every sale."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.config import CreditConfig, CreditSplit
from crosslink.credit import split

OPEN = dt.date(2026, 2, 20)
ATTRIBUTED = "sale_id string, prompt_id string, product_code string, open_date date"
PROMPTS = ("prompt_id string, role string, assignee_id string, referral_path string, "
           "category string")
PARTICIPANTS = "prompt_id string, participant_id string, role string"


@pytest.fixture
def frames(spark):
    attributed = spark.createDataFrame([
        ("S1", "p1", "wealth_management", OPEN),    # teller referred, retail RM closed
        ("S2", "p2", "wealth_management", OPEN),    # teller prompted, never referred
        ("S3", "p3", "custody", OPEN),              # corporate RM > centre, custody split
        ("S4", "p4", "mortgage", OPEN),             # no path: the assignee alone
        ("S5", "p5", "trade_finance", OPEN),        # two people of the centre worked it
    ], ATTRIBUTED)
    prompts = spark.createDataFrame([
        ("p1", "teller", "T1", "teller>retail_rm", "wealth"),
        ("p2", "teller", "T2", "teller>retail_rm", "wealth"),
        ("p3", "corporate_rm", "C1", "corporate_rm>specialist_centre", "custody"),
        ("p4", "retail_rm", "R9", None, "financing"),
        ("p5", "corporate_rm", "C2", "corporate_rm>specialist_centre", "financing"),
    ], PROMPTS)
    participants = spark.createDataFrame([
        ("p1", "T1", "teller"), ("p1", "R1", "retail_rm"),
        ("p2", "T2", "teller"),
        ("p3", "C1", "corporate_rm"), ("p3", "X1", "specialist_centre"),
        ("p4", "R9", "retail_rm"),
        ("p5", "C2", "corporate_rm"), ("p5", "X1", "specialist_centre"),
        ("p5", "X2", "specialist_centre"),
    ], PARTICIPANTS)
    return attributed, prompts, participants


def _ledger(frames, config, credit=None) -> dict:
    credit = credit or config.credit
    rows = split.credit(*frames, config.products.products, credit, "v1").collect()
    return {(r.sale_id, r.participant_id): r for r in rows}


def test_shares_follow_the_split_and_sum_to_one(frames, config):
    got = _ledger(frames, config)
    share = {k: round(r.share, 6) for k, r in got.items()}
    assert share[("S1", "T1")] == 0.3 and share[("S1", "R1")] == 0.7
    assert share[("S2", "T2")] == 1.0                   # the retail RM never took part
    assert share[("S3", "C1")] == 0.3 and share[("S3", "X1")] == 0.7    # custody's own split
    assert share[("S4", "R9")] == 1.0
    assert share[("S5", "C2")] == 0.4
    assert share[("S5", "X1")] == share[("S5", "X2")] == 0.3            # one role, two people
    for sale in {k[0] for k in got}:
        assert sum(r.share for k, r in got.items() if k[0] == sale) == pytest.approx(1.0)


def test_points_are_share_times_product_points(frames, config):
    got = _ledger(frames, config)
    points = {p.code: p.points for p in config.products.products}
    assert got[("S1", "R1")].points == pytest.approx(0.7 * points["wealth_management"])
    assert got[("S3", "X1")].points == pytest.approx(0.7 * points["custody"])
    assert all(r.config_version == "v1" and len(r.ledger_id) == 64 for r in got.values())
    assert len({r.ledger_id for r in got.values()}) == len(got)


def test_changing_a_ratio_in_the_config_moves_the_shares(frames, config):
    splits = [CreditSplit(referral_path="teller>retail_rm",
                          shares={"teller": 0.5, "retail_rm": 0.5}),
              *config.credit.splits[1:]]
    credit = config.credit.model_copy(update={"splits": splits})
    got = _ledger(frames, config, credit)
    assert got[("S1", "T1")].share == pytest.approx(0.5)
    assert got[("S3", "X1")].share == pytest.approx(0.7)              # other paths unchanged


def test_the_config_version_changes_with_the_config(config):
    products = config.products.products
    before = split.config_version(config.credit, products)
    assert split.config_version(config.credit, products) == before
    team = config.credit.team.model_copy(update={"min_factor": 0.5})
    assert split.config_version(config.credit.model_copy(update={"team": team}),
                                products) != before


@pytest.mark.parametrize("shares, problem", [
    ({"teller": 0.3, "retail_rm": 0.6}, "sum to 1"),
    ({"teller": 1.0}, "exactly the roles"),
    ({"teller": 1.2, "retail_rm": -0.2}, "> 0"),
])
def test_a_bad_split_is_refused(shares, problem):
    with pytest.raises(ValueError, match=problem):
        CreditSplit(referral_path="teller>retail_rm", shares=shares)


def test_config_knows_no_split_for_an_unused_path(config):
    assert isinstance(config.credit, CreditConfig)
    assert config.credit.split_for("teller>wealth_advisor", "wealth") is None
    assert config.credit.split_for(None, "wealth") is None
