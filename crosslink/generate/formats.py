"""Text encodings of the landing contract: one formatted cell per field, joined into lines.

CSV: UTF-8, comma, header line of `spec.field_names`, RFC-4180 quoting only where needed
(a field containing `"`, `,`, CR or LF), `\\n` line ends, empty field for null, bools `Y`/`N`,
dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS` (bank local time), doubles with exactly
two decimals. JSON lines: one object per line, keys by `Field.json_path` (dotted paths become
nested objects, in field order), `null` for missing values, numbers as JSON numbers (two
decimals for doubles), bools `true`/`false`, dates and timestamps as strings like CSV, non-ASCII
text unescaped (UTF-8). Cells are built for whole columns with Arrow kernels; the per-row
helpers at the end rebuild single lines for the few records that get a line-level defect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.generate.text import STR, concat, digits, lit
from crosslink.sources import Field, SourceSpec


def money(values: pa.Array) -> pa.Array:
    """Doubles as text with exactly two decimals ("-12.50"); null stays null."""
    x = values.to_numpy(zero_copy_only=False).astype(np.float64)
    null = np.isnan(x)
    cents = np.round(np.abs(np.nan_to_num(x)) * 100).astype(np.int64)
    sign = pa.array(np.where(x < 0, "-", ""), STR)
    out = concat(sign, pc.cast(pa.array(cents // 100), STR), ".", digits(cents % 100, 2))
    return pc.if_else(pa.array(null), pa.nulls(len(x), STR), out) if null.any() else out


def plain_text(f: Field, col: pa.Array) -> pa.Array:
    """A column's value as unquoted text (null stays null)."""
    if f.type == "double":
        return money(col)
    if f.type == "bool":
        return pc.if_else(col, lit("Y"), lit("N"))
    return pc.cast(col, STR)


def csv_cell(f: Field, col: pa.Array) -> pa.Array:
    out = plain_text(f, col)
    if f.type == "string":
        needs = pc.match_substring_regex(out, '[",\r\n]')
        quoted = concat('"', pc.replace_substring(out, '"', '""'), '"')
        out = pc.if_else(needs, quoted, out)
    return pc.fill_null(out, lit(""))


def json_escape(col: pa.Array) -> pa.Array:
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"),
                         ("\t", "\\t")):
        col = pc.replace_substring(col, raw, escaped)
    return col


def json_cell(f: Field, col: pa.Array) -> pa.Array:
    if f.type == "bool":
        out = pc.if_else(col, lit("true"), lit("false"))
    elif f.type in ("int", "double"):
        out = plain_text(f, col)
    else:
        out = concat('"', json_escape(pc.cast(col, STR)), '"')
    return pc.fill_null(out, lit("null"))


def cells(spec: SourceSpec, table: pa.Table) -> list[pa.Array]:
    """Formatted text of every field (CSV or JSON cells by the spec's format), no nulls."""
    make = csv_cell if spec.format == "csv" else json_cell
    return [make(f, table.column(f.name).combine_chunks()) for f in spec.fields]


def csv_text(value: str | None) -> str:
    """One CSV cell for a single Python value (defect values)."""
    if value is None:
        return ""
    if any(c in value for c in '",\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def json_text(value: str | float | None, number: bool = False) -> str:
    if value is None:
        return "null"
    if number:
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


# --- JSON layout: nested objects from dotted paths -------------------------------------------
@dataclass(frozen=True)
class Item:
    key: str
    field: int | None = None                 # a plain key
    children: tuple[tuple[str, int], ...] = ()  # a nested object: (sub key, field index)


def json_layout(spec: SourceSpec) -> list[Item]:
    """Top-level items in field order; a dotted path opens (or joins) a nested object."""
    items: list[Item] = []
    groups: dict[str, list] = {}
    for i, f in enumerate(spec.fields):
        head, _, tail = f.json_path.partition(".")
        if not tail:
            items.append(Item(head, i))
        elif head in groups:
            groups[head].append((tail, i))
        else:
            groups[head] = [(tail, i)]
            items.append(Item(head))
    return [Item(it.key, it.field, tuple(groups.get(it.key, ()))) for it in items]


def json_pieces(layout: list[Item], skip: frozenset[int] = frozenset(),
                extra: str | None = None) -> list[str | int]:
    """A JSON line as literal texts and field indices (cells go there), so the same layout
    renders whole columns and single (possibly damaged) rows."""
    out: list[str | int] = ["{"]
    first = True
    for it in layout:
        if it.field is not None and it.field in skip:
            continue
        out.append(("" if first else ",") + f'"{it.key}":')
        first = False
        if it.field is not None:
            out.append(it.field)
            continue
        out.append("{")
        for j, (sub, idx) in enumerate(it.children):
            out += [("" if j == 0 else ",") + f'"{sub}":', idx]
        out.append("}")
    if extra is not None:
        out.append("," + extra)
    out.append("}")
    return _merge_literals(out)


def _merge_literals(pieces: list[str | int]) -> list[str | int]:
    merged: list[str | int] = []
    for p in pieces:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    return merged


def lines(spec: SourceSpec, cols: list[pa.Array]) -> pa.Array:
    """Every record's line (without the line end)."""
    if spec.format == "csv":
        return pc.binary_join_element_wise(*cols, lit(","))
    parts = [lit(p) if isinstance(p, str) else cols[p] for p in json_pieces(json_layout(spec))]
    return pc.binary_join_element_wise(*parts, lit(""))


def row_bytes(spec: SourceSpec, row: list[str], *, skip: frozenset[int] = frozenset(),
              extra: str | None = None, gbk_field: int | None = None) -> bytes:
    """One record's line from its cells: optionally without some fields, with an extra field
    (CSV: trailing; JSON: `extra` is a `"key":value` member) or with one field's text encoded
    in GBK instead of UTF-8."""
    def enc(i: int) -> bytes:
        return row[i].encode("gbk" if i == gbk_field else "utf-8")

    if spec.format == "csv":
        out = b",".join(enc(i) for i in range(len(row)) if i not in skip)
        return out + (b"," + extra.encode("utf-8") if extra is not None else b"")
    pieces = json_pieces(json_layout(spec), skip, extra)
    return b"".join(p.encode("utf-8") if isinstance(p, str) else enc(p) for p in pieces)
