"""Company financing and investment: the footprint of working-capital, equipment and custody
needs.

A company that grows faster than its cash (latent `growth`) finances its receivables with
factoring and supply-chain finance houses before it asks its bank: advances arrive from the
factor and go back as repayments, more often the greater the need. A company that invests in
equipment (latent `capex`) pays machinery vendors, a few large payments a quarter. A company
with assets to keep (latent `fund_assets`) puts its surplus cash into bonds, funds and asset
management plans through securities firms and fund managers. All are online transfers with the
counterparty named, at another bank, seen on the company's account with us — rarely when it
settles elsewhere. `growth`, `capex` and `fund_assets` also drive the working-capital loan,
financial-leasing and custody propensities (`propensity.CORPORATE_WEIGHTS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate import text, vocab
from crosslink.generate.linkflows import (
    Counterparties,
    counterparties,
    counterparty_legs,
    loan_legs,
)
from crosslink.generate.rng import lognormal_mean
from crosslink.generate.transactions import Day, Part

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

FACTORING_PER_DAY = 0.4         # × growth²: about 3 legs a month at growth 0.5
REPAYMENT_SHARE = 0.75          # of the legs; an advance is 3x a repayment on average
REPAYMENT_TURNOVER_SHARE = 0.005  # mean repayment at growth 1.0, as a share of annual turnover
EQUIPMENT_PER_DAY = 0.15        # × capex²: about one purchase a month at capex 0.45
EQUIPMENT_TURNOVER_SHARE = 0.01   # mean purchase, as a share of annual turnover
SECURITIES_PER_DAY = 0.25      # × fund_assets²: about 2 subscriptions a month at 0.5
SECURITIES_TURNOVER_SHARE = 0.02  # mean subscription at fund_assets 1.0, as a share of turnover
SEEN_ELSEWHERE = 0.15           # rate factor for a company whose main account is elsewhere

FACTORS = counterparties(vocab.FACTORS, 301)
VENDORS = counterparties(vocab.EQUIPMENT_VENDORS, 401)
SECURITIES_FIRMS = counterparties(vocab.SECURITIES_FIRMS, 501)


def financing_day(bank: Bank, day: Day) -> list[Part]:
    return [_factoring(bank, day), _equipment(bank, day), _securities(bank, day)]


def _companies(bank: Bank, rng, rate: np.ndarray) -> np.ndarray:
    """Company rows with a leg today, at `rate` (per day) where they settle with us."""
    co = bank.companies
    seen = rate * np.where(co.settles_here, 1.0, SEEN_ELSEWHERE)
    return np.flatnonzero(rng.random(co.n) < seen)


def _factoring(bank: Bank, day: Day) -> Part:
    rng = day.rng("financing", "factoring")
    co = bank.companies
    comp = _companies(bank, rng, FACTORING_PER_DAY * co.growth ** 2)
    mean = co.turnover[comp] * REPAYMENT_TURNOVER_SHARE * co.growth[comp]
    return loan_legs(bank, rng, bank.persons.n + comp, mean, FACTORS,
                     (vocab.FACTORING_REPAYMENT_MEMOS, vocab.FACTORING_DRAWDOWN_MEMOS),
                     vocab.DEVICES_CORPORATE, repayment_share=REPAYMENT_SHARE, minimum=1000,
                     decimals=-2)


def _equipment(bank: Bank, day: Day) -> Part:
    rng = day.rng("financing", "equipment")
    co = bank.companies
    comp = _companies(bank, rng, EQUIPMENT_PER_DAY * co.capex ** 2)
    mean = co.turnover[comp] * EQUIPMENT_TURNOVER_SHARE
    return _payments(bank, rng, comp, mean, 5000, -2, VENDORS, vocab.EQUIPMENT_MEMOS)


def _securities(bank: Bank, day: Day) -> Part:
    rng = day.rng("financing", "securities")
    co = bank.companies
    comp = _companies(bank, rng, SECURITIES_PER_DAY * co.fund_assets ** 2)
    mean = co.turnover[comp] * SECURITIES_TURNOVER_SHARE * co.fund_assets[comp]
    return _payments(bank, rng, comp, mean, 50_000, -4, SECURITIES_FIRMS, vocab.SECURITIES_MEMOS)


def _payments(bank: Bank, rng, comp, mean, minimum: float, decimals: int,
              parties: Counterparties, memos) -> Part:
    """Round payments (lognormal around `mean`, at least `minimum`) from companies `comp` to
    one of `parties` each."""
    n = len(comp)
    amount = np.round(np.maximum(lognormal_mean(rng, mean, 0.6), minimum), decimals)
    which = rng.integers(0, len(parties.names), size=n)
    return counterparty_legs(bank, rng, bank.persons.n + comp, amount, np.zeros(n, dtype=bool),
                             parties, which, text.choose(rng, memos, n), vocab.DEVICES_CORPORATE)
