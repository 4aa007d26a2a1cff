"""The hidden truth under `home/truth/`: what the pipeline is measured against, never read by it.

* customers.parquet   — ids, segment and every latent trait that drives behaviour
* links.parquet       — every person–company link, whether the CRM knows it, and what the
                        generated (clean, non-defective) transactions reveal about it
* propensity.parquet  — the true daily opening probability per customer × offerable product
* openings.parquet    — every opening during the period
* defects.parquet     — every injected defect, pointing at its file line
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from crosslink.generate import text
from crosslink.generate.population import SEGMENTS
from crosslink.generate.transactions import EV_SALARY, EV_TRANSFER, DayTable
from crosslink.generate.writers import write_parquet
from crosslink.sources import INDUSTRIES, LINK_TYPES

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

INCOME_SOURCES = ("client_payroll", "external_salary", "pension", "other")
PAID_LINKS = (LINK_TYPES.index("employee"), LINK_TYPES.index("executive"))
DEFECT_SCHEMA = pa.schema([("source", pa.string()), ("business_date", pa.date32()),
                           ("defect", pa.string()), ("line_no", pa.int64()),
                           ("record_key", pa.string()), ("field", pa.string())])


class Evidence:
    """Person–company evidence legs that landed clean (defective records do not count)."""

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, day: DayTable, damaged: np.ndarray) -> None:
        keep = day.ev_kind > 0
        keep[damaged] = False
        self._chunks.append((day.ev_person[keep], day.ev_company[keep], day.ev_kind[keep]))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self._chunks:
            return (np.zeros(0, np.int64),) * 3
        return tuple(np.concatenate([c[i] for c in self._chunks]) for i in range(3))


def write_truth(home: Path, bank: Bank, evidence: Evidence, defects: list[dict]) -> dict:
    """Write every truth table; returns {name: rows}."""
    tables = {"customers": customers_truth(bank), "links": links_truth(bank, evidence),
              "propensity": propensity_truth(bank), "openings": openings_truth(bank),
              "defects": pa.Table.from_pylist(defects, schema=DEFECT_SCHEMA)}
    for name, table in tables.items():
        write_parquet(Path(home) / "truth" / f"{name}.parquet", _plain(table))
    return {name: t.num_rows for name, t in tables.items()}


def _plain(table: pa.Table) -> pa.Table:
    cols = [c.cast(pa.string()) if c.type == text.STR else c for c in table.columns]
    return pa.table(cols, names=table.column_names)


def _f(values: np.ndarray, n: int, offset: int = 0) -> pa.Array:
    """A trait of persons (offset 0) or companies (offset n_person) over all customers."""
    out = np.full(n, np.nan)
    out[offset: offset + len(values)] = values
    return pa.array(out, pa.float64(), mask=np.isnan(out))


def customers_truth(bank: Bank) -> pa.Table:
    c, p, co = bank.customers, bank.persons, bank.companies
    n, n_p = c.n, p.n
    employer = np.full(n, -1)
    employer[:n_p] = np.where(p.employer >= 0, n_p + p.employer, -1)
    income_source = np.full(n, -1)
    income_source[:n_p] = p.income_source
    industry = np.full(n, -1)
    industry[n_p:] = co.industry
    other_bank = np.full(n, -1)
    other_bank[n_p:] = co.other_bank
    return pa.table({
        "customer_id": c.ids,
        "customer_type": text.take(text.options(("P", "C")), c.is_company.astype(int)),
        "segment": text.take(text.options(SEGMENTS), c.segment),
        "age": _f(p.age, n), "income_monthly": _f(p.income, n), "wealth": _f(p.wealth, n),
        "digital_affinity": _f(p.digital, n), "wechat_affinity": _f(p.wechat, n),
        "risk_tolerance": _f(p.risk_tolerance, n), "activity": _f(p.activity, n),
        "save_rate": _f(p.save_rate, n), "credit_need": _f(p.credit_need, n),
        "home_need": _f(p.home_need, n), "travel_affinity": _f(p.travel, n),
        "luxury_affinity": _f(p.luxury, n), "spend_intensity": _f(p.spend, n),
        "has_children": _f(p.children.astype(float), n), "dormant": _f(p.dormant.astype(float), n),
        "income_source": text.take(text.options(INCOME_SOURCES), income_source),
        "employer_id": text.take(c.ids, employer),
        "industry": text.take(text.options(INDUSTRIES), industry),
        "headcount": _f(co.headcount.astype(float), n, n_p),
        "annual_turnover": _f(co.turnover, n, n_p), "trade_activity": _f(co.trade, n, n_p),
        "growth_need": _f(co.growth, n, n_p), "capex_need": _f(co.capex, n, n_p),
        "fund_assets": _f(co.fund_assets, n, n_p),
        "settles_with_us": _f(co.settles_here.astype(float), n, n_p),
        "payroll_with_us": _f(co.payroll_here.astype(float), n, n_p),
        "payday": _f(co.payday.astype(float), n, n_p),
        "other_bank": text.take(text.bank_codes(), other_bank),
    })


def links_truth(bank: Bank, evidence: Evidence) -> pa.Table:
    """Each link with its evidence in the generated period: salary credits from the company
    (`salary_txns`), transfers of at least linkage.owner_transfer_min_amount between the two
    (`transfer_txns`), and `revealed_by`: "payroll" if the person got a salary credit from a
    company that paid at least linkage.payroll_min_payees of our customers, "owner_transfer"
    if there were at least linkage.owner_transfer_min_count such transfers (paid link types try
    payroll first, the others owner_transfer first), else null."""
    links, n_c, lk = bank.links, bank.companies.n, bank.linkage
    person, company, kind = evidence.arrays()
    pair = person * n_c + company
    key = links.person * n_c + links.company
    salary = _count_pairs(key, pair[kind == EV_SALARY])
    transfers = _count_pairs(key, pair[kind == EV_TRANSFER])
    sal_pairs = np.unique(pair[kind == EV_SALARY])
    payees = np.bincount(sal_pairs % n_c, minlength=n_c) if len(sal_pairs) else np.zeros(n_c,
                                                                                         int)
    pay_ok = (salary >= 1) & (payees[links.company] >= lk.payroll_min_payees)
    own_ok = transfers >= lk.owner_transfer_min_count
    paid = np.isin(links.kind, PAID_LINKS)
    first = np.where(paid, pay_ok, own_ok)
    second = np.where(paid, own_ok, pay_ok)
    label = np.where(first, np.where(paid, "payroll", "owner_transfer"),
                     np.where(second, np.where(paid, "owner_transfer", "payroll"), None))
    ids, n_p = bank.customers.ids, bank.persons.n
    return pa.table({
        "link_id": links.ids, "person_id": text.take(ids, links.person),
        "company_id": text.take(ids, n_p + links.company),
        "link_type": text.take(text.options(LINK_TYPES), links.kind),
        "in_crm": links.in_crm, "revealed_by": pa.array(label, pa.string()),
        "evidence_txns": salary + transfers, "salary_txns": salary,
        "transfer_txns": transfers, "company_payees": payees[links.company],
        "share_pct": pa.array(links.share_pct, mask=np.isnan(links.share_pct)),
        "since_date": pa.array(links.since, pa.date32()),
    })


def _count_pairs(keys: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """How often each key occurs in observed."""
    if len(observed) == 0:
        return np.zeros(len(keys), dtype=np.int64)
    values, counts = np.unique(observed, return_counts=True)
    pos = np.searchsorted(values, keys)
    pos = np.minimum(pos, len(values) - 1)
    return np.where(values[pos] == keys, counts[pos], 0).astype(np.int64)


def propensity_truth(bank: Bank) -> pa.Table:
    prop, cat = bank.propensity, bank.book.catalog
    rows, cols = np.nonzero(prop.segment_rows)
    codes = text.options([cat.codes[k] for k in prop.products])
    return pa.table({
        "customer_id": text.take(bank.customers.ids, rows),
        "product_code": text.take(codes, cols),
        "daily_prob": prop.prob[rows, cols].astype(np.float64),
        "held_at_start": prop.held_at_start[rows, cols],
    })


def openings_truth(bank: Bank) -> pa.Table:
    book = bank.book
    if bank.openings:
        rows, products, dates, holdings = (np.concatenate(x) for x in zip(*bank.openings,
                                                                           strict=True))
    else:
        rows = products = holdings = np.zeros(0, dtype=np.int64)
        dates = np.zeros(0, dtype="datetime64[D]")
    return pa.table({
        "customer_id": text.take(bank.customers.ids, rows),
        "product_code": text.take(text.options(book.catalog.codes), products),
        "open_date": pa.array(dates.astype("datetime64[D]"), pa.date32()),
        "holding_id": text.fmt_ids("H", book.h_serial[holdings], 10),
    })
