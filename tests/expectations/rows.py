"""Clean rows for every gated table: what a good night's data looks like, in a few lines.

`rows(table_name, n)` returns `n` dicts keyed by the table's columns that pass the table's
suite; tests change one value to break one rule. Values are derived from the landing contract
(`crosslink.sources`) for bronze and hand-picked for silver.
"""

from __future__ import annotations

import datetime as dt

from crosslink.sources import ALL_SOURCES, Field
from crosslink.tables import table
from expectations._build import ddl_columns

DAY = dt.date(2026, 1, 5)
TS = dt.datetime(2026, 1, 5, 9, 30)


def _field_value(field: Field, i: int):
    """A valid value of one source field for row `i` (keys are distinct per row)."""
    if field.domain:
        return field.domain[i % len(field.domain)]
    return {"string": f"{field.name}-{i}", "int": 3, "double": 100.0 + i, "date": DAY,
            "timestamp": TS, "bool": True}[field.type]


def _bronze(source: str, i: int) -> dict:
    spec = ALL_SOURCES[source]
    row = {f.name: _field_value(f, i) for f in spec.fields}
    return {**row, "business_date": DAY, "source_file": f"landing/{DAY}/{spec.file_name}",
            "source_line": i + 2, "record_hash": f"hash-{i}", "ingested_at": TS}


def _quarantine(i: int) -> dict:
    return {"source": "atm_txn", "business_date": DAY, "source_file": "landing/atm_txn.csv",
            "source_line": i + 2, "raw": "T1,,", "reasons": ["null_key:txn_id"],
            "record_key": "", "record_hash": f"hash-{i}", "ingested_at": TS}


def _transaction(i: int) -> dict:
    source, channel = [("atm_txn", "atm"), ("online_txn", "online_banking"),
                       ("mobile_txn", "wechat"), ("card_pos", "pos")][i % 4]
    return {"txn_id": f"T{i}", "business_date": DAY, "txn_ts": TS, "channel": channel,
            "source": source, "customer_id": f"C{i}", "account_id": f"A{i}",
            "txn_type": "transfer", "direction": "DC"[i % 2], "amount": 10.0 + i,
            "currency": "CNY", "amount_cny": 10.0 + i, "counterparty_account": None,
            "counterparty_name": None, "counterparty_bank": None,
            "counterparty_customer_id": None, "counterparty_is_ours": False,
            "counterparty_match": None, "merchant_category": None, "memo": None,
            "branch_id": None, "record_hash": f"hash-{i}"}


def _customer(i: int) -> dict:
    person = i % 2 == 0
    return {"snapshot_date": DAY, "customer_id": f"C{i}",
            "customer_type": "person" if person else "company", "customer_name": f"Name {i}",
            "birth_date": dt.date(1980, 1, 1) if person else None,
            "founded_date": None if person else dt.date(2001, 1, 1), "age": 46 if person else None,
            "segment": "mass" if person else "sme", "branch_id": "B1", "manager_id": None,
            "risk_rating": 2, "kyc_complete": True, "industry": None if person else "retail_trade",
            "employees": None if person else 12, "annual_turnover": None if person else 1e6,
            "customer_since": dt.date(2020, 1, 1), "tenure_days": 2196}


def _holding(i: int) -> dict:
    return {"snapshot_date": DAY, "holding_id": f"H{i}", "customer_id": f"C{i}",
            "product_code": "debit_account", "category": "settlement", "account_id": f"A{i}",
            "opened_date": dt.date(2020, 1, 1), "closed_date": None, "status": "active",
            "balance": 1000.0 + i, "is_active": True}


def _staff(i: int) -> dict:
    return {"snapshot_date": DAY, "staff_id": f"S{i}", "staff_name": f"Staff {i}",
            "role": "teller", "org_id": "B1", "org_type": "branch", "daily_capacity": 15,
            "hired_date": dt.date(2019, 3, 1), "active": True}


def _branch(i: int) -> dict:
    return {"snapshot_date": DAY, "branch_id": f"B{i}", "branch_name": f"Branch {i}",
            "city": "Shanghai", "opened_date": dt.date(2010, 1, 1)}


def _consent(i: int) -> dict:
    return {"snapshot_date": DAY, "customer_id": f"C{i // 2}",
            "channel": ("mobile_app", "phone")[i % 2], "consent": True, "do_not_disturb": False,
            "updated_at": TS}


def _link_evidence(i: int) -> dict:
    return {"business_date": DAY, "txn_id": f"T{i}", "customer_id": f"P{i}",
            "counterparty_customer_id": "K1", "direction": "DC"[i % 2], "txn_type": "payroll",
            "memo": "SALARY", "amount_cny": 8000.0 + i}


def _party_link(i: int) -> dict:
    return {"snapshot_date": DAY, "person_id": f"P{i}", "company_id": "K1",
            "link_type": "employee", "link_types": ["employee"], "source": "inferred",
            "confidence": 0.8, "evidence": "salary in 1 month(s)", "txn_count": 1,
            "total_amount_cny": 8000.0, "first_seen_date": DAY, "last_seen_date": DAY}


_SILVER = {"silver.transactions": _transaction, "silver.customers": _customer,
           "silver.holdings": _holding, "silver.staff": _staff, "silver.branches": _branch,
           "silver.consent": _consent, "silver.party_links": _party_link,
           "silver.link_evidence": _link_evidence}


def rows(table_name: str, n: int = 4) -> list[dict]:
    """`n` clean rows of a bronze or silver table, in the table's column order."""
    if table_name == "bronze.quarantine":
        make = _quarantine
    elif table_name.startswith("bronze."):
        source = table_name.removeprefix("bronze.")
        make = lambda i: _bronze(source, i)  # noqa: E731
    else:
        make = _SILVER[table_name]
    columns = ddl_columns(table(table_name).ddl)
    return [{c: make(i)[c] for c in columns} for i in range(n)]
