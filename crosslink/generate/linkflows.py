"""Flows that reveal person–company links, and the noise that makes finding them non-trivial.

Revealing: monthly salaries on each employer's payday (both legs when the company pays through
us, only the employee's credit — named after the company, memo with SALARY — when it pays from
another bank) and owners' large transfers between their own and their company's accounts.
Noise: salaries from companies that are not our customers, pensions, family support, people
buying from our companies (mostly small, a few large one-offs, some in two instalments),
refunds, contractors' one-off fees and part-time wages (memo says SALARY, but no link),
expense reimbursements and shareholders' dividends.
Every leg between a person and one of our companies carries evidence flags so the truth can
say what the generated data actually reveals (`truth.link_truth`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.generate import text, vocab
from crosslink.generate.links import LEGAL_REP, OWNER, SHAREHOLDER
from crosslink.generate.population import (
    CONSUMER_INDUSTRIES,
    INCOME_OTHER,
    INCOME_PENSION,
    industry_mask,
)
from crosslink.generate.rng import lognormal_mean
from crosslink.generate.transactions import EV_NONE, EV_SALARY, EV_TRANSFER, Day, Part, pair

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

BATCH_SIZE = 200            # staff per payroll batch leg for employees who bank elsewhere
PENSION_DAY = 15
PENSION_ACCOUNT = "32050000000000000001"
BIG_PURCHASE_INDUSTRIES = ("construction", "retail_trade", "education", "hospitality")


def _main(bank: Bank, cust: np.ndarray) -> np.ndarray:
    return bank.book.main_acct[cust]


def _company_time(rng, n_companies: int) -> np.ndarray:
    """Each company runs its payroll batch at one moment of the morning."""
    return 8 * 3600 + rng.integers(0, 3 * 3600, size=n_companies)


def single_leg(bank: Bank, cust, amount, sec, incoming, cols, evidence=None) -> Part:
    """A leg on one of our accounts whose counterparty is outside (or not shown)."""
    n = len(cust)
    cols = {"direction": text.take(text.options(("D", "C")), incoming.astype(int)),
            "amount": amount, "currency": "CNY", **cols}
    part = Part("online_txn", cust, _main(bank, cust), sec, np.where(incoming, amount, -amount),
                cols)
    if evidence is not None:
        part.ev_person, part.ev_company, part.ev_kind = evidence
    elif n:
        part.ev_person = part.ev_company = np.full(n, -1)
        part.ev_kind = np.zeros(n, dtype=np.int64)
    return part


class Counterparties(NamedTuple):
    """Named counterparties at other banks (lenders, agents, vendors): name, bank code and
    one account each, as options for `text.take`."""
    names: pa.Array
    banks: pa.Array
    accounts: pa.Array


def counterparties(table: Sequence[tuple[str, str]], first: int) -> Counterparties:
    """From a vocab table of (name, bank code); accounts numbered from `first` in each bank's
    format, so every counterparty has one stable account."""
    accounts = [f"{vocab.OTHER_BANKS[code][0]}{first + k:0>12}" for k, (_, code) in
                enumerate(table)]
    return Counterparties(text.options([name for name, _ in table]),
                          text.options([code for _, code in table]), text.options(accounts))


def counterparty_legs(bank: Bank, rng, cust, amount, incoming, parties: Counterparties,
                      which, memo, devices: Sequence[str]) -> Part:
    """Online transfers between our customers `cust` and the named outside counterparties
    `parties[which]`, during the day (07:00-22:00)."""
    n = len(cust)
    cols = {"txn_type": "transfer", "memo": memo,
            "counterparty_account": text.take(parties.accounts, which),
            "counterparty_name": text.take(parties.names, which),
            "counterparty_bank": text.take(parties.banks, which),
            "device": text.choose(rng, devices, n)}
    sec = 7 * 3600 + rng.integers(0, 15 * 3600, size=n)
    return single_leg(bank, cust, amount, sec, incoming, cols)


def loan_legs(bank: Bank, rng, cust, repayment_mean, parties: Counterparties,
              memos: tuple[Sequence[str], Sequence[str]], devices: Sequence[str], *,
              repayment_share: float, minimum: float, decimals: int) -> Part:
    """A credit line at an outside lender, one leg per customer of `cust`: a repayment
    (share `repayment_share`, mean `repayment_mean`) or a drawdown three times as large,
    at least `minimum`, rounded to `decimals` (numpy's, e.g. -2: hundreds); the lender drawn
    from `parties`, the memo from `memos` (repayment, drawdown)."""
    n = len(cust)
    repay = rng.random(n) < repayment_share
    mean = np.maximum(repayment_mean * np.where(repay, 1.0, 3.0), minimum)
    amount = np.round(np.maximum(lognormal_mean(rng, mean, 0.5), minimum), decimals)
    which = rng.integers(0, len(parties.names), size=n)
    repayment_memos, drawdown_memos = memos
    memo = pc.if_else(pa.array(repay), text.choose(rng, repayment_memos, n),
                      text.choose(rng, drawdown_memos, n))
    return counterparty_legs(bank, rng, cust, amount, ~repay, parties, which, memo, devices)


def _as_company(bank: Bank, comp: np.ndarray) -> dict:
    """Counterparty fields of one of our companies paying/receiving from its other bank."""
    co = bank.companies
    return {"counterparty_account": text.take(co.ext_account, comp),
            "counterparty_name": text.take(bank.customers.names, bank.persons.n + comp),
            "counterparty_bank": text.take(text.bank_codes(), co.other_bank[comp])}


def _transfer_flag(bank: Bank, amount: np.ndarray) -> np.ndarray:
    return np.where(amount >= bank.linkage.owner_transfer_min_amount, EV_TRANSFER, EV_NONE)


def person_company(bank: Bank, rng, person, comp, amount, sec, to_company, debit_cols,
                   credit_cols) -> list[Part]:
    """Money between a person and one of our companies: both legs when the company's main
    account is with us, else only the person's leg (counterparty = the company at its bank)."""
    n_p, co = bank.persons.n, bank.companies
    internal = co.settles_here[comp]
    flag = _transfer_flag(bank, amount)
    i = internal
    payer = np.where(to_company[i], person[i], n_p + comp[i])
    payee = np.where(to_company[i], n_p + comp[i], person[i])
    parts = [pair(bank, "online_txn", payer, _main(bank, payer), payee, _main(bank, payee),
                  amount[i], sec[i], _cut(debit_cols, i), _cut(credit_cols, i),
                  evidence=(person[i], comp[i], flag[i]))]
    e = ~internal
    own = {k: _pick(to_company[e], _cut(debit_cols, e).get(k), _cut(credit_cols, e).get(k))
           for k in sorted({*debit_cols, *credit_cols})}
    own.pop("device", None)
    parts.append(single_leg(bank, person[e], amount[e], sec[e], ~to_company[e],
                         {**own, **_as_company(bank, comp[e])},
                         (person[e], comp[e], flag[e])))
    return parts


def _cut(cols: dict, mask: np.ndarray) -> dict:
    return {k: (v.filter(pa.array(mask)) if isinstance(v, pa.Array) else v)
            for k, v in cols.items()}


def _pick(mask, a, b):
    """Per record a (where mask) else b, for scalars or arrays."""
    if not isinstance(a, pa.Array) and not isinstance(b, pa.Array):
        if a == b:
            return a
    n = len(mask)
    arr = [v if isinstance(v, pa.Array) else pa.array(np.full(n, v, dtype=object), text.STR)
           for v in (a, b)]
    return pc.if_else(pa.array(mask), arr[0], arr[1])


# --- salaries and other regular income ---------------------------------------------------------
def salary_day(bank: Bank, day: Day) -> list[Part]:
    rng = day.rng("salary")
    p, co, n_p = bank.persons, bank.companies, bank.persons.n
    when = _company_time(day.rng("salary", "time"), co.n)
    paid = np.flatnonzero(p.employer >= 0)
    due = paid[co.payday[p.employer[paid]] == day.dom]
    comp = p.employer[due]
    amount = np.round(p.income[due] * lognormal_mean(rng, 1.0, 0.03, size=len(due)), 2)
    here = co.payroll_here[comp]
    memo = text.month_memos(rng, vocab.SALARY_MEMOS, day.ym, len(due))
    device = text.choose(rng, vocab.DEVICES_CORPORATE, int(here.sum()))
    parts = [pair(bank, "online_txn", n_p + comp[here], _main(bank, n_p + comp[here]), due[here],
                  _main(bank, due[here]), amount[here], when[comp[here]],
                  {"txn_type": "payroll", "memo": vocab.PAYROLL_DEBIT_MEMO.format(ym=day.ym),
                   "device": device},
                  {"txn_type": "payroll", "memo": memo.filter(pa.array(here))},
                  evidence=(due[here], comp[here], np.full(int(here.sum()), EV_SALARY)))]
    e = ~here
    parts.append(single_leg(bank, due[e], amount[e], when[comp[e]], np.ones(int(e.sum()), bool),
                         {"txn_type": "transfer", "memo": memo.filter(pa.array(e)),
                          **_as_company(bank, comp[e])},
                         (due[e], comp[e], np.full(int(e.sum()), EV_SALARY))))
    parts.append(_payroll_batches(bank, rng, day, when))
    parts += _other_income(bank, day)
    return parts


def _payroll_batches(bank: Bank, rng, day: Day, when: np.ndarray) -> Part:
    """Debits for staff who bank elsewhere, in batches, from companies paying through us."""
    co, p = bank.companies, bank.persons
    ours = np.bincount(p.employer[p.employer >= 0], minlength=co.n)
    today = np.flatnonzero(co.payroll_here & (co.payday == day.dom))
    others = np.maximum(co.headcount[today] - ours[today], 0)
    legs = -(-others // BATCH_SIZE)
    comp = np.repeat(today, legs)
    first = np.repeat(np.cumsum(legs) - legs, legs)
    k = np.arange(len(comp)) - first
    heads = np.minimum(BATCH_SIZE, np.repeat(others, legs) - k * BATCH_SIZE)
    amount = np.round(heads * co.wage[comp] * lognormal_mean(rng, 1.0, 0.05, size=len(comp)), 2)
    cust = p.n + comp
    return single_leg(bank, cust, amount, when[comp], np.zeros(len(comp), bool),
                   {"txn_type": "payroll", "memo": vocab.PAYROLL_BATCH_MEMO.format(ym=day.ym),
                    "device": text.choose(rng, vocab.DEVICES_CORPORATE, len(comp))})


def _other_income(bank: Bank, day: Day) -> list[Part]:
    """Salaries from employers that are not our customers, pensions, family support."""
    rng = day.rng("income")
    p, ext = bank.persons, bank.externals
    ext_paid = np.flatnonzero(p.ext_employer >= 0)
    ext_due = ext_paid[ext.employer_payday[p.ext_employer[ext_paid]] == day.dom]
    employer = p.ext_employer[ext_due]
    n = len(ext_due)
    amount = np.round(p.income[ext_due] * lognormal_mean(rng, 1.0, 0.03, size=n), 2)
    parts = [single_leg(bank, ext_due, amount, 9 * 3600 + rng.integers(0, 4 * 3600, size=n),
                     np.ones(n, bool),
                     {"txn_type": "transfer",
                      "memo": text.month_memos(rng, vocab.SALARY_MEMOS, day.ym, n),
                      "counterparty_account": text.take(ext.company_accounts, employer),
                      "counterparty_name": text.take(ext.company_names, employer),
                      "counterparty_bank": text.take(ext.company_banks, employer)})]
    if day.dom == PENSION_DAY:
        who = np.flatnonzero(p.income_source == INCOME_PENSION)
        parts.append(single_leg(bank, who, np.round(p.income[who], 2),
                             6 * 3600 + rng.integers(0, 3600, size=len(who)),
                             np.ones(len(who), bool),
                             {"txn_type": "transfer", "memo": vocab.PENSION_MEMO.format(
                                 ym=day.ym), "counterparty_account": PENSION_ACCOUNT,
                              "counterparty_name": vocab.PENSION_PAYER,
                              "counterparty_bank": "PCBC"}))
    who = np.flatnonzero((p.income_source == INCOME_OTHER) & (p.personal_day == day.dom))
    k = rng.integers(0, len(ext.person_names), size=len(who))
    parts.append(single_leg(bank, who, np.round(p.income[who] * lognormal_mean(
        rng, 1.0, 0.2, size=len(who)), -2).clip(100), 8 * 3600 + rng.integers(
        0, 14 * 3600, size=len(who)), np.ones(len(who), bool),
        {"txn_type": "transfer", "memo": text.choose(rng, vocab.FAMILY_MEMOS, len(who)),
         "counterparty_account": text.take(ext.person_accounts, k),
         "counterparty_name": text.take(ext.person_names, k),
         "counterparty_bank": text.take(ext.person_banks, k)}))
    return parts


# --- owners and shareholders -------------------------------------------------------------------
OWNER_DAILY_RATE = {OWNER: 0.10, LEGAL_REP: 0.012, SHAREHOLDER: 0.004}


def owner_day(bank: Bank, day: Day) -> list[Part]:
    """Owners move round sums between their and their company's accounts (both directions,
    ~3 a month); legal reps rarely; shareholders get an occasional dividend."""
    rng = day.rng("owners")
    links = bank.links
    rate = np.zeros(links.n)
    for kind, r in OWNER_DAILY_RATE.items():
        rate[links.kind == kind] = r
    idx = np.flatnonzero(rng.random(links.n) < rate)
    person, comp, kind = links.person[idx], links.company[idx], links.kind[idx]
    n = len(idx)
    amount = np.maximum(1000.0, np.round(lognormal_mean(rng, 70_000.0, 0.7, size=n), -3))
    dividend = kind == SHAREHOLDER
    to_company = ~dividend & (rng.random(n) < 0.5)
    memo = pa.array(np.where(dividend, vocab.DIVIDEND_MEMO,
                             np.asarray(vocab.OWNER_MEMOS, dtype=object)[
                                 rng.integers(0, len(vocab.OWNER_MEMOS), size=n)]), text.STR)
    sec = 8 * 3600 + rng.integers(0, 12 * 3600, size=n)
    cols = {"txn_type": "transfer", "memo": memo}
    return person_company(bank, rng, person, comp, amount, sec, to_company,
                          {**cols, "device": text.choose(rng, vocab.DEVICES_RETAIL, n)}, cols)


# --- noise -------------------------------------------------------------------------------------
def noise_day(bank: Bank, day: Day) -> list[Part]:
    rng = day.rng("noise")
    parts = _purchases(bank, day, rng)
    parts += _contractors(bank, day.rng("noise", "contractors"))
    parts += _reimbursements(bank, day.rng("noise", "reimburse"))
    return parts


def _company_choice(bank: Bank, rng, n: int, industries: tuple[str, ...]) -> np.ndarray:
    co = bank.companies
    w = np.sqrt(co.turnover) * (0.05 + industry_mask(co.industry, industries))
    return rng.choice(co.n, size=n, p=w / w.sum())


def _purchases(bank: Bank, day: Day, rng) -> list[Part]:
    """People paying our companies: small everyday ones, rare large one-offs (12% of which
    come back as a second instalment days later), and refunds."""
    p = bank.persons
    active = p.activity > 0
    small = np.flatnonzero(active & (rng.random(p.n) < 0.03))
    big = np.flatnonzero(active & (rng.random(p.n) < 0.0006))
    refund = np.flatnonzero(active & (rng.random(p.n) < 0.002))
    amount = np.concatenate([
        np.round(lognormal_mean(rng, 300.0, 1.0, size=len(small)), 2),
        np.round(lognormal_mean(rng, 50_000.0, 0.6, size=len(big)), -2)])
    comp = np.concatenate([_company_choice(bank, rng, len(small), CONSUMER_INDUSTRIES),
                           _company_choice(bank, rng, len(big), BIG_PURCHASE_INDUSTRIES)])
    person = np.concatenate([small, big])
    memo_choices = np.concatenate([np.asarray(vocab.PURCHASE_MEMOS, dtype=object)[
        rng.integers(0, len(vocab.PURCHASE_MEMOS), size=len(small))],
        np.asarray(vocab.BIG_PURCHASE_MEMOS, dtype=object)[
        rng.integers(0, len(vocab.BIG_PURCHASE_MEMOS), size=len(big))]])
    bank.schedule_instalments(rng, big, comp[len(small):], amount[len(small):], day.index)
    person, comp, amount, memo_choices = _add_due(bank, day, person, comp, amount, memo_choices)
    n = len(person)
    memo = pa.array(memo_choices, text.STR)
    kind = text.take(text.options(("payment", "transfer")),
                     ((amount >= 10_000) & (rng.random(n) < 0.6)).astype(int))
    parts = person_company(bank, rng, person, comp, amount,
                           8 * 3600 + rng.integers(0, 14 * 3600, size=n), np.ones(n, bool),
                           {"txn_type": kind, "memo": memo,
                            "device": text.choose(rng, vocab.DEVICES_RETAIL, n)},
                           {"txn_type": kind, "memo": memo})
    r_comp = _company_choice(bank, rng, len(refund), CONSUMER_INDUSTRIES)
    r_amount = np.round(lognormal_mean(rng, 150.0, 0.8, size=len(refund)), 2)
    parts += person_company(bank, rng, refund, r_comp, r_amount,
                            9 * 3600 + rng.integers(0, 9 * 3600, size=len(refund)),
                            np.zeros(len(refund), bool),
                            {"txn_type": "transfer", "memo": vocab.REFUND_MEMO},
                            {"txn_type": "transfer", "memo": vocab.REFUND_MEMO})
    return parts


def _add_due(bank: Bank, day: Day, person, comp, amount, memo):
    d_person, d_comp, d_amount = bank.due_instalments(day.index)
    return (np.concatenate([person, d_person]), np.concatenate([comp, d_comp]),
            np.concatenate([amount, d_amount]),
            np.concatenate([memo, np.full(len(d_person), "分期付款 INSTALMENT", dtype=object)]))


def _contractors(bank: Bank, rng) -> list[Part]:
    """Companies paying one-off fees to freelancers (half of them our customers); a quarter
    of these are part-time wages with a salary-like memo — no link, but they look like one."""
    co, p = bank.companies, bank.persons
    payer = np.flatnonzero(rng.random(co.n) < 0.02 * np.where(co.settles_here, 1.0, 0.3))
    n = len(payer)
    amount = np.round(lognormal_mean(rng, 6000.0, 0.7, size=n), 2)
    ours = rng.random(n) < 0.5
    person = rng.integers(0, p.n, size=n)
    memo = pc.if_else(pa.array(rng.random(n) < 0.25), text.lit(vocab.PART_TIME_MEMO),
                      text.choose(rng, vocab.CONTRACTOR_MEMOS, n))
    sec = 9 * 3600 + rng.integers(0, 9 * 3600, size=n)
    cols = {"txn_type": "transfer", "memo": memo.filter(pa.array(ours))}
    parts = person_company(bank, rng, person[ours], payer[ours], amount[ours], sec[ours],
                           np.zeros(int(ours.sum()), bool), cols, cols)
    ext = ~ours & co.settles_here[payer]
    k = rng.integers(0, len(bank.externals.person_names), size=int(ext.sum()))
    e = bank.externals
    parts.append(single_leg(bank, p.n + payer[ext], amount[ext], sec[ext],
                         np.zeros(int(ext.sum()), bool),
                         {"txn_type": "transfer", "memo": memo.filter(pa.array(ext)),
                          "counterparty_account": text.take(e.person_accounts, k),
                          "counterparty_name": text.take(e.person_names, k),
                          "counterparty_bank": text.take(e.person_banks, k)}))
    return parts


def _reimbursements(bank: Bank, rng) -> list[Part]:
    """Employers refunding staff expenses (not salary-like: irregular, REIMBURSEMENT memo)."""
    p = bank.persons
    who = np.flatnonzero((p.employer >= 0) & (rng.random(p.n) < 0.008))
    n = len(who)
    amount = np.round(lognormal_mean(rng, 1500.0, 0.6, size=n), 2)
    cols = {"txn_type": "transfer", "memo": vocab.REIMBURSE_MEMO}
    return person_company(bank, rng, who, p.employer[who], amount,
                          10 * 3600 + rng.integers(0, 7 * 3600, size=n), np.zeros(n, bool),
                          cols, cols)
