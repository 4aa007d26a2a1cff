"""feedback.workflow: a prompt's state from its events, its participants, and what the contact
policy reads from it."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.feedback import workflow

DAY = dt.date(2026, 1, 5)
PROMPTS = ("prompt_id string, business_date date, expiry_date date, customer_id string, "
           "product_code string, role string, assignee_id string, referral_path string")
EVENTS = ("event_id string, prompt_id string, event_type string, event_ts timestamp, "
          "event_date date, actor_id string, actor_role string, actor_org_id string, "
          "referred_role string, referred_staff_id string, referred_org_id string")


def _ts(days: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(DAY + dt.timedelta(days=days), dt.time(hour))


def _event(n, prompt, kind, days, actor="T1", role="teller", to=None, hour=10):
    referred = ("retail_rm", to, "B1") if to else (None, None, None)
    return (f"E{n}", prompt, kind, _ts(days, hour), DAY + dt.timedelta(days=days), actor, role,
            "B1", *referred)


@pytest.fixture
def prompts(spark):
    expiry = DAY + dt.timedelta(days=7)
    return spark.createDataFrame([
        (p, DAY, expiry, f"C{p}", "credit_card", "teller", "T1", "teller>retail_rm")
        for p in ("P1", "P2", "P3", "P4", "P5")], PROMPTS)


@pytest.fixture
def events(spark):
    return spark.createDataFrame([
        _event(1, "P1", "delivered", 1, hour=8),
        _event(2, "P2", "delivered", 1, hour=8), _event(3, "P2", "contacted", 1),
        _event(4, "P2", "referred", 1, to="R1", hour=11),
        _event(5, "P3", "contacted", 1), _event(6, "P3", "referred", 1, to="R1", hour=11),
        _event(7, "P3", "handled", 2, actor="R1", role="retail_rm"),
        _event(8, "P3", "accepted", 3, actor="R1", role="retail_rm"),
        _event(9, "P3", "declined", 4, actor="R1", role="retail_rm"),     # after it was won
        _event(10, "P4", "contacted", 1), _event(11, "P4", "declined", 2),
    ], EVENTS)


def _states(prompts, events, as_of) -> dict:
    return {r.prompt_id: r for r in workflow.status(prompts, events, as_of).collect()}


def test_states_follow_the_latest_event_and_the_first_closing_one(prompts, events):
    s = _states(prompts, events, DAY + dt.timedelta(days=5))
    assert {p: s[p].status for p in s} == {"P1": "open", "P2": "referred", "P3": "won",
                                            "P4": "lost", "P5": "open"}
    assert s["P3"].status_date == DAY + dt.timedelta(days=3)
    assert s["P3"].last_event == "accepted" and s["P3"].events == 5
    assert s["P3"].participants == ["R1", "T1"] and s["P3"].handler_id == "R1"
    assert s["P2"].referred_staff_id == "R1" and s["P2"].participants == ["R1", "T1"]
    assert s["P5"].events == 0 and s["P5"].participants == []


def test_events_reported_after_the_date_do_not_count(prompts, events):
    s = _states(prompts, events, DAY + dt.timedelta(days=2))
    assert s["P3"].status == "in_progress" and s["P4"].status == "lost"
    assert _states(prompts, events, DAY + dt.timedelta(days=1))["P4"].status == "in_progress"


def test_a_prompt_past_its_expiry_without_a_closing_event_has_expired(prompts, events):
    s = _states(prompts, events, DAY + dt.timedelta(days=8))
    assert s["P1"].status == s["P2"].status == s["P5"].status == "expired"
    assert s["P1"].status_date == DAY + dt.timedelta(days=8)
    assert (s["P3"].status, s["P4"].status) == ("won", "lost")


def test_participants_are_the_staff_who_worked_the_prompt(spark, prompts, events):
    rows = {(r.prompt_id, r.participant_id, r.role)
            for r in workflow.participants(events).collect()}
    assert rows == {("P2", "T1", "teller"), ("P2", "R1", "retail_rm"), ("P3", "T1", "teller"),
                    ("P3", "R1", "retail_rm"), ("P4", "T1", "teller")}


def test_the_contact_policy_sees_a_lost_prompt_as_a_decline(prompts, events):
    states = workflow.status(prompts, events, DAY + dt.timedelta(days=5))
    history = {r.customer_id: r for r in workflow.policy_history(states).collect()}
    assert history["CP4"].status == "declined"
    assert history["CP4"].status_date == DAY + dt.timedelta(days=2)
    assert history["CP3"].status == "accepted" and history["CP1"].status == "open"
