"""generate.feedback: each prompt's story follows the truth, the rates and the referral paths,
and is the same on every run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from crosslink.generate import feedback as sim

DAY = dt.date(2026, 1, 5)
STAFF = pd.DataFrame({"staff_id": ["T1", "R1", "R2", "C1", "S1"],
                      "role": ["teller", "retail_rm", "retail_rm", "corporate_rm",
                               "specialist_centre"],
                      "org_id": ["B1", "B1", "B1", "B1", "SC-CUSTODY"]})


def _prompt(i: int, role="teller", product="credit_card", path="teller>retail_rm",
            assignee="T1", kind="staff", channel="branch_counter", customer=None) -> dict:
    return {"prompt_id": f"PR{i:020X}", "business_date": DAY,
            "expiry_date": DAY + dt.timedelta(days=7), "customer_id": customer or f"C{i}",
            "product_code": product, "role": role, "channel": channel, "org_id": "B1",
            "assignee_id": assignee, "assignee_type": kind, "referral_path": path}


def _stories(prompts, openings, config, rates=None, seed=1):
    fb = config.generator.feedback.model_copy(update=rates or {})
    cfg = config.model_copy(update={"generator": config.generator.model_copy(
        update={"feedback": fb})})
    return sim.stories(pd.DataFrame(prompts), openings, STAFF, cfg, seed)


def _openings(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "product_code", "open_date"])


CERTAIN = {"contact_rate": dict.fromkeys(
    ("teller", "lobby_manager", "retail_rm", "wealth_advisor", "corporate_rm",
     "specialist_centre"), 1.0), "referral_rate": 1.0, "decline_rate": 1.0, "view_rate": 1.0}


def test_an_opening_in_the_prompts_life_is_won_by_whoever_handles_it(config):
    opened = DAY + dt.timedelta(days=3)
    events = _stories([_prompt(1)], _openings([("C1", "credit_card", opened)]), config, CERTAIN)
    kinds = list(events["event_type"])
    assert kinds == ["delivered", "contacted", "referred", "handled", "accepted"]
    accepted = events[events["event_type"] == "accepted"].iloc[0]
    assert accepted["event_day"] == np.datetime64(opened, "D")
    assert accepted["actor_role"] == "retail_rm" and accepted["actor_id"] in ("R1", "R2")
    referred = events[events["event_type"] == "referred"].iloc[0]
    assert (referred["actor_id"], referred["referred_role"]) == ("T1", "retail_rm")
    assert events["event_day"].max() <= np.datetime64(opened, "D")


def test_without_an_opening_a_contacted_customer_declines_or_the_prompt_expires(config):
    never = _openings([])
    declined = _stories([_prompt(1, path=None)], never, config, CERTAIN)
    assert list(declined["event_type"]) == ["delivered", "contacted", "declined"]
    silent = _stories([_prompt(1, path=None)], never, config, {**CERTAIN, "decline_rate": 0.0})
    assert list(silent["event_type"]) == ["delivered", "contacted", "expired"]
    expired = silent[silent["event_type"] == "expired"].iloc[0]
    assert expired["event_day"] == np.datetime64(DAY + dt.timedelta(days=8), "D")


def test_an_opening_outside_the_life_or_of_an_ignored_prompt_is_not_won(config):
    late = _openings([("C1", "credit_card", DAY + dt.timedelta(days=9))])
    assert "accepted" not in set(_stories([_prompt(1)], late, config, CERTAIN)["event_type"])
    soon = _openings([("C1", "credit_card", DAY + dt.timedelta(days=2))])
    ignored = {**CERTAIN, "contact_rate": dict.fromkeys(CERTAIN["contact_rate"], 0.0)}
    assert list(_stories([_prompt(1)], soon, config, ignored)["event_type"]) == [
        "delivered", "expired"]


def test_a_corporate_referral_goes_to_the_centre_that_takes_the_product(config):
    prompt = _prompt(1, role="corporate_rm", product="custody",
                     path="corporate_rm>specialist_centre", assignee="C1")
    events = _stories([prompt], _openings([]), config, CERTAIN)
    referred = events[events["event_type"] == "referred"].iloc[0]
    assert (referred["referred_role"], referred["referred_staff_id"],
            referred["referred_org_id"]) == ("specialist_centre", "S1", "SC-CUSTODY")


def test_channel_offers_are_opened_at_the_view_rate_and_never_referred(config):
    prompts = [_prompt(i, role="e_channel", path=None, assignee="mobile_app", kind="channel",
                       channel="mobile_app") for i in range(4000)]
    events = _stories(prompts, _openings([]), config, {"view_rate": 0.25})
    opened = (events["event_type"] == "contacted").sum() / 4000
    assert opened == pytest.approx(0.25, abs=0.03)
    assert "referred" not in set(events["event_type"])
    assert set(sim.source_of(events)) == {"channel_events"}


def test_contact_rates_and_stories_are_fixed_by_the_seed(config):
    prompts = [_prompt(i) for i in range(3000)]
    rates = {"contact_rate": {**CERTAIN["contact_rate"], "teller": 0.6}}
    first = _stories(prompts, _openings([]), config, rates, seed=7)
    again = _stories(prompts, _openings([]), config, rates, seed=7)
    other = _stories(prompts, _openings([]), config, rates, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    contacted = (first["event_type"] == "contacted").sum() / 3000
    assert contacted == pytest.approx(0.6, abs=0.03)


def test_each_event_is_reported_by_the_system_of_its_actor(config):
    events = _stories([_prompt(1)], _openings([("C1", "credit_card", DAY + dt.timedelta(3))]),
                      config, CERTAIN)
    by_type = dict(zip(events["event_type"], sim.source_of(events), strict=True))
    assert by_type["referred"] == "teller_events"
    assert by_type["handled"] == by_type["accepted"] == "crm_events"
