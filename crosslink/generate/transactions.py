"""Transaction legs and their assembly into each day's source tables.

Flows (`behaviour`, `linkflows`) emit `Part`s: columns of legs for one source, each leg on one
of our accounts, with the seconds of the day it happened and the signed CNY change it makes to
the account. `assemble` concatenates a source's parts, orders them by time, numbers them
(`<prefix><yyyymmdd><9-digit sequence>`, unique across sources and days) and resolves
customer and account ids. Internal transfers are built by `pair` as two adjacent legs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from crosslink.generate import text
from crosslink.generate.rng import stream
from crosslink.sources import OUR_BANK, SOURCES, SourceSpec

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

TXN_PREFIX = {"counter_txn": "CT", "atm_txn": "AT", "online_txn": "OL", "mobile_txn": "MB",
              "card_pos": "PS"}
EV_NONE, EV_SALARY, EV_TRANSFER = 0, 1, 2
ARROW_TYPES = {"string": text.STR, "int": pa.int64(), "double": pa.float64(),
               "date": pa.date32(), "timestamp": pa.timestamp("s"), "bool": pa.bool_()}

# Hour-of-day profiles (relative weights for hours 0..23).
_H = np.arange(24)
PROFILES = {
    "branch": np.where((_H >= 9) & (_H < 17), 1.0, 0.0) + np.where(_H == 10, 0.5, 0),
    "atm": np.where(_H >= 6, 1.0, 0.08) + np.where((_H >= 11) & (_H <= 13), 0.8, 0)
    + np.where((_H >= 17) & (_H <= 20), 1.0, 0),
    "online": np.where((_H >= 7) & (_H <= 23), 1.0, 0.05) + np.where(np.isin(_H, (10, 14, 20)),
                                                                     0.8, 0),
    "mobile": np.where(_H >= 7, 1.0, 0.1) + np.where(np.isin(_H, (12, 19, 20, 21, 22)), 1.2, 0),
    "pos": np.where((_H >= 8) & (_H <= 22), 1.0, 0.02) + np.where(np.isin(_H, (12, 18, 19)),
                                                                 1.0, 0),
    "business": np.where((_H >= 8) & (_H <= 18), 1.0, 0.02),
    "batch": np.where((_H >= 8) & (_H <= 11), 1.0, 0.0),
}


@dataclass
class Day:
    index: int
    date: np.datetime64         # datetime64[D]
    seed: int

    def rng(self, *name: str | int) -> np.random.Generator:
        return stream(self.seed, "day", self.index, *name)

    @property
    def iso(self) -> str:
        return str(self.date)

    @property
    def compact(self) -> str:
        return self.iso.replace("-", "")

    @property
    def ym(self) -> str:
        return self.iso[:7]

    @property
    def dom(self) -> int:
        return int(self.iso[8:10])


def seconds(rng: np.random.Generator, profile: str, n: int) -> np.ndarray:
    """Seconds into the day, drawn from an hour-of-day profile."""
    w = PROFILES[profile]
    hour = rng.choice(24, size=n, p=w / w.sum())
    return hour * 3600 + rng.integers(0, 3600, size=n)


@dataclass
class Part:
    """Legs of one source. `cols` holds spec fields (arrays of length n, or scalars); the
    underscore attributes are the generator's own bookkeeping."""
    source: str
    cust: np.ndarray
    acct: np.ndarray
    sec: np.ndarray
    delta: np.ndarray
    cols: dict = field(default_factory=dict)
    ev_person: np.ndarray | None = None
    ev_company: np.ndarray | None = None
    ev_kind: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.cust)


def _interleave(a, b, n: int):
    """[a0, b0, a1, b1, ...] for n-long arrays (numpy or Arrow) or scalars."""
    arrays = isinstance(a, (np.ndarray, pa.Array)) or isinstance(b, (np.ndarray, pa.Array))
    if not arrays and a == b:
        return a
    numeric = all(isinstance(v, np.ndarray) and v.dtype.kind in "biuf" for v in (a, b))
    if not numeric:
        both = pa.concat_arrays([_arrow(a, n, text.STR), _arrow(b, n, text.STR)])
        order = np.empty(2 * n, dtype=np.int64)
        order[0::2], order[1::2] = np.arange(n), np.arange(n, 2 * n)
        return both.take(pa.array(order))
    out = np.empty(2 * n, dtype=np.result_type(a, b))
    out[0::2], out[1::2] = a, b
    return out


def pair(bank: Bank, source: str, payer: np.ndarray, payer_acct: np.ndarray,
         payee: np.ndarray, payee_acct: np.ndarray, amount: np.ndarray, sec: np.ndarray,
         debit_cols: dict, credit_cols: dict, rate: float = 1.0,
         evidence: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Part:
    """An internal transfer between two of our accounts: a D leg on the payer's account and a C
    leg on the payee's, adjacent, same time, each naming the other side (bank CLB).
    `evidence` = (person, company, kind) per transfer, booked on the person's leg."""
    names, accts = bank.customers.names, bank.book.account_ids()
    n = len(payer)

    def both(a, b):
        return _interleave(a, b, n)

    cols = {k: both(debit_cols.get(k), credit_cols.get(k))
            for k in sorted(set(debit_cols) | set(credit_cols))}
    cols["direction"] = both("D", "C")
    cols["counterparty_account"] = both(text.take(accts, payee_acct), text.take(accts, payer_acct))
    cols["counterparty_name"] = both(text.take(names, payee), text.take(names, payer))
    cols["counterparty_bank"] = OUR_BANK
    cols["amount"] = both(amount, amount)
    cols.setdefault("currency", "CNY")
    part = Part(source, both(payer, payee), both(payer_acct, payee_acct), both(sec, sec),
                both(-amount * rate, amount * rate), cols)
    if evidence is not None:
        person, company, kind = evidence
        on_payer = person == payer
        part.ev_person = both(person, person)
        part.ev_company = both(company, company)
        part.ev_kind = both(np.where(on_payer, kind, EV_NONE), np.where(on_payer, EV_NONE, kind))
    return part


def _arrow(value, n: int, type_: pa.DataType) -> pa.Array:
    """A column value (array, scalar or None) as an Arrow array of `type_` and length n."""
    if value is None:
        return pa.nulls(n, type_)
    if isinstance(value, pa.Array):
        return value if value.type == type_ else value.cast(type_)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return pa.array(value, type_, mask=np.isnan(value))
        if value.dtype.kind == "M":
            return pa.array(value.astype("datetime64[s]" if type_ == pa.timestamp("s")
                                         else "datetime64[D]"), type_, mask=np.isnat(value))
        return pa.array(value, type_)
    return pa.array(np.full(n, value, dtype=object) if isinstance(value, str)
                    else np.full(n, value), type_)


@dataclass
class DayTable:
    """One source's transactions for one day, ready to write, plus the generator's bookkeeping
    (same order as the rows)."""
    table: pa.Table
    cust: np.ndarray
    acct: np.ndarray
    delta: np.ndarray
    ev_person: np.ndarray
    ev_company: np.ndarray
    ev_kind: np.ndarray


def assemble(bank: Bank, day: Day, source: str, parts: list[Part]) -> DayTable:
    """Concatenate, order by time (stable: a D leg stays before its C leg), number and type."""
    spec = SOURCES[source]
    parts = [p for p in parts if p.source == source and p.n > 0]
    n = sum(p.n for p in parts)
    sec = np.concatenate([p.sec for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    order = np.argsort(sec, kind="stable")

    def cat(get, default):
        arrays = [get(p) if get(p) is not None else np.full(p.n, default) for p in parts]
        return np.concatenate(arrays)[order] if arrays else np.zeros(0, dtype=type(default))

    cust = cat(lambda p: p.cust, 0)
    acct = cat(lambda p: p.acct, 0)
    delta = cat(lambda p: p.delta, 0.0)
    columns = {}
    for f in spec.fields:
        type_ = ARROW_TYPES[f.type]
        chunks = [_arrow(p.cols.get(f.name), p.n, type_) for p in parts]
        bad = [(p.source, f.name, len(c), p.n) for p, c in zip(parts, chunks, strict=True)
               if len(c) != p.n]
        if bad:
            raise ValueError(f"column length mismatch: {bad}")
        col = pa.concat_arrays(chunks) if chunks else pa.nulls(0, type_)
        columns[f.name] = col.take(pa.array(order))
    columns["amount"], delta = _capped(columns["amount"], delta, bank.amount_cap)
    columns["txn_id"] = text.concat(TXN_PREFIX[source] + day.compact,
                                     text.digits(np.arange(1, n + 1), 9))
    columns["txn_ts"] = pa.array(day.date.astype("datetime64[s]") + sec[order],
                                 pa.timestamp("s"))
    columns["customer_id"] = text.take(bank.customers.ids, cust)
    columns["account_id"] = text.take(bank.book.account_ids(), acct)
    table = pa.table([columns[f.name] for f in spec.fields], schema=schema(spec))
    return DayTable(table, cust, acct, delta,
                    cat(lambda p: p.ev_person, -1), cat(lambda p: p.ev_company, -1),
                    cat(lambda p: p.ev_kind, EV_NONE))


def _capped(amount: pa.Array, delta: np.ndarray, cap: float):
    """Scale the rare amounts above `cap` down to it (and their balance effect with them)."""
    x = amount.to_numpy(zero_copy_only=False)
    ratio = np.minimum(1.0, cap / np.maximum(x, 1e-9))
    if (ratio >= 1.0).all():
        return amount, delta
    return pa.array(np.round(x * ratio, 2), pa.float64()), delta * ratio


def schema(spec: SourceSpec) -> pa.Schema:
    """The generator's typed view of a source (timestamps in seconds, text as large_string)."""
    return pa.schema([pa.field(f.name, ARROW_TYPES[f.type]) for f in spec.fields])


def snapshot_table(spec: SourceSpec, columns: dict) -> pa.Table:
    """A snapshot source's typed table from its column values."""
    n = max(len(v) for v in columns.values())
    arrays = [_arrow(columns.get(f.name), n, ARROW_TYPES[f.type]) for f in spec.fields]
    return pa.table(arrays, schema=schema(spec))
