"""Daily full snapshots of the master data: branches, staff, customers, consent, CRM links.

Holdings come from `holdings.Book.snapshot`. Consent changes a little every day (a few
customers opt in or out, `updated_at` = that moment); the rest is stable over the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate import text
from crosslink.generate.population import SEGMENTS, Branches, Customers, Staff
from crosslink.sources import CONSENT_CHANNELS, INDUSTRIES, LINK_TYPES, STAFF_ROLES

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

CONSENT_BASE = (0.95, 0.90, 0.85, 0.80, 0.85, 0.70)   # by CONSENT_CHANNELS
DAILY_CONSENT_CHANGE = 0.0005


@dataclass
class Consent:
    granted: np.ndarray         # [customer, channel] bool
    dnd: np.ndarray             # [customer, channel] bool
    updated: np.ndarray         # [customer, channel] datetime64[s]


def build_consent(rng: np.random.Generator, customers: Customers,
                  start: np.datetime64) -> Consent:
    n, k = customers.n, len(CONSENT_CHANNELS)
    granted = rng.random((n, k)) < np.array(CONSENT_BASE)
    dnd = (rng.random(n) < 0.04)[:, None] & (rng.random((n, k)) < 0.8)
    since = customers.since.astype("datetime64[s]")[:, None]
    span = (start.astype("datetime64[s]") - since).astype(np.int64)
    updated = since + np.floor(rng.random((n, k)) * np.maximum(span, 1)).astype(np.int64)
    return Consent(granted, dnd, updated.astype("datetime64[s]"))


def update_consent(consent: Consent, rng: np.random.Generator, date: np.datetime64) -> None:
    """A few customers change their mind today."""
    flip = rng.random(consent.granted.shape) < DAILY_CONSENT_CHANGE
    consent.granted[flip] = ~consent.granted[flip]
    when = date.astype("datetime64[s]") + rng.integers(8 * 3600, 22 * 3600, size=int(flip.sum()))
    consent.updated[flip] = when


def consent_columns(consent: Consent, customers: Customers) -> dict:
    n, k = consent.granted.shape
    return {"customer_id": text.take(customers.ids, np.repeat(np.arange(n), k)),
            "channel": text.take(text.options(CONSENT_CHANNELS), np.tile(np.arange(k), n)),
            "consent": consent.granted.ravel(), "do_not_disturb": consent.dnd.ravel(),
            "updated_at": consent.updated.ravel()}


def branch_columns(branches: Branches) -> dict:
    return {"branch_id": branches.ids, "branch_name": branches.names, "city": branches.cities,
            "opened_date": branches.opened}


def staff_columns(staff: Staff) -> dict:
    return {"staff_id": staff.ids, "staff_name": staff.names,
            "role": text.take(text.options(STAFF_ROLES), staff.role), "branch_id": staff.unit,
            "daily_capacity": staff.capacity, "hired_date": staff.hired, "active": staff.active}


def customer_columns(bank: Bank) -> dict:
    c, co, n_p = bank.customers, bank.companies, bank.persons.n
    industry = np.full(c.n, -1)
    industry[n_p:] = co.industry
    employees = np.full(c.n, np.nan)
    employees[n_p:] = co.headcount
    turnover = np.full(c.n, np.nan)
    turnover[n_p:] = np.round(co.turnover, 2)
    return {
        "customer_id": c.ids,
        "customer_type": text.take(text.options(("P", "C")), c.is_company.astype(int)),
        "customer_name": c.names, "birth_date": c.birth, "founded_date": c.founded,
        "segment": text.take(text.options(SEGMENTS), c.segment),
        "branch_id": text.take(bank.branches.ids, c.branch),
        "manager_id": text.take(bank.staff.ids, c.manager), "risk_rating": c.risk,
        "kyc_complete": c.kyc, "industry": text.take(text.options(INDUSTRIES), industry),
        "employees": _nullable_int(employees), "annual_turnover": turnover,
        "customer_since": c.since,
    }


def _nullable_int(values: np.ndarray):
    import pyarrow as pa

    return pa.array(np.nan_to_num(values).astype(np.int64), pa.int64(), mask=np.isnan(values))


def crm_link_columns(bank: Bank) -> dict:
    links, ids, n_p = bank.links, bank.customers.ids, bank.persons.n
    keep = np.flatnonzero(links.in_crm)
    return {"link_id": links.ids.take(keep),
            "person_id": text.take(ids, links.person[keep]),
            "company_id": text.take(ids, n_p + links.company[keep]),
            "link_type": text.take(text.options(LINK_TYPES), links.kind[keep]),
            "share_pct": links.share_pct[keep], "since_date": links.since[keep]}
