"""Monthly savings plans: the footprint of a person's saving habit.

A person's `save_rate` is the share of their income they do not spend. Everyday spending follows
it only weakly (`behaviour.retail_ticket`: a few percent of income among many noisy flows), so
the habit needs a trace of its own, as it has in a real bank: savers keep a standing instruction
that moves a fixed part of their income into a time deposit two days after the income lands
(零存整取, a monthly instalment deposit). The more a person saves, the likelier such a plan
(`PLAN_FULL_RATE`), and its amount is their saving: save_rate × income, a round sum. The instalment
is booked by the core system on the online banking ledger (type `invest`, no device) and leaves
the current account: the saving sits in the deposit, not in the current balance (which the
generator does not keep coherent with income anyway). `save_rate` drives the wealth, loan and
mortgage propensities (`propensity.RETAIL_WEIGHTS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate.linkflows import PENSION_DAY, single_leg
from crosslink.generate.population import INCOME_CLIENT, INCOME_EXTERNAL, INCOME_PENSION
from crosslink.generate.rng import lognormal_mean, stream
from crosslink.generate.transactions import Day, Part
from crosslink.sources import OUR_BANK

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

PLAN_FULL_RATE = 0.3        # P(plan) = save_rate / this, capped at 1: none for non-savers
PLAN_DELAY_DAYS = 2         # the instalment runs this many days after the income lands
PLAN_NAME = "本行定期 CLB TIME DEPOSIT"
PLAN_MEMO = "零存整取 MONTHLY SAVINGS"


def income_day(bank: Bank) -> np.ndarray:
    """Day of month (1-28) each person's regular income lands: their employer's payday, the
    pension day, or their own day for other income."""
    p, co = bank.persons, bank.companies
    day = p.personal_day.copy()
    client = p.income_source == INCOME_CLIENT
    day[client] = co.payday[p.employer[client]]
    external = p.income_source == INCOME_EXTERNAL
    day[external] = bank.externals.employer_payday[p.ext_employer[external]]
    day[p.income_source == INCOME_PENSION] = PENSION_DAY
    return day


def savers(bank: Bank) -> tuple[np.ndarray, np.ndarray]:
    """Who keeps a savings plan (person rows) and its day of month (1-28): fixed for the bank's
    life (drawn once, kept as `Bank.savers`)."""
    p = bank.persons
    draw = stream(bank.seed, "saving", "plans").random(p.n)
    who = np.flatnonzero((p.activity > 0) & (draw < p.save_rate / PLAN_FULL_RATE))
    plan_day = (income_day(bank)[who] + PLAN_DELAY_DAYS - 1) % 28 + 1
    return who, plan_day


def saving_day(bank: Bank, day: Day) -> list[Part]:
    """Today's instalments, from the current account into a time deposit with us."""
    rng = day.rng("saving")
    who, plan_day = bank.savers
    who = who[plan_day == day.dom]
    p = bank.persons
    amount = np.maximum(100.0, np.round(
        lognormal_mean(rng, p.save_rate[who] * p.income[who], 0.05), -2))
    sec = 2 * 3600 + rng.integers(0, 3600, size=len(who))     # the core system's night batch
    return [single_leg(bank, who, amount, sec, np.zeros(len(who), dtype=bool),
                       {"txn_type": "invest", "memo": PLAN_MEMO, "counterparty_name": PLAN_NAME,
                        "counterparty_bank": OUR_BANK})]
