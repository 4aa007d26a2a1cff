"""Person–company links (the truth behind public–private linkage) and the CRM's partial view.

Employees are paid by their employer (the payroll flows in `flows_links`), owners move money
between their own and their company's accounts; the CRM extract knows most owners and legal
representatives but few employees, so the pipeline has to infer the rest from transactions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from crosslink.generate import text
from crosslink.generate.population import DAY, Companies, Persons
from crosslink.sources import LINK_TYPES

OWNER, LEGAL_REP, SHAREHOLDER, EXECUTIVE, EMPLOYEE = (LINK_TYPES.index(t) for t in LINK_TYPES)
PRIORITY = np.array([0, 1, 3, 2, 4])        # by LINK_TYPES index: which type wins for one pair
CRM_SHARE = np.array([0.8, 0.7, 0.5, 0.35, 0.04])   # by LINK_TYPES index


@dataclass
class Links:
    person: np.ndarray          # person index
    company: np.ndarray         # company index (customer index - n_person)
    kind: np.ndarray            # index into sources.LINK_TYPES
    in_crm: np.ndarray
    share_pct: np.ndarray       # NaN unless owner / shareholder
    since: np.ndarray
    ids: pa.Array               # L + 8 digits

    @property
    def n(self) -> int:
        return len(self.person)

    def of_kind(self, *kinds: int) -> np.ndarray:
        return np.flatnonzero(np.isin(self.kind, kinds))


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices drawn with probability ∝ weights (Efraimidis–Spirakis keys)."""
    keys = np.log(rng.random(len(weights))) / np.maximum(weights, 1e-12)
    k = min(k, len(weights))
    return np.sort(np.argpartition(-keys, k - 1)[:k]) if k > 0 else np.array([], dtype=np.int64)


def build_links(rng: np.random.Generator, persons: Persons, companies: Companies,
                employment_rate: float, start: np.datetime64) -> Links:
    """Draw employment, ownership and the other relations; sets `persons.employer`."""
    employees, employer = _employment(rng, persons, companies, employment_rate)
    persons.employer[employees] = employer
    companies.headcount[:] = np.maximum(companies.headcount,
                                        np.bincount(employer, minlength=companies.n))
    free = (persons.employer < 0) & (persons.age >= 25) & (persons.age <= 70)
    pool = np.flatnonzero(free)
    parts = [(employees, employer, np.full(len(employees), EMPLOYEE))]
    parts += _owners_and_reps(rng, persons, companies, pool)
    parts.append(_shareholders(rng, persons, companies))
    parts.append(_executives(rng, employees, employer, companies))
    person, company, kind = (np.concatenate([p[i] for p in parts]) for i in range(3))
    person, company, kind = _dedupe(person, company, kind)
    persons.wealth[person[kind == OWNER]] *= 3.0
    persons.wealth[person[kind == SHAREHOLDER]] *= 2.0
    n = len(person)
    share = np.full(n, np.nan)
    share[kind == OWNER] = np.round(rng.uniform(51, 100, size=int((kind == OWNER).sum())), 2)
    share[kind == SHAREHOLDER] = np.round(rng.uniform(2, 30, size=int((kind == SHAREHOLDER)
                                                                      .sum())), 2)
    company_days = ((start - companies.founded[company]) / DAY).astype(np.int64)
    offset = np.where(np.isin(kind, (OWNER, LEGAL_REP)), 0,
                      np.floor(rng.random(n) * company_days).astype(np.int64))
    since = np.minimum(companies.founded[company] + offset * DAY, start - DAY)
    numbers = 10_000_000 + np.cumsum(rng.integers(1, 30, size=n))
    return Links(person=person, company=company, kind=kind,
                 in_crm=rng.random(n) < CRM_SHARE[kind], share_pct=share, since=since,
                 ids=text.fmt_ids("L", numbers, 8))


def _employment(rng, persons: Persons, companies: Companies, rate: float):
    """employment_rate of people work for one of our companies, chosen ∝ headcount^0.8."""
    age = persons.age
    weight = np.where((age >= 20) & (age <= 62), 1.0, np.where(age < 70, 0.08, 0.005))
    employees = weighted_sample(rng, weight, int(round(rate * persons.n)))
    size = companies.headcount.astype(np.float64) ** 0.8
    employer = rng.choice(companies.n, size=len(employees), p=size / size.sum())
    return employees, employer


def _owners_and_reps(rng, persons: Persons, companies: Companies, pool: np.ndarray):
    if len(pool) == 0:
        return []
    weight = np.sqrt(persons.wealth[pool])
    p = weight / weight.sum()
    has_owner = np.flatnonzero(rng.random(companies.n) < np.array([0.75, 0.6, 0.15])
                               [companies.segment])
    owners = pool[rng.choice(len(pool), size=len(has_owner), p=p)]
    has_rep = np.flatnonzero(rng.random(companies.n) < 0.3)
    reps = pool[rng.choice(len(pool), size=len(has_rep), p=p)]
    return [(owners, has_owner, np.full(len(owners), OWNER)),
            (reps, has_rep, np.full(len(reps), LEGAL_REP))]


def _shareholders(rng, persons: Persons, companies: Companies):
    eligible = np.flatnonzero((companies.segment >= 1) & (rng.random(companies.n) < 0.25))
    count = rng.integers(1, 4, size=len(eligible))
    company = np.repeat(eligible, count)
    weight = persons.wealth / persons.wealth.sum()
    person = rng.choice(persons.n, size=len(company), p=weight)
    return person, company, np.full(len(company), SHAREHOLDER)


def _executives(rng, employees: np.ndarray, employer: np.ndarray, companies: Companies):
    """1–2 paid employees of 40% of SMEs and large companies are executives."""
    ours = np.bincount(employer, minlength=companies.n)
    n_exec = np.where((companies.segment >= 1) & (ours >= 3) & (rng.random(companies.n) < 0.4),
                      rng.integers(1, 3, size=companies.n), 0)
    order = np.lexsort((rng.random(len(employees)), employer))
    sorted_employer = employer[order]
    first = np.searchsorted(sorted_employer, sorted_employer, side="left")
    rank = np.arange(len(order)) - first
    chosen = order[rank < n_exec[sorted_employer]]
    return employees[chosen], employer[chosen], np.full(len(chosen), EXECUTIVE)


def _dedupe(person, company, kind):
    """One link per (person, company): the most specific type wins. Sorted by company, type,
    person so the CRM file reads like an RM's register."""
    order = np.lexsort((PRIORITY[kind], company, person))
    person, company, kind = person[order], company[order], kind[order]
    keep = np.ones(len(person), dtype=bool)
    keep[1:] = (person[1:] != person[:-1]) | (company[1:] != company[:-1])
    person, company, kind = person[keep], company[keep], kind[keep]
    order = np.lexsort((person, PRIORITY[kind], company))
    return person[order], company[order], kind[order]
