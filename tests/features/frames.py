"""Tiny inline silver and gold rows for feature tests: a row is its table's defaults plus the
few values a test is about, so each test states only what matters to it."""

from __future__ import annotations

import datetime as dt

from crosslink.tables import table
from expectations._build import ddl_columns
from features.columns import DAILY_MEASURES, column_type

DAY = dt.date(2026, 3, 31)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


_DEFAULTS = {
    "silver.transactions": {
        "txn_id": "T0", "business_date": DAY, "txn_ts": dt.datetime(2026, 3, 31, 10),
        "channel": "online_banking", "source": "online_txn", "customer_id": "P1",
        "account_id": "A1", "txn_type": "transfer", "direction": "D", "amount": 100.0,
        "currency": "CNY", "amount_cny": 100.0, "counterparty_is_ours": False,
        "record_hash": "h"},
    "silver.customers": {
        "snapshot_date": DAY, "customer_id": "P1", "customer_type": "person",
        "customer_name": "Name", "birth_date": dt.date(1980, 6, 1), "age": 45,
        "segment": "mass", "branch_id": "B1", "risk_rating": 3, "kyc_complete": True,
        "customer_since": dt.date(2020, 1, 1), "tenure_days": 2281},
    "silver.holdings": {
        "snapshot_date": DAY, "holding_id": "H1", "customer_id": "P1",
        "product_code": "debit_account", "category": "settlement", "account_id": "A1",
        "opened_date": dt.date(2020, 1, 1), "status": "active", "balance": 1000.0,
        "is_active": True},
    "silver.party_links": {
        "snapshot_date": DAY, "person_id": "P1", "company_id": "C1", "link_type": "owner",
        "link_types": ["owner"], "source": "crm", "confidence": 1.0, "txn_count": 0},
}


def _zero(column: str):
    return 0.0 if column_type(column) == "double" else 0


def row(table_name: str, **values) -> dict:
    """A row of a silver table (or gold.customer_daily): defaults, then `values`."""
    if table_name == "gold.customer_daily":
        base = {"business_date": DAY, "customer_id": "P1",
                **{m: _zero(m) for m in DAILY_MEASURES}}
    else:
        base = _DEFAULTS.get(table_name, {})
    unknown = set(values) - set(ddl_columns(table(table_name).ddl))
    if unknown:
        raise KeyError(f"{table_name} has no columns {sorted(unknown)}")
    return {**base, **values}


def frame(spark, table_name: str, rows: list[dict]):
    """A DataFrame of the table's registered schema; columns a row leaves out are null."""
    columns = ddl_columns(table(table_name).ddl)
    data = [tuple(r.get(c) for c in columns) for r in rows]
    return spark.createDataFrame(data, table(table_name).ddl)


def daily(spark, rows: list[dict]):
    """gold.customer_daily rows: `{"business_date": ..., "customer_id": ..., measure: x}`."""
    return frame(spark, "gold.customer_daily", [row("gold.customer_daily", **r) for r in rows])


def features_row(customer_id: str, customer_type: str = "person", snapshot_date: dt.date = DAY,
                 **values) -> dict:
    """A gold.customer_features row: zeros everywhere but `values`."""
    from features.columns import FEATURE_COLUMNS

    return {"snapshot_date": snapshot_date, "customer_id": customer_id,
            "customer_type": customer_type, **{c: _zero(c) for c in FEATURE_COLUMNS},
            "risk_rating": 3, **values}
