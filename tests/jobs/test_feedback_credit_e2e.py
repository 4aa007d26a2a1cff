"""Feedback and credit on the shared bank: every night after the first got the downstream
systems' reports on the earlier prompts (generate.feedback), so these tests read a real loop —
prompts → events → workflow states → attributed sales → ledger → scorecards."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from crosslink.context import build_context
from crosslink.credit import split
from crosslink.credit.view import show_scorecards
from crosslink.feedback.trail import format_trail, prompt_trail
from crosslink.sources import FEEDBACK_SOURCES
from jobs import credit, feedback
from tests.jobs.conftest import DAYS, LAST, START

DATES = [START + dt.timedelta(days=i) for i in range(DAYS)]
PERIOD = LAST.strftime("%Y-%m")
OUTPUTS = ("feedback.prompt_events", "feedback.prompt_status", "perf.credit_ledger",
           "perf.scorecards")


def _frame(bank, name: str) -> pd.DataFrame:
    return bank.lake.read(name).toPandas()


@pytest.fixture(scope="module")
def ledger(bank) -> pd.DataFrame:
    return _frame(bank, "perf.credit_ledger")


def _ctx(bank, day: dt.date, config=None):
    return build_context(day, config or bank.config, spark=bank.spark)


def _rerun(bank, config=None, days=DATES, steps=(feedback, credit)) -> None:
    for day in days:
        ctx = _ctx(bank, day, config)
        for step in steps:
            step.run(ctx)


def test_every_reported_event_is_stored_or_quarantined(bank):
    lake = bank.lake
    stored = rejected = 0
    for day in DATES:
        reported = sum(lake.count(f"bronze.{s}", where={"business_date": day})
                       for s in FEEDBACK_SOURCES)
        kept = lake.count("feedback.prompt_events", where={"event_date": day})
        out = lake.read("bronze.quarantine", where={"business_date": day,
                                                    "source": "prompt_events"}).count()
        assert reported == kept + out, day
        stored, rejected = stored + kept, rejected + out
    assert stored > 100
    states = _frame(bank, "feedback.prompt_status")
    last = states[states["snapshot_date"] == LAST]
    assert {"won", "lost", "referred", "in_progress"} <= set(last["status"])


def test_every_credited_sale_is_shared_out_once_and_traceable(bank, ledger):
    linked = ledger[ledger["credit_type"] == "linked"]
    assert linked["sale_id"].nunique() >= 5 and (ledger["credit_type"] == "base").any()
    per_sale = ledger.groupby("sale_id").agg(total=("share", "sum"),
                                             nights=("business_date", "nunique"),
                                             prompts=("prompt_id", "nunique"))
    assert ((per_sale["total"] - 1).abs() < 1e-9).all()
    assert (per_sale["nights"] == 1).all() and (per_sale["prompts"] <= 1).all()
    assert ledger["ledger_id"].is_unique
    cfg = bank.config
    assert set(ledger["config_version"]) == {split.config_version(cfg.credit,
                                                                  cfg.products.products)}
    events = _frame(bank, "feedback.prompt_events")
    prompts = set(_frame(bank, "gold.prompts")["prompt_id"])
    for row in linked.itertuples():
        assert row.prompt_id in prompts and row.prompt_id in row.touched_prompts
        theirs = set(events.loc[events["prompt_id"] == row.prompt_id, "event_id"])
        assert set(row.event_ids) == theirs and theirs


def test_a_lost_prompt_starts_the_products_cooldown(bank):
    states = _frame(bank, "feedback.prompt_status")
    lost = states[states["status"] == "lost"].drop_duplicates("prompt_id")
    assert len(lost) > 0
    prompts = _frame(bank, "gold.prompts")
    cooldown = bank.config.policy.contact.cooldown_days_after_decline
    for row in lost.itertuples():
        days = cooldown.products.get(row.product_code, cooldown.default)
        again = prompts[(prompts["customer_id"] == row.customer_id)
                        & (prompts["product_code"] == row.product_code)
                        & (prompts["business_date"] > row.status_date)
                        & (prompts["business_date"] < row.status_date + dt.timedelta(days))]
        assert again.empty, (row.prompt_id, again["prompt_id"].tolist())


def test_rerunning_feedback_and_credit_changes_nothing(bank):
    before = {name: bank.lake.checksum(name) for name in OUTPUTS}
    _rerun(bank, days=DATES[-2:])     # the nights with the most events and credit behind them
    assert {name: bank.lake.checksum(name) for name in OUTPUTS} == before


def _people(bank) -> pd.DataFrame:
    cards = _frame(bank, "perf.scorecards")
    return cards[(cards["period"] == PERIOD) & (cards["level"] == "person")].set_index("unit_id")


def test_a_threshold_in_credit_yaml_gates_linked_points_as_documented(bank):
    def with_threshold(points: float):
        thresholds = bank.config.credit.thresholds.model_copy(update={"base_points": dict.fromkeys(
            bank.config.credit.thresholds.base_points, points)})
        return bank.config.model_copy(update={"credit": bank.config.credit.model_copy(
            update={"thresholds": thresholds})})
    again = {"days": [LAST], "steps": [credit]}      # the period's cards are rebuilt on LAST
    try:
        _rerun(bank, with_threshold(0.0), **again)
        free = _people(bank)
        _rerun(bank, with_threshold(1e6), **again)
        gated = _people(bank)
    finally:
        _rerun(bank, **again)
    assert free["threshold_met"].all() and not gated["threshold_met"].any()
    assert (free["counted_points"] == free["linked_points"]).all()
    assert free["linked_points"].sum() > 0 and gated["counted_points"].sum() == 0
    assert (gated["final_points"] == 0).all()


def test_a_split_ratio_in_credit_yaml_moves_the_shares_as_documented(bank, ledger):
    shared = ledger[(ledger["credit_type"] == "linked")
                    & ledger.groupby("sale_id")["role"].transform("nunique").gt(1)]
    assert not shared.empty, "no sale of the bank was worked by two roles"
    path = shared["referral_path"].iloc[0]
    roles = sorted(set(shared.loc[shared["referral_path"] == path, "role"]))
    new = {roles[0]: 0.9, roles[1]: 0.1}
    splits = [s.model_copy(update={"shares": new, "categories": None})
              if s.referral_path == path else s for s in bank.config.credit.splits]
    changed = bank.config.model_copy(update={"credit": bank.config.credit.model_copy(
        update={"splits": splits})})
    again = {"days": sorted(set(shared["business_date"])), "steps": [credit]}
    try:
        _rerun(bank, changed, **again)
        after = _frame(bank, "perf.credit_ledger")
    finally:
        _rerun(bank, **again)
    moved = after[after["sale_id"].isin(shared.loc[shared["referral_path"] == path, "sale_id"])]
    for sale, rows in moved.groupby("sale_id"):
        by_role = rows.groupby("role")["share"].sum()
        assert by_role.to_dict() == pytest.approx(new), sale
    assert set(after["config_version"]) != set(ledger["config_version"])


def test_prompt_trail_and_scorecard_print_a_credited_sale(bank, ledger):
    row = ledger[ledger["credit_type"] == "linked"].iloc[0]
    ctx = _ctx(bank, LAST)
    trail = format_trail(prompt_trail(ctx, row["prompt_id"]))
    assert f"prompt {row['prompt_id']}" in trail and "accepted" in trail
    assert f"sale {row['sale_id']}" in trail and row["participant_id"] in trail
    assert "state as of" in trail and ": won since" in trail
    cards = show_scorecards(ctx, PERIOD)
    assert cards.startswith(f"scorecards {PERIOD}") and "branch" in cards
    assert "no prompt PRNOPE" in format_trail(prompt_trail(ctx, "PRNOPE"))
