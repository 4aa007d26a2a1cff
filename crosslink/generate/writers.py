"""Writing one source file for one day, with its defects, byte for byte reproducibly.

Text files are rendered as one Arrow array of lines (no per-record Python except for the few
damaged records) and written straight from the array's data buffer. Parquet files are written
with fixed options and no pandas metadata, so the same table gives the same bytes. Every file
is written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crosslink.generate import defects, formats
from crosslink.generate.defects import LINE_KINDS, Planned
from crosslink.generate.text import STR, lit
from crosslink.sources import SourceSpec

CHUNK_ROWS = 500_000
PARQUET_OPTIONS = {"compression": "snappy", "row_group_size": 1 << 20, "use_dictionary": True,
                   "write_statistics": True}


@dataclass
class Written:
    rows: int                       # records in the file (lines after any header)
    defects: list[dict]             # truth rows for defects.parquet
    damaged: np.ndarray             # clean-table rows that got a (non-duplicate) defect


def write_source(path: Path, spec: SourceSpec, table: pa.Table, planned: list[Planned],
                 rng: np.random.Generator, business_date: dt.date,
                 max_amount: float) -> Written:
    keys = {p.row: record_key(spec, table, p.row) for p in planned}
    damage = _field_damage(spec, table, planned, rng, business_date, max_amount)
    order, copies, before = _duplicates(table.num_rows, planned, rng)
    if spec.format == "parquet":
        _atomic_write(path, _parquet(spec, table, damage, order))
        first_line = 1
    else:
        planned = _write_text(path, spec, table, planned, damage, copies, before, rng)
        first_line = 2 if spec.format == "csv" else 1
    position = np.empty(table.num_rows, dtype=np.int64)
    is_copy = np.zeros(len(order), dtype=bool)
    is_copy[copies] = True
    position[order[~is_copy]] = np.flatnonzero(~is_copy)
    copy_of = {p.row: k for k, p in enumerate(x for x in planned if x.kind == "duplicate")}
    records = []
    for p in planned:
        line = copies[copy_of[p.row]] if p.kind == "duplicate" else position[p.row]
        records.append({"source": spec.name, "business_date": business_date,
                        "defect": p.kind, "line_no": int(line) + first_line,
                        "record_key": keys[p.row],
                        "field": None if p.field is None else spec.fields[p.field].name})
    damaged = np.array(sorted(p.row for p in planned if p.kind != "duplicate"), dtype=np.int64)
    return Written(len(order), records, damaged)


def record_key(spec: SourceSpec, table: pa.Table, row: int) -> str:
    return "|".join(str(table.column(k)[row].as_py()) for k in spec.key)


def _duplicates(n: int, planned: list[Planned], rng):
    """Row order with the duplicate copies inserted (never next to their original); per
    duplicate (in `planned` order) its file position and the original row it precedes."""
    dups = [p for p in planned if p.kind == "duplicate"]
    src = np.array([p.row for p in dups], dtype=np.int64)
    pos = rng.integers(0, n + 1, size=len(src))
    near = (pos == src) | (pos == src + 1)
    pos[near] = (pos[near] + 2) % (n + 1)
    srt = np.argsort(pos, kind="stable")
    order = np.insert(np.arange(n), pos[srt], src[srt])
    copies = np.empty(len(src), dtype=np.int64)
    copies[srt] = pos[srt] + np.arange(len(srt))
    return order, copies, pos


def _replace(arr: pa.Array, rows: list[int], values: list) -> pa.Array:
    if not rows:
        return arr
    order = np.argsort(rows)
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(arr, pa.array(mask),
                                pa.array([values[i] for i in order], arr.type))


def _field_damage(spec, table, planned, rng, business_date, max_amount) -> dict[int, dict]:
    """{field: {row: damaged python value}} for the field-level defects."""
    out: dict[int, dict] = {}
    for p in planned:
        if p.kind in LINE_KINDS or p.kind == "duplicate":
            continue
        value = table.column(spec.fields[p.field].name)[p.row].as_py()
        out.setdefault(p.field, {})[p.row] = defects.bad_value(spec, p, value, rng,
                                                               business_date, max_amount)
    return out


def _write_text(path: Path, spec: SourceSpec, table: pa.Table, planned: list[Planned],
                damage: dict[int, dict], copies: np.ndarray, before: np.ndarray,
                rng) -> list[Planned]:
    """Render and write a CSV / JSON-lines file in chunks of CHUNK_ROWS records (bounded
    memory), with duplicate copies spliced in at their positions. Returns the defects that
    were really injected (a GBK rendering that happens to be valid UTF-8 is dropped)."""
    n = table.num_rows
    dups = [p.row for p in planned if p.kind == "duplicate"]
    copy_lines = _clean_lines(spec, table, dups)
    at = np.argsort(copies, kind="stable")
    failed: set[int] = set()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        if spec.format == "csv":
            fh.write((",".join(spec.field_names) + "\n").encode("utf-8"))
        for a in range(0, max(n, 1), CHUNK_ROWS):
            b = min(a + CHUNK_ROWS, n)
            lines = _chunk_lines(spec, table.slice(a, b - a), a, planned, damage, rng, failed)
            _write_spliced(fh, lines, a, [(int(before[k]), copy_lines[k]) for k in at
                                          if a <= before[k] < b])
        for k in at:
            if before[k] >= n:
                fh.write(copy_lines[k])
    os.replace(tmp, path)
    return [p for p in planned if p.row not in failed]


def _clean_lines(spec: SourceSpec, table: pa.Table, rows: list[int]) -> list[bytes]:
    if not rows:
        return []
    sub = table.take(pa.array(rows, pa.int64()))
    return [line.encode("utf-8") + b"\n"
            for line in formats.lines(spec, formats.cells(spec, sub)).to_pylist()]


def _chunk_lines(spec, chunk: pa.Table, offset: int, planned: list[Planned],
                 damage: dict[int, dict], rng, failed: set[int]) -> pa.Array:
    """One chunk's lines (with line ends) as a large_binary array, defects applied."""
    end = offset + chunk.num_rows
    cols = formats.cells(spec, chunk)
    for f, values in damage.items():
        rows = [r for r in values if offset <= r < end]
        cols[f] = _replace(cols[f], [r - offset for r in rows],
                           [defects.value_text(values[r], spec.format) for r in rows])
    lines = pc.binary_join_element_wise(formats.lines(spec, cols), lit(""), lit("\n"))
    rows, data = [], []
    for p in planned:
        if p.kind in LINE_KINDS and offset <= p.row < end:
            damaged = defects.damage_line(spec, p, [c[p.row - offset].as_py() for c in cols], rng)
            if damaged is None:
                failed.add(p.row)
                continue
            rows.append(p.row - offset)
            data.append(damaged + b"\n")
    return _replace(lines.cast(pa.large_binary()), rows, data)


def _write_spliced(fh, lines: pa.Array, offset: int, inserts: list[tuple[int, bytes]]) -> None:
    """Write a chunk's lines, with extra lines inserted before given rows."""
    data = _buffer(lines)
    if not len(lines):
        return
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[
        lines.offset: lines.offset + len(lines) + 1]
    base, done = int(offsets[0]), 0
    for row, extra in inserts:
        cut = int(offsets[row - offset]) - base
        fh.write(data[done:cut])
        fh.write(extra)
        done = cut
    fh.write(data[done:])


def _parquet(spec, table: pa.Table, damage: dict[int, dict], order: np.ndarray) -> pa.Table:
    for f, values in damage.items():
        name = spec.fields[f].name
        rows = list(values)
        col = _replace(table.column(name).combine_chunks(), rows, [values[r] for r in rows])
        table = table.set_column(f, name, col)
    table = table.take(pa.array(order))
    return pa.table([_parquet_type(table.column(i)) for i in range(table.num_columns)],
                    names=table.column_names)


def _parquet_type(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Contract types: timestamps in microseconds (no zone), text as plain string."""
    if pa.types.is_timestamp(col.type):
        return col.cast(pa.timestamp("us"))
    if col.type == STR:
        return col.cast(pa.string())
    return col


def _buffer(arr: pa.Array) -> memoryview:
    """The concatenated values of a (large) binary array, without copying."""
    if len(arr) == 0:
        return memoryview(b"")
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset: arr.offset + len(arr)
                                                              + 1]
    return memoryview(arr.buffers()[2])[int(offsets[0]): int(offsets[-1])]


def _atomic_write(path: Path, body) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(body, pa.Table):
        pq.write_table(body, tmp, **PARQUET_OPTIONS)
    else:
        with open(tmp, "wb") as fh:
            for chunk in body:
                fh.write(chunk)
    os.replace(tmp, path)


def write_parquet(path: Path, table: pa.Table) -> None:
    """Truth tables: same deterministic options, atomic."""
    _atomic_write(path, table)
