"""Children's classes: the visible footprint of a family with children."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crosslink.generate import build_bank, schooling
from crosslink.generate.transactions import Day
from tests.generate.conftest import make_config


@pytest.fixture(scope="module")
def february():
    """A 3000-customer bank's February 2026 in memory: its card purchases (person, category,
    amount) on all 28 days, so every class day comes round once."""
    first = np.datetime64("2026-02-01", "D")
    bank = build_bank(make_config(), 3000, 17, first)
    frames = []
    for i in range(28):
        pos = bank.run_day(Day(i, first + i, 17)).transactions["card_pos"]
        people = pos.cust < bank.persons.n
        frames.append(pd.DataFrame({
            "person": pos.cust[people], "dom": i + 1, "amount": np.abs(pos.delta[people]),
            "category": pos.table.column("merchant_category").to_numpy(
                zero_copy_only=False)[people]}))
    return bank, pd.concat(frames, ignore_index=True)


def test_families_pay_a_class_fee_once_a_month_on_their_day(february):
    bank, pos = february
    who, fee_day = bank.families
    assert bank.persons.children[who].all()
    assert len(who) > 0.6 * (bank.persons.children & (bank.persons.activity > 0)).sum()
    education = pos[pos.category == "education"]
    day_of = pd.Series(fee_day, index=who)
    on_day = education[education.dom.to_numpy()
                       == day_of.reindex(education.person).to_numpy()]
    assert set(on_day.person) == set(who)          # every family paid on its day
    fee = on_day.groupby("person").amount.max()
    expected = np.maximum(schooling.MIN_FEE_CNY,
                          schooling.FEE_INCOME_SHARE * bank.persons.income[fee.index])
    assert 0.9 < np.median(fee / expected) < 1.1


def test_the_fee_shows_children_whatever_the_card_habit(february):
    """Among the lightest card spenders with children, over 80% show education spending in
    the month (57% without the class fee); nobody without children ever does."""
    bank, pos = february
    p = bank.persons
    paid = np.zeros(p.n, dtype=bool)
    paid[pos.person[pos.category == "education"]] = True
    active = p.activity > 0
    light = active & p.children & (p.spend <= np.quantile(p.spend, 0.2))
    assert light.sum() > 50
    assert paid[light].mean() > 0.8, paid[light].mean()
    assert not paid[~p.children].any()
