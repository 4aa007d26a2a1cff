"""Every injected defect in truth/defects.parquet points at a line that really has it."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter

import pyarrow.parquet as pq
import pytest

from crosslink.config import DEFECT_KINDS
from crosslink.generate import defects as dmod
from crosslink.generate import generate_bank
from crosslink.sources import SOURCES, TRANSACTION_SOURCES
from tests.generate.conftest import START, landing_file, truth

MAX_AMOUNT = 50_000_000.0


def _parse_date(text: str, kind: str):
    fmt = "%Y-%m-%d %H:%M:%S" if kind == "timestamp" else "%Y-%m-%d"
    return dt.datetime.strptime(text, fmt)


class FileView:
    """Raw lines (or Parquet rows) of one landing file."""

    def __init__(self, home, source: str, day: str):
        self.spec = SOURCES[source]
        path = landing_file(home, day, source)
        if self.spec.format == "parquet":
            self.rows = pq.read_table(path).to_pylist()
        else:
            self.lines = path.read_bytes().split(b"\n")[:-1]

    def raw(self, line_no: int) -> bytes:
        return self.lines[line_no - 1]

    def fields(self, line_no: int) -> dict:
        """Field values of a line that is still structurally sound."""
        if self.spec.format == "parquet":
            return self.rows[line_no - 1]
        text = self.raw(line_no).decode("utf-8")
        if self.spec.format == "csv":
            return dict(zip(self.spec.field_names, next(csv.reader([text])), strict=True))
        record = json.loads(text)
        flat = {}
        for key, value in record.items():
            flat.update({f"{key}.{k}": v for k, v in value.items()} if isinstance(value, dict)
                        else {key: value})
        return {f.name: flat.get(f.json_path) for f in self.spec.fields}


def _check(view: FileView, d: dict, business_date: dt.date) -> None:
    spec, kind, no = view.spec, d["defect"], d["line_no"]
    where = (spec.name, kind, no, d["record_key"])
    key_field = spec.key[0]
    if kind == "bad_encoding":
        raw = view.raw(no)
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert d["record_key"].split("|")[0].encode() in raw, where
        assert spec.get_field(d["field"]).type == "string", where
        return
    if kind == "truncated_line":
        text = view.raw(no).decode("utf-8")
        if spec.format == "csv":
            assert len(next(csv.reader([text]))) < len(spec.fields), where
        else:
            with pytest.raises(json.JSONDecodeError):
                json.loads(text)
        return
    if kind in ("extra_column", "missing_column"):
        text = view.raw(no).decode("utf-8")
        want = len(spec.fields) + (1 if kind == "extra_column" else -1)
        if spec.format == "csv":
            assert len(next(csv.reader([text]))) == want, where
        else:
            record = json.loads(text)
            top = {f.json_path.split(".")[0] for f in spec.fields}
            if kind == "extra_column":
                assert set(record) - top, where
            else:
                missing = top - set(record)
                assert len(missing) == 1, where
                assert spec.get_field(d["field"]).required and d["field"] not in spec.key
        return
    row = view.fields(no)
    if kind == "duplicate":
        if spec.format == "parquet":
            assert sum(r == view.rows[no - 1] for r in view.rows) == 2, where
        else:
            assert view.lines.count(view.raw(no)) == 2, where
        assert str(row[key_field]) == d["record_key"].split("|")[0], where
        return
    value = row[d["field"]]
    if kind == "null_key":
        assert d["field"] == key_field and value in (None, ""), where
        return
    assert "|".join(str(row[k]) for k in spec.key) == d["record_key"], where
    if kind == "unknown_code":
        assert value == dmod.UNKNOWN_CODE and spec.get_field(d["field"]).domain, where
        assert d["field"] not in spec.key, where
    elif kind == "negative_amount":
        assert float(value) < 0 and spec.get_field(d["field"]).amount, where
    elif kind == "absurd_amount":
        assert float(value) > MAX_AMOUNT, where
    elif kind == "malformed_date":
        with pytest.raises(ValueError):
            _parse_date(value, spec.get_field(d["field"]).type)
    elif kind == "future_date":
        when = value if isinstance(value, dt.datetime) else _parse_date(
            value, spec.get_field(d["field"]).type)
        assert spec.get_field(d["field"]).event_date, where
        assert when.date() >= business_date + dt.timedelta(days=30), where
    else:
        raise AssertionError(f"unknown defect {kind}")


def test_defects_point_at_damaged_lines(defect_bank):
    home, _ = defect_bank
    found = truth(home, "defects")
    assert len(found) > 200
    views = {}
    for d in found.to_dict("records"):
        key = (d["source"], d["business_date"].isoformat())
        if key not in views:
            views[key] = FileView(home, *key)
        _check(views[key], d, d["business_date"])


def test_every_kind_is_injected_where_it_applies(defect_bank):
    home, _ = defect_bank
    found = truth(home, "defects")
    assert set(found.defect) == set(DEFECT_KINDS)
    for source in found.source.unique():
        spec = SOURCES[source]
        kinds = set(found[found.source == source].defect)
        assert all(dmod.applies(spec, k) for k in kinds), (source, kinds)
    pos = set(found[found.source == "card_pos"].defect)
    assert not pos & set(dmod.TEXT_ONLY_KINDS)


def test_one_defect_per_record_and_keys_do_not_collide(defect_bank):
    home, _ = defect_bank
    found = truth(home, "defects")
    per_record = Counter(zip(found.source, found.business_date, found.record_key, strict=True))
    assert max(per_record.values()) == 1
    assert found.groupby(["source", "business_date"]).line_no.apply(lambda s: s.is_unique).all()
    for (source, day), group in found.groupby(["source", "business_date"]):
        spec = SOURCES[source]
        if spec.format != "csv" or len(spec.key) != 1:
            continue
        firsts = Counter(line.split(b",", 1)[0].decode("utf-8", "replace") for line in
                         landing_file(home, day.isoformat(), source).read_bytes()
                         .split(b"\n")[1:-1])
        for rec in group.itertuples():
            expected = 2 if rec.defect == "duplicate" else 1
            if rec.defect not in ("null_key", "truncated_line"):
                assert firsts[rec.record_key] == expected, rec


def test_default_rates_reach_every_transaction_file(tmp_path, gen_config):
    """A 3k-customer day with the default rates has every applicable kind in each
    transaction file (the smallest, the ATM file, needs 400 records for its 10 kinds to fit
    the budget of 2.5%), and no file comes near the quarantine limit."""
    summary = generate_bank(gen_config, tmp_path, customers=3000, days=1, seed=8, start=START)
    found = truth(tmp_path, "defects")
    for source in TRANSACTION_SOURCES:
        spec = SOURCES[source]
        want = {k for k in DEFECT_KINDS if dmod.applies(spec, k)}
        got = set(found[found.source == source].defect)
        assert got == want, (source, want - got)
    day = START.isoformat()
    for source, rows in summary["files"][day].items():
        share = (found.source == source).sum() / rows
        assert share <= dmod.BUDGET_SHARE + 1e-9, source
