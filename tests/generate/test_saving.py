"""Monthly savings plans: the visible footprint of the saving habit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crosslink.generate import build_bank, linkflows, saving
from crosslink.generate.transactions import Day
from crosslink.sources import OUR_BANK
from tests.generate.conftest import make_config, online_legs_named, truth


def _instalments(home, days) -> pd.DataFrame:
    return online_legs_named(home, days, ["TIME DEPOSIT"])


def test_instalments_leave_savers_current_accounts_for_a_deposit_with_us(busy_bank):
    home, summary = busy_bank
    legs = _instalments(home, sorted(summary["files"]))
    assert len(legs) >= 5
    assert set(legs.direction) == {"D"}
    assert set(legs.type) == {"invest"}
    assert set(legs["counterparty.bank"]) == {OUR_BANK}
    assert legs.device.isna().all()                    # booked by the core system
    people = truth(home, "customers").set_index("customer_id").loc[legs.customer_id]
    assert (people.customer_type == "P").all()
    assert (people.save_rate > 0).all()


@pytest.fixture(scope="module")
def month():
    """A 4000-customer bank's income credits and instalments (person, day of month, amount)
    of February 2026, generated in memory: 28 days, so every plan day comes round once."""
    first = np.datetime64("2026-02-01", "D")
    bank = build_bank(make_config(), 4000, 21, first)
    income, plans = [], []
    for i in range(28):
        day = Day(i, first + i, 21)
        for part, out in ((linkflows.salary_day(bank, day), income),
                          (saving.saving_day(bank, day), plans)):
            for leg in part:
                credit = leg.delta > 0 if out is income else leg.delta < 0
                people = credit & (leg.cust < bank.persons.n)
                out.append(pd.DataFrame({"person": leg.cust[people], "dom": day.dom,
                                         "amount": np.abs(leg.delta[people])}))
    return bank, pd.concat(income), pd.concat(plans)


def test_an_instalment_is_the_saving_rate_of_the_income(month):
    bank, _, plans = month
    p = bank.persons
    assert not plans.person.duplicated().any()      # one a month
    assert len(plans) == len(bank.savers[0])
    assert (plans.amount % 100 == 0).all()
    assert (p.save_rate[plans.person] > 0).all()
    ratio = plans.amount / (p.save_rate * p.income)[plans.person]
    assert 0.97 < np.median(ratio) < 1.03, np.median(ratio)
    share = plans.amount / p.income[plans.person]
    assert np.corrcoef(share, p.save_rate[plans.person])[0, 1] > 0.95


def test_the_instalment_runs_two_days_after_the_income(month):
    _, income, plans = month
    both = plans.merge(income, on="person", suffixes=("", "_income"))
    assert len(both) > 0.9 * len(plans)             # every saver has a regular income
    assert ((both.dom_income + 1) % 28 + 1 == both.dom).all()


def test_the_more_one_saves_the_likelier_a_plan(month):
    bank, _, _ = month
    p = bank.persons
    has_plan = np.zeros(p.n, dtype=bool)
    has_plan[bank.savers[0]] = True
    active = p.activity > 0
    assert not has_plan[p.save_rate <= 0].any()
    assert has_plan[active & (p.save_rate >= saving.PLAN_FULL_RATE)].all()
    middle = has_plan[active & (p.save_rate > 0.1) & (p.save_rate < 0.2)].mean()
    assert 0.3 < middle < 0.7, middle
