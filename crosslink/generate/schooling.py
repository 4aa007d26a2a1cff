"""Children's classes: the footprint of a family with children.

Parents (latent `children`: ages 28-52) spend on education among their card purchases, but
how much of that the bank sees depends on how much they pay by card (`spend`): a light card
user with children hardly shows it. Most families also pay for after-school classes, a fee a
month at an education merchant (新东方, 学而思, ...) on their own class day, by card whatever
their card habit: the monthly fee is what says "children" to the bank. `children` drives the
life insurance propensity (`propensity.RETAIL_WEIGHTS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate.behaviour import card_purchases
from crosslink.generate.rng import lognormal_mean, stream
from crosslink.generate.transactions import Day, Part
from crosslink.sources import MERCHANT_CATEGORIES

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

CLASS_SHARE = 0.7               # families with children that pay for classes
FEE_INCOME_SHARE = 0.06         # mean monthly fee, as a share of income ...
MIN_FEE_CNY = 300.0             # ... and at least this
EDUCATION = MERCHANT_CATEGORIES.index("education")


def families(bank: Bank) -> tuple[np.ndarray, np.ndarray]:
    """Who pays for classes (person rows) and their fee day of month (1-28): fixed for the
    bank's life (drawn once, kept as `Bank.families`)."""
    p = bank.persons
    rng = stream(bank.seed, "schooling", "families")
    draw = rng.random(p.n)
    fee_day = rng.integers(1, 29, size=p.n)
    who = np.flatnonzero(p.children & (p.activity > 0) & (draw < CLASS_SHARE))
    return who, fee_day[who]


def schooling_day(bank: Bank, day: Day) -> list[Part]:
    """Today's class fees, by card at an education merchant."""
    rng = day.rng("schooling")
    who, fee_day = bank.families
    who = who[fee_day == day.dom]
    fee = np.maximum(MIN_FEE_CNY, FEE_INCOME_SHARE * bank.persons.income[who])
    amount = np.round(lognormal_mean(rng, fee, 0.3), -1)
    return [card_purchases(bank, rng, who, np.full(len(who), EDUCATION), amount)]
