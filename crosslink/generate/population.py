"""The bank's people and organisation: branches, staff, customers and their latent traits.

Latent traits (income, wealth, digital affinity, trade activity, ...) are drawn once and drive
both the generated behaviour (channel mix, amounts, balances) and the true propensities, so a
pipeline that finds the behaviour can recover the propensity. Index spaces: customers are
0..n-1 with persons first (person i = customer i) and companies after them
(company j = customer n_person + j).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from crosslink.config import GeneratorConfig, OrganisationConfig
from crosslink.generate import text, vocab
from crosslink.generate.rng import lognormal_mean
from crosslink.sources import (
    CORPORATE_SEGMENTS,
    INDUSTRIES,
    MERCHANT_CATEGORIES,
    RETAIL_SEGMENTS,
    STAFF_ROLES,
)

SEGMENTS = RETAIL_SEGMENTS + CORPORATE_SEGMENTS
DAY = np.timedelta64(1, "D")
TRADING_INDUSTRIES = ("wholesale_trade", "manufacturing", "logistics")
CAPEX_INDUSTRIES = ("manufacturing", "logistics", "construction", "healthcare", "agriculture")
CUSTODY_INDUSTRIES = ("real_estate", "professional_services", "technology")
CONSUMER_INDUSTRIES = ("retail_trade", "hospitality", "healthcare", "education",
                       "professional_services")
INDUSTRY_WEIGHTS = (0.14, 0.14, 0.10, 0.09, 0.07, 0.10, 0.08, 0.05, 0.05, 0.04, 0.05, 0.09)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def zscore(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def increasing_numbers(rng: np.random.Generator, n: int, start: int, max_step: int) -> np.ndarray:
    """Unique, increasing, irregular serial numbers (ids look issued over time, not 1, 2, 3)."""
    return start + np.cumsum(rng.integers(1, max_step + 1, size=n))


def industry_mask(industry: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    return np.isin(industry, [INDUSTRIES.index(n) for n in names])


# --- organisation ----------------------------------------------------------------------------
@dataclass
class Branches:
    ids: pa.Array
    names: pa.Array
    cities: pa.Array
    opened: np.ndarray          # datetime64[D]

    @property
    def n(self) -> int:
        return len(self.ids)


def build_branches(rng: np.random.Generator, n_customers: int, gen: GeneratorConfig,
                   start: np.datetime64) -> Branches:
    """≈ branches_per_10k_customers branches, at least 2 and at most 999 (BR + 3 digits)."""
    n = int(np.clip(round(n_customers / 10_000 * gen.branches_per_10k_customers), 2, 999))
    city = rng.integers(0, len(vocab.CITIES), size=n)
    district = rng.permutation(np.arange(n)) % len(vocab.DISTRICTS)
    cities = text.take(text.options(vocab.CITIES), city)
    suffix = np.where(np.arange(n) < len(vocab.DISTRICTS), "", (np.arange(n) // 20).astype(str))
    names = text.concat(cities, text.take(text.options(vocab.DISTRICTS), district),
                        pa.array(suffix, text.STR), "支行")
    opened = start - rng.integers(3 * 365, 30 * 365, size=n) * DAY
    return Branches(text.fmt_ids("BR", np.arange(1, n + 1), 3), names, cities, opened)


@dataclass
class Staff:
    ids: pa.Array
    names: pa.Array
    role: np.ndarray            # index into sources.STAFF_ROLES
    unit: pa.Array              # branch id, or specialist centre code
    branch: np.ndarray          # branch index, -1 for centres
    capacity: np.ndarray
    hired: np.ndarray
    active: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    def members(self, role: str, n_branches: int) -> np.ndarray:
        """[branch, k] -> active staff index of `role` in that branch, -1 padded."""
        pick = np.flatnonzero((self.role == STAFF_ROLES.index(role)) & self.active
                              & (self.branch >= 0))
        counts = np.bincount(self.branch[pick], minlength=n_branches)
        table = np.full((n_branches, max(1, counts.max(initial=0))), -1, dtype=np.int64)
        order = pick[np.argsort(self.branch[pick], kind="stable")]
        slot = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
        table[self.branch[order], slot] = order
        return table


def build_staff(rng: np.random.Generator, branches: Branches, gen: GeneratorConfig,
                org: OrganisationConfig, start: np.datetime64) -> Staff:
    """Staff per role in every branch, specialists in every centre, capacity ±20% per person."""
    per_branch = [(STAFF_ROLES.index(r), c) for r, c in gen.staff_per_branch.items() if c > 0]
    roles_one = np.array([r for r, c in per_branch for _ in range(c)], dtype=np.int8)
    role = np.tile(roles_one, branches.n)
    branch = np.repeat(np.arange(branches.n), len(roles_one))
    unit = text.take(branches.ids, branch)
    centres = [c.code for c in org.specialist_centres]
    n_spec = len(centres) * gen.specialists_per_centre
    role = np.concatenate([role, np.full(n_spec, STAFF_ROLES.index("specialist_centre"),
                                         dtype=np.int8)])
    branch = np.concatenate([branch, np.full(n_spec, -1)])
    unit = pa.concat_arrays([unit, text.options(np.repeat(centres, gen.specialists_per_centre)
                                                 .tolist())])
    n = len(role)
    caps = {r.name: r.daily_capacity for r in org.roles}
    base = np.array([caps.get(STAFF_ROLES[r], 5) for r in role], dtype=np.float64)
    capacity = np.maximum(1, np.round(base * rng.uniform(0.8, 1.2, size=n))).astype(np.int64)
    return Staff(ids=text.fmt_ids("S", 10001 + np.arange(n), 5), names=text.person_names(rng, n),
                 role=role, unit=unit, branch=branch, capacity=capacity,
                 hired=start - rng.integers(30, 20 * 365, size=n) * DAY,
                 active=rng.random(n) > 0.03)


# --- persons -----------------------------------------------------------------------------------
@dataclass
class Persons:
    n: int
    age: np.ndarray
    income: np.ndarray          # monthly CNY (salary, pension or other regular inflow)
    wealth: np.ndarray          # financial assets, CNY
    digital: np.ndarray         # 0..1 affinity to electronic channels
    wechat: np.ndarray          # 0..1 affinity to WeChat payments
    risk_tolerance: np.ndarray
    activity: np.ndarray        # multiplier on the daily transaction rate (0: dormant)
    save_rate: np.ndarray       # share of income not spent: its savings plan (saving.py)
    credit_need: np.ndarray
    home_need: np.ndarray
    travel: np.ndarray
    luxury: np.ndarray
    spend: np.ndarray           # card-spending intensity
    children: np.ndarray        # bool
    dormant: np.ndarray         # bool
    category_weights: np.ndarray  # [n, len(MERCHANT_CATEGORIES)]
    personal_day: np.ndarray    # day of month of non-payroll regular credits
    employer: np.ndarray        # company index paying this person's salary, -1
    ext_employer: np.ndarray    # index into Externals.employer_*, -1
    income_source: np.ndarray   # 0 client payroll, 1 external salary, 2 pension, 3 other


INCOME_CLIENT, INCOME_EXTERNAL, INCOME_PENSION, INCOME_OTHER = range(4)


def build_persons(rng: np.random.Generator, n: int) -> Persons:
    """Draw latent traits of people; employment and segments are settled later with links."""
    age = 18 + 67 * rng.beta(2.0, 3.0, size=n)
    digital = sigmoid(2.2 - 0.075 * (age - 25) + rng.normal(0, 0.9, size=n))
    wechat = sigmoid(0.6 + 3.5 * (digital - 0.5) + rng.normal(0, 1.2, size=n))
    log_income = np.log(6000) + rng.normal(0, 0.55, size=n) + 0.012 * np.clip(age - 22, 0, 25)
    income = np.exp(log_income)
    wealth = income * 12 * np.exp(0.025 * np.clip(age - 25, 0, 40) + rng.normal(0, 1.1, size=n))
    credit_need = rng.beta(1.3, 4.0, size=n) * np.where(age < 40, 1.3, 0.7)
    home_need = ((age >= 26) & (age <= 42)) * rng.beta(2.0, 3.0, size=n)
    save_rate = np.clip(rng.normal(0.15, 0.12, size=n) - 0.25 * credit_need
                        + 0.15 * home_need, -0.3, 0.6)
    children = (age >= 28) & (age <= 52) & (rng.random(n) < 0.6)
    dormant = rng.random(n) < 0.03
    activity = np.where(dormant, 0.0, lognormal_mean(rng, 1.0, 0.6, size=n))
    activity *= np.where(age > 70, 0.6, 1.0)
    wealth_rank = np.argsort(np.argsort(wealth)) / max(n - 1, 1)
    travel = np.clip(rng.beta(1.2, 5.0, size=n) + 0.25 * wealth_rank, 0, 1)
    luxury = np.clip(rng.beta(1.0, 9.0, size=n) + 0.35 * wealth_rank ** 4, 0, 1)
    spend = rng.beta(2.0, 3.0, size=n)
    return Persons(
        n=n, age=age, income=income, wealth=wealth, digital=digital, wechat=wechat,
        risk_tolerance=rng.beta(2.0, 2.0, size=n), activity=activity, save_rate=save_rate,
        credit_need=credit_need, home_need=home_need, travel=travel, luxury=luxury, spend=spend,
        children=children, dormant=dormant,
        category_weights=_category_weights(rng, age, digital, travel, luxury, children),
        personal_day=rng.integers(1, 29, size=n), employer=np.full(n, -1),
        ext_employer=np.full(n, -1), income_source=np.full(n, INCOME_OTHER, dtype=np.int8))


def _category_weights(rng, age, digital, travel, luxury, children) -> np.ndarray:
    """Spending mix over MERCHANT_CATEGORIES: what a person buys is a visible trait signal."""
    n = len(age)
    car = rng.random(n) < 0.45
    cols = {
        "groceries": np.full(n, 1.0), "dining": 0.3 + 0.7 * digital, "travel": 2.0 * travel,
        "fuel": 0.6 * car, "luxury": 1.5 * luxury, "education": 0.8 * children,
        "healthcare": 0.1 + 0.6 * (age > 60), "electronics": 0.15 + 0.4 * digital,
        "utilities": np.full(n, 0.35), "entertainment": 0.1 + 0.5 * (age < 35),
    }
    w = np.column_stack([np.asarray(cols[c], dtype=np.float64) for c in MERCHANT_CATEGORIES])
    return (w * rng.gamma(4.0, 0.25, size=w.shape)).astype(np.float32)


def settle_incomes(rng: np.random.Generator, persons: Persons, n_ext_employers: int) -> None:
    """After links have set employers: external salaries, pensions, other regular inflows."""
    free = persons.employer < 0
    working = free & (persons.age >= 22) & (persons.age < 60) & (rng.random(persons.n) < 0.6)
    persons.ext_employer[working] = rng.integers(0, n_ext_employers, size=int(working.sum()))
    retired = free & ~working & (persons.age >= 60)
    persons.income_source[:] = INCOME_OTHER
    persons.income_source[persons.employer >= 0] = INCOME_CLIENT
    persons.income_source[working] = INCOME_EXTERNAL
    persons.income_source[retired] = INCOME_PENSION
    persons.income[retired] = lognormal_mean(rng, 3800.0, 0.35, size=int(retired.sum()))
    other = persons.income_source == INCOME_OTHER
    persons.income[other] *= 0.6


def segment_persons(persons: Persons) -> np.ndarray:
    """Retail segment by wealth rank: top 1.5% private, next 11% affluent, rest mass."""
    rank = np.argsort(np.argsort(persons.wealth, kind="stable"), kind="stable")
    share = (persons.n - rank) / max(persons.n, 1)
    return np.where(share <= 0.015, 2, np.where(share <= 0.125, 1, 0)).astype(np.int8)


def person_risk_ratings(persons: Persons) -> np.ndarray:
    tol = persons.risk_tolerance + 0.1 * zscore(np.log(persons.wealth)) - 0.004 * (persons.age - 40)
    return np.clip(1 + np.floor(np.clip(tol, 0, 0.999) * 5), 1, 5).astype(np.int8)


# --- companies ---------------------------------------------------------------------------------
@dataclass
class Companies:
    n: int
    segment: np.ndarray         # 0 micro, 1 sme, 2 large
    industry: np.ndarray        # index into sources.INDUSTRIES
    headcount: np.ndarray
    turnover: np.ndarray        # annual CNY
    wage: np.ndarray            # typical monthly salary paid
    trade: np.ndarray           # 0..1 foreign-trade intensity
    growth: np.ndarray          # working-capital need
    capex: np.ndarray           # equipment need (leasing)
    fund_assets: np.ndarray     # assets needing custody
    activity: np.ndarray
    settles_here: np.ndarray    # bool: main settlement (basic account) is with us
    payroll_here: np.ndarray    # bool: pays salaries from its account with us
    payday: np.ndarray          # day of month salaries are paid
    other_bank: np.ndarray      # index into vocab.OTHER_BANKS: where it banks elsewhere
    ext_account: pa.Array       # its account number at that bank
    founded: np.ndarray
    risk: np.ndarray


def build_companies(rng: np.random.Generator, n: int, gen: GeneratorConfig,
                    start: np.datetime64) -> Companies:
    """Companies by size class; trade, settlement and payroll habits drive corporate needs."""
    segment = rng.choice(3, size=n, p=[0.62, 0.30, 0.08]).astype(np.int8)
    lo, hi, med = np.array([2, 20, 300]), np.array([20, 300, 5000]), np.array([6, 70, 900])
    headcount = np.clip(np.round(med[segment] * rng.lognormal(0, 0.6, size=n)), lo[segment],
                        hi[segment]).astype(np.int64)
    industry = rng.choice(len(INDUSTRIES), size=n, p=np.array(INDUSTRY_WEIGHTS)
                          / sum(INDUSTRY_WEIGHTS)).astype(np.int8)
    trading = industry_mask(industry, TRADING_INDUSTRIES)
    large = segment == 2
    settles_here = rng.random(n) < np.where(large, 0.85, 0.78)
    p_payroll = min(1.0, gen.payroll_through_us / 0.79)
    payday = (np.full(n, gen.payday) if gen.payday is not None
              else rng.integers(1, 29, size=n))
    other_bank = rng.integers(0, len(vocab.OTHER_BANKS), size=n).astype(np.int8)
    return Companies(
        n=n, segment=segment, industry=industry, headcount=headcount,
        turnover=headcount * lognormal_mean(rng, 450_000.0, 0.6, size=n),
        wage=lognormal_mean(rng, 7000.0, 0.3, size=n),
        trade=np.clip(rng.beta(0.7, 3.0, size=n) + 0.35 * trading, 0, 1),
        growth=rng.beta(2.0, 4.0, size=n),
        capex=np.clip(rng.beta(1.5, 4.0, size=n)
                      + 0.3 * industry_mask(industry, CAPEX_INDUSTRIES), 0, 1),
        fund_assets=np.clip(rng.beta(1.0, 6.0, size=n) + 0.3 * large
                            + 0.25 * industry_mask(industry, CUSTODY_INDUSTRIES), 0, 1),
        activity=lognormal_mean(rng, 1.0, 0.5, size=n), settles_here=settles_here,
        payroll_here=settles_here & (rng.random(n) < p_payroll), payday=payday,
        other_bank=other_bank, ext_account=text.external_accounts(rng, other_bank),
        founded=start - np.round(365 * (1 + rng.lognormal(1.6, 0.7, size=n))
                                 * (1 + large)).astype(np.int64) * DAY,
        risk=np.clip(1 + np.floor(rng.beta(2.5, 2.0, size=n) * 5), 1, 5).astype(np.int8))


# --- the customer master -----------------------------------------------------------------------
@dataclass
class Customers:
    n_person: int
    n_company: int
    ids: pa.Array
    names: pa.Array
    segment: np.ndarray         # index into SEGMENTS
    branch: np.ndarray
    manager: np.ndarray         # staff index, -1
    risk: np.ndarray            # 1..5
    kyc: np.ndarray
    since: np.ndarray
    birth: np.ndarray           # NaT for companies
    founded: np.ndarray         # NaT for persons

    @property
    def n(self) -> int:
        return self.n_person + self.n_company

    @property
    def is_company(self) -> np.ndarray:
        return np.arange(self.n) >= self.n_person


def build_customers(rng: np.random.Generator, persons: Persons, companies: Companies,
                    names: pa.Array, branches: Branches, start: np.datetime64) -> Customers:
    """Master data of every customer (ids, names, segment, branch, risk, KYC, since)."""
    n_p, n_c = persons.n, companies.n
    ids = pa.concat_arrays([
        text.fmt_ids("P", increasing_numbers(rng, n_p, 10_000_000, 40), 8),
        text.fmt_ids("C", increasing_numbers(rng, n_c, 10_000_000, 400), 8)])
    branch_weight = rng.lognormal(0, 0.5, size=branches.n)
    branch = rng.choice(branches.n, size=n_p + n_c, p=branch_weight / branch_weight.sum())
    birth = start - np.round(persons.age * 365.25).astype(np.int64) * DAY
    tenure_p = np.floor(rng.random(n_p) * np.minimum(persons.age - 18, 25) * 365).astype(int)
    company_age = ((start - companies.founded) / DAY).astype(np.int64)
    tenure_c = np.floor(rng.random(n_c) * np.maximum(company_age - 30, 1)).astype(np.int64)
    nat = np.full(n_p + n_c, np.datetime64("NaT"), dtype="datetime64[D]")
    birth_all, founded_all = nat.copy(), nat.copy()
    birth_all[:n_p], founded_all[n_p:] = birth, companies.founded
    return Customers(
        n_person=n_p, n_company=n_c, ids=ids, names=names,
        segment=np.concatenate([segment_persons(persons),
                                3 + companies.segment]).astype(np.int8),
        branch=branch, manager=np.full(n_p + n_c, -1),
        risk=np.concatenate([person_risk_ratings(persons), companies.risk]),
        kyc=rng.random(n_p + n_c) < 0.97,
        since=start - np.concatenate([tenure_p + 1, tenure_c + 1]) * DAY,
        birth=birth_all, founded=founded_all)


def assign_managers(rng: np.random.Generator, customers: Customers, staff: Staff,
                    n_branches: int) -> None:
    """Owning manager from the home branch: wealth advisors for the wealthy, retail RMs for some
    of the mass market, corporate RMs for most companies; many customers have none."""
    seg = customers.segment
    u = rng.random(customers.n)
    role = np.full(customers.n, -1)
    role[(seg == 2) & (u < 0.95)] = STAFF_ROLES.index("wealth_advisor")
    role[(seg == 1) & (u < 0.6)] = STAFF_ROLES.index("wealth_advisor")
    role[(seg == 1) & (u >= 0.6) & (u < 0.9)] = STAFF_ROLES.index("retail_rm")
    role[(seg == 0) & (u < 0.3)] = STAFF_ROLES.index("retail_rm")
    role[(seg >= 3) & (u < 0.92)] = STAFF_ROLES.index("corporate_rm")
    for r in np.unique(role[role >= 0]):
        table = staff.members(STAFF_ROLES[r], n_branches)
        who = np.flatnonzero(role == r)
        sizes = (table >= 0).sum(axis=1)[customers.branch[who]]
        slot = np.floor(rng.random(len(who)) * np.maximum(sizes, 1)).astype(np.int64)
        customers.manager[who] = np.where(sizes > 0, table[customers.branch[who], slot], -1)


# --- counterparties outside the bank -----------------------------------------------------------
@dataclass
class Externals:
    """People, companies and merchants that are not our customers (transaction counterparties)."""
    person_names: pa.Array
    person_accounts: pa.Array
    person_banks: pa.Array
    company_names: pa.Array     # never equal to one of our companies' names
    company_accounts: pa.Array
    company_banks: pa.Array
    employer_payday: np.ndarray  # first len(employer_payday) external companies employ people
    merchant_ids: pa.Array
    merchant_category: np.ndarray
    merchant_mcc: pa.Array

    @property
    def n_employers(self) -> int:
        return len(self.employer_payday)


def build_externals(rng: np.random.Generator, n_persons: int, company_names: pa.Array,
                    n_customers: int) -> Externals:
    n_ext = max(300, n_persons // 5)
    banks = text.bank_codes()
    pb = rng.integers(0, len(vocab.OTHER_BANKS), size=n_ext)
    cb = rng.integers(0, len(vocab.OTHER_BANKS), size=len(company_names))
    per_cat = max(10, n_customers // 1000)
    cat = np.repeat(np.arange(len(MERCHANT_CATEGORIES)), per_cat)
    mcc = np.empty(len(cat), dtype=object)
    for k, c in enumerate(MERCHANT_CATEGORIES):
        codes = vocab.POS_CATEGORIES[c][1]
        mcc[cat == k] = np.asarray(codes, dtype=object)[np.arange(per_cat) % len(codes)]
    return Externals(
        person_names=text.person_names(rng, n_ext),
        person_accounts=text.external_accounts(rng, pb), person_banks=text.take(banks, pb),
        company_names=company_names, company_accounts=text.external_accounts(rng, cb),
        company_banks=text.take(banks, cb),
        employer_payday=rng.integers(1, 29, size=max(20, len(company_names) // 4)),
        merchant_ids=text.fmt_ids("M", increasing_numbers(rng, len(cat), 10**11, 97), 12),
        merchant_category=cat, merchant_mcc=pa.array(mcc, text.STR))
