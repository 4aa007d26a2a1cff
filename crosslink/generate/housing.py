"""Renting and house hunting: the footprint of a person's need for a home.

People who want to buy a home (latent `home_need`, ages 26–42) mostly rent meanwhile: a renter
pays a rental platform once a month, on their own rent day. The closer they are to buying, the
more often they also pay property agents (viewing deposits, appraisal and advisory fees). Both
are online transfers to a named counterparty at another bank. `home_need` also drives the
mortgage propensity (`propensity.RETAIL_WEIGHTS`): rent says who is in the market, the agents
say how far along they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate import text, vocab
from crosslink.generate.linkflows import counterparties, counterparty_legs
from crosslink.generate.rng import lognormal_mean, stream
from crosslink.generate.transactions import Day, Part

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

RENTER_SHARE = (0.3, 0.7)            # P(renter) = 0.3 + 0.7 × home_need, for home_need > 0
RENT_INCOME_SHARE = 0.15             # mean monthly rent, as a share of income
AGENT_VISITS_PER_DAY = 0.2           # × home_need²: near 4 a month at home_need 0.8
AGENT_PAYMENT_MEAN_CNY = 2000.0


PLATFORMS = counterparties(vocab.RENTAL_PLATFORMS, 101)
AGENTS = counterparties(vocab.PROPERTY_AGENTS, 201)


def renters(bank: Bank) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who rents (person rows), their platform and their rent day: fixed for the bank's life
    (drawn once, kept as `Bank.renters`)."""
    p = bank.persons
    rng = stream(bank.seed, "housing", "renters")
    draw = rng.random(p.n)
    platform = rng.integers(0, len(vocab.RENTAL_PLATFORMS), size=p.n)
    day = rng.integers(1, 29, size=p.n)
    low, slope = RENTER_SHARE
    who = np.flatnonzero((p.home_need > 0) & (p.activity > 0) & (draw < low + slope * p.home_need))
    return who, platform[who], day[who]


def housing_day(bank: Bank, day: Day) -> list[Part]:
    return [_rent(bank, day), _agents(bank, day)]


def _rent(bank: Bank, day: Day) -> Part:
    rng = day.rng("housing", "rent")
    who, platform, rent_day = bank.renters
    due = rent_day == day.dom
    who, platform = who[due], platform[due]
    amount = np.round(lognormal_mean(rng, bank.persons.income[who] * RENT_INCOME_SHARE, 0.2), -1)
    return _transfers(bank, rng, who, amount, PLATFORMS, platform, vocab.RENT_MEMOS)


def _agents(bank: Bank, day: Day) -> Part:
    rng = day.rng("housing", "agents")
    p = bank.persons
    who = np.flatnonzero((p.activity > 0)
                         & (rng.random(p.n) < AGENT_VISITS_PER_DAY * p.home_need ** 2))
    n = len(who)
    amount = np.round(np.maximum(lognormal_mean(rng, AGENT_PAYMENT_MEAN_CNY, 0.8, size=n), 200),
                      -2)
    agent = rng.integers(0, len(vocab.PROPERTY_AGENTS), size=n)
    return _transfers(bank, rng, who, amount, AGENTS, agent, vocab.PROPERTY_MEMOS)


def _transfers(bank, rng, who, amount, parties, which, memos) -> Part:
    """Payments from `who` to `parties[which]`."""
    n = len(who)
    return counterparty_legs(bank, rng, who, amount, np.zeros(n, dtype=bool), parties, which,
                             text.choose(rng, memos, n), vocab.DEVICES_RETAIL)
