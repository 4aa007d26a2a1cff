"""Injected data-quality defects: which records get which defect, and what the damage is.

Selection, per source file and day, with the day's stream for that file:

* a kind applies to a file only if the format and fields allow it (e.g. no `bad_encoding` in
  Parquet, no `negative_amount` without an amount field, no `future_date` without an
  `event_date` field, `bad_encoding` only on records whose name/memo text is non-ASCII);
* count = Binomial(n, rate), raised to 1 when the file has at least `FLOOR_MIN_RECORDS`
  records and `rate × n >= MIN_EXPECTED` (so that with the default rates every transaction
  file of a 3k-customer day has each applicable kind, while small master-data files such as
  branches and staff are left clean unless the binomial draw says otherwise);
* the total is capped at `BUDGET_SHARE` of the file's records (rounded down, so files under
  40 records such as branches stay clean), trimming the largest counts first, so no file
  comes near the pipeline's quarantine limit (quality.max_quarantine_rate);
* records are distinct: one defect per record; a duplicate's original stays clean.

Records are damaged in place (their key stays unique), except `duplicate`, which inserts an
exact copy elsewhere in the file. `record_key` is always the record's original natural key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.config import DEFECT_KINDS, DefectRates
from crosslink.generate.formats import csv_text, json_layout, json_text, row_bytes
from crosslink.sources import SourceSpec

MIN_EXPECTED = 0.05
FLOOR_MIN_RECORDS = 200
BUDGET_SHARE = 0.025
LINE_KINDS = ("bad_encoding", "truncated_line", "extra_column", "missing_column")
TEXT_ONLY_KINDS = LINE_KINDS + ("malformed_date",)
UNKNOWN_CODE = "ZZZ"
BAD_DATES = ("2026-13-45", "31/02/2026x", "2026-00-00", "not-a-date", "2026/99/99")
BAD_TIMESTAMPS = ("2026-13-45 25:61:00", "31/02/2026x 10:00", "2026-01-05 99:99:99",
                  "not-a-timestamp")
EXTRA_COLUMN = "EXTRA"
EXTRA_MEMBER = '"extra_field":"EXTRA"'


@dataclass
class Planned:
    row: int                    # record index in the clean table
    kind: str
    field: int | None = None    # index into spec.fields of the damaged field


def _is_text(name: str) -> bool:
    return name.endswith("name") or name in ("memo", "merchant")


def kind_fields(spec: SourceSpec, kind: str) -> list[int]:
    """Fields a field-level kind can damage (empty: the kind does not apply)."""
    fields = spec.fields
    if kind == "null_key":
        return [spec.field_names.index(spec.key[0])]
    if kind == "unknown_code":     # never a key field: the key must stay the record's own
        return [i for i, f in enumerate(fields) if f.domain and f.name not in spec.key]
    if kind in ("negative_amount", "absurd_amount"):
        return [i for i, f in enumerate(fields) if f.amount]
    if kind == "future_date":
        return [i for i, f in enumerate(fields) if f.event_date]
    if kind == "malformed_date":
        dated = [i for i, f in enumerate(fields) if f.type in ("date", "timestamp")]
        best = [i for i in dated if fields[i].event_date] or \
            [i for i in dated if fields[i].required] or dated
        return best[:1]
    if kind == "bad_encoding":
        return [i for i, f in enumerate(fields) if f.type == "string" and _is_text(f.name)]
    return []


def applies(spec: SourceSpec, kind: str) -> bool:
    if spec.format == "parquet" and kind in TEXT_ONLY_KINDS:
        return False
    if kind in ("duplicate", "truncated_line", "extra_column", "missing_column"):
        return True
    return bool(kind_fields(spec, kind))


def _field_masks(spec: SourceSpec, table: pa.Table, kind: str) -> dict[int, np.ndarray]:
    """Per damageable field, the records where that damage is meaningful."""
    out = {}
    for i in kind_fields(spec, kind):
        col = table.column(spec.fields[i].name).combine_chunks()
        valid = col.is_valid().to_numpy(zero_copy_only=False)
        if kind == "negative_amount":
            valid &= np.nan_to_num(col.to_numpy(zero_copy_only=False)) > 0
        elif kind == "bad_encoding":
            ascii_only = pc.match_substring_regex(col, r"^[\x00-\x7f]*$")
            valid &= ~pc.fill_null(ascii_only, True).to_numpy(zero_copy_only=False)
        elif kind in ("null_key", "unknown_code", "malformed_date"):
            valid = np.ones(table.num_rows, dtype=bool)
        out[i] = valid
    return out


def _counts(kinds: list[str], n: int, rates: DefectRates, rng) -> dict[str, int]:
    counts = {}
    for k in kinds:
        rate = getattr(rates, k)
        c = int(rng.binomial(n, rate))
        floor = n >= FLOOR_MIN_RECORDS and rate * n >= MIN_EXPECTED
        counts[k] = max(c, 1) if floor else c
    budget = int(n * BUDGET_SHARE)
    tie = {k: r for k, r in zip(kinds, rng.permutation(len(kinds)), strict=True)}
    while sum(counts.values()) > budget:
        worst = max(counts, key=lambda k: (counts[k], tie[k]))
        counts[worst] -= 1
    return counts


def plan(spec: SourceSpec, table: pa.Table, rates: DefectRates,
         rng: np.random.Generator) -> list[Planned]:
    """Choose today's defective records of one file (see module doc)."""
    n = table.num_rows
    if n == 0:
        return []
    kinds = [k for k in DEFECT_KINDS if applies(spec, k) and getattr(rates, k) > 0]
    counts = _counts(kinds, n, rates, rng)
    used = np.zeros(n, dtype=bool)
    out: list[Planned] = []
    for kind in kinds:
        if counts[kind] == 0 or (kind == "duplicate" and n < 3):
            continue
        masks = _field_masks(spec, table, kind)
        ok = np.logical_or.reduce(list(masks.values())) if masks else np.ones(n, dtype=bool)
        cand = np.flatnonzero(ok & ~used)
        rows = np.sort(_sample(rng, cand, counts[kind]))
        used[rows] = True
        for r in rows:
            fields = [i for i, m in masks.items() if m[r]]
            field = int(fields[rng.integers(0, len(fields))]) if fields else None
            out.append(Planned(int(r), kind, field))
    return out


def _sample(rng: np.random.Generator, cand: np.ndarray, k: int) -> np.ndarray:
    """k distinct entries of cand (cheap for k << len(cand))."""
    k = min(k, len(cand))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if k * 20 >= len(cand):
        return rng.choice(cand, size=k, replace=False)
    picked: list[int] = []
    seen: set[int] = set()
    while len(picked) < k:
        for i in rng.integers(0, len(cand), size=2 * k):
            if int(i) not in seen:
                seen.add(int(i))
                picked.append(int(i))
                if len(picked) == k:
                    break
    return cand[np.array(picked)]


# --- damage ------------------------------------------------------------------------------------
def bad_value(spec: SourceSpec, p: Planned, value, rng, business_date: dt.date,
              max_amount: float):
    """The damaged value of a field-level defect, as a Python value of the field's kind
    (str for codes and garbage dates, float for amounts, date/datetime for future dates,
    None for a blanked key)."""
    f = spec.fields[p.field]
    if p.kind == "null_key":
        return None
    if p.kind == "unknown_code":
        return UNKNOWN_CODE
    if p.kind == "negative_amount":
        return -abs(float(value))
    if p.kind == "absurd_amount":
        return round(max_amount * float(rng.uniform(10, 2000)), 2)
    if p.kind == "malformed_date":
        pool = BAD_TIMESTAMPS if f.type == "timestamp" else BAD_DATES
        return pool[int(rng.integers(0, len(pool)))]
    if p.kind == "future_date":
        days = dt.timedelta(days=int(rng.integers(30, 400)))
        if f.type == "timestamp":
            base = value if isinstance(value, dt.datetime) else dt.datetime.combine(
                business_date, dt.time(12))
            return dt.datetime.combine(business_date, base.time()) + days
        return business_date + days
    raise ValueError(p.kind)


def value_text(value, fmt: str) -> str:
    """A damaged value as a CSV or JSON cell."""
    if isinstance(value, float):
        text = f"{value:.2f}"
        return text if fmt == "csv" else json_text(text, number=True)
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return csv_text(value) if fmt == "csv" else json_text(value)


def damage_line(spec: SourceSpec, p: Planned, row: list[str], rng) -> bytes | None:
    """The bytes of a line-level defect's line (no line end), or None if impossible."""
    if p.kind == "bad_encoding":
        try:
            data = row_bytes(spec, row, gbk_field=p.field)
            data.decode("utf-8")
        except UnicodeEncodeError:
            return None
        except UnicodeDecodeError:
            return data
        return None
    if p.kind == "extra_column":
        return row_bytes(spec, row, extra=EXTRA_COLUMN if spec.format == "csv" else EXTRA_MEMBER)
    if p.kind == "missing_column":
        if spec.format == "csv":
            drop = int(rng.integers(1, len(row) - 1))
        else:
            top = [it.field for it in json_layout(spec) if it.field is not None
                   and spec.fields[it.field].required and spec.fields[it.field].name
                   not in spec.key]
            drop = int(top[rng.integers(0, len(top))])
        p.field = drop
        return row_bytes(spec, row, skip=frozenset({drop}))
    if p.kind == "truncated_line":
        return _truncate(spec, row, rng)
    raise ValueError(p.kind)


def _truncate(spec: SourceSpec, row: list[str], rng) -> bytes:
    """CSV: cut inside the first half, never inside a quoted field and never after the last
    separator, so the line has fewer fields. JSON: cut mid-object (a prefix of an object is
    never valid JSON)."""
    if spec.format != "csv":
        line = row_bytes(spec, row).decode("utf-8")
        cut = int(rng.integers(max(1, len(line) // 4), max(2, 3 * len(line) // 4)))
        return line[:cut].encode("utf-8")
    line = ",".join(row)
    allowed = np.zeros(len(line) + 1, dtype=bool)
    start = 0
    for cell in row:
        if cell.startswith('"'):
            allowed[[start, start + len(cell)]] = True
        else:
            allowed[start: start + len(cell) + 1] = True
        start += len(cell) + 1
    last_separator = len(line) - len(row[-1]) - 1
    allowed[min(len(line) // 2, last_separator) + 1:] = False
    allowed[0] = False
    spots = np.flatnonzero(allowed)
    cut = int(spots[rng.integers(0, len(spots))]) if len(spots) else len(row[0]) + 1
    return line[:cut].encode("utf-8")
