"""Every landing file follows `crosslink.sources` exactly (clean records; defects are tested
in test_defects)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq

from crosslink.sources import (
    OUR_BANK,
    SOURCES,
    TRANSACTION_SOURCES,
)
from tests.generate.conftest import landing_file, truth

ID_PATTERNS = {
    "customer_id": r"[PC]\d{8}", "person_id": r"P\d{8}", "company_id": r"C\d{8}",
    "account_id": r"A\d{10}", "staff_id": r"S\d{5}", "manager_id": r"S\d{5}",
    "teller_id": r"S\d{5}", "holding_id": r"H\d{10}", "link_id": r"L\d{8}",
}
TXN_PREFIX = {"counter_txn": "CT", "atm_txn": "AT", "online_txn": "OL", "mobile_txn": "MB",
              "card_pos": "PS"}


def _defect_lines(home, source, day) -> set[int]:
    d = truth(home, "defects")
    d = d[(d.source == source) & (d.business_date == dt.date.fromisoformat(day))]
    return set(d[d.defect != "duplicate"].line_no)


def _check_value(spec, f, value, day: str, org_codes: set[str]) -> None:
    """One clean value of field f (CSV text or JSON value) against the contract."""
    if value in (None, ""):
        assert not f.required, (spec.name, f.name)
        return
    where = (spec.name, f.name, value)
    if f.type == "timestamp":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", value), where
        dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        if spec.kind == "transactions":
            assert value[:10] == day, where          # business date = local date of txn_ts
        else:
            assert value[:10] <= day, where
    elif f.type == "date":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), where
        assert dt.date.fromisoformat(value) <= dt.date.fromisoformat(day), where
    elif f.type == "bool":
        assert value in ("Y", "N", True, False), where
    elif f.type == "int":
        assert int(value) >= 0, where
    elif f.type == "double":
        number = float(value)
        if f.amount:
            assert 0 <= number <= 50_000_000, where
        if isinstance(value, str):
            assert re.fullmatch(r"\d+\.\d{2}", value), where
    if f.domain:
        assert value in f.domain, where
    if f.name in ID_PATTERNS:
        assert re.fullmatch(ID_PATTERNS[f.name], value), where
    if f.name == "branch_id":
        assert re.fullmatch(r"BR\d{3}", value) or value in org_codes, where
    if f.name == "txn_id":
        assert re.fullmatch(TXN_PREFIX[spec.name] + day.replace("-", "") + r"\d{9}", value), where
    if f.name == "counterparty_bank":
        assert re.fullmatch(r"[A-Z]{3,4}", value), where


def _org_codes(config) -> set[str]:
    return {c.code for c in config.organisation.specialist_centres}


def test_every_source_every_day(small_bank):
    home, summary = small_bank
    days = sorted(summary["files"])
    assert len(days) == 3
    for day in days:
        assert set(summary["files"][day]) == set(SOURCES)
        for name in SOURCES:
            assert landing_file(home, day, name).exists()
            assert summary["files"][day][name] > 0, (day, name)


def test_csv_files(small_bank, gen_config):
    home, summary = small_bank
    for day in summary["files"]:
        for name, spec in SOURCES.items():
            if spec.format != "csv":
                continue
            raw = landing_file(home, day, name).read_bytes()
            assert b"\r" not in raw and raw.endswith(b"\n")
            lines = raw.split(b"\n")[:-1]
            assert lines[0].decode() == ",".join(spec.field_names)
            assert len(lines) - 1 == summary["files"][day][name]
            bad = _defect_lines(home, name, day)
            for no, line in enumerate(lines[1:], start=2):
                if no in bad:
                    continue
                row = next(csv.reader([line.decode("utf-8")]))
                assert len(row) == len(spec.fields), (name, no, line)
                for f, value in zip(spec.fields, row, strict=True):
                    _check_value(spec, f, value, day, _org_codes(gen_config))


def test_jsonl_files(small_bank, gen_config):
    home, summary = small_bank
    for day in summary["files"]:
        for name, spec in SOURCES.items():
            if spec.format != "jsonl":
                continue
            lines = landing_file(home, day, name).read_bytes().split(b"\n")
            assert lines[-1] == b""
            bad = _defect_lines(home, name, day)
            paths = [f.json_path for f in spec.fields]
            for no, line in enumerate(lines[:-1], start=1):
                if no in bad:
                    continue
                record = json.loads(line.decode("utf-8"))
                flat = {}
                for key, value in record.items():
                    if isinstance(value, dict):
                        flat.update({f"{key}.{k}": v for k, v in value.items()})
                    else:
                        flat[key] = value
                assert list(flat) == paths, (name, no)
                for f in spec.fields:
                    value = flat[f.json_path]
                    if f.type in ("int", "double") and value is not None:
                        assert isinstance(value, (int, float)) and not isinstance(value, bool)
                    if f.type == "bool" and value is not None:
                        assert isinstance(value, bool)
                    _check_value(spec, f, value, day, _org_codes(gen_config))


def test_parquet_files(small_bank, gen_config):
    home, summary = small_bank
    for day in summary["files"]:
        for name, spec in SOURCES.items():
            if spec.format != "parquet":
                continue
            table = pq.read_table(landing_file(home, day, name))
            assert table.column_names == spec.field_names
            types = {f.name: f.type for f in table.schema}
            assert types["txn_ts"] == pa.timestamp("us")
            assert types["amount"] == pa.float64()
            assert all(t == pa.string() for n, t in types.items() if n not in ("txn_ts",
                                                                              "amount"))
            bad = _defect_lines(home, name, day)
            for no, row in enumerate(table.to_pylist(), start=1):
                if no in bad:
                    continue
                for f in spec.fields:
                    value = row[f.name]
                    if isinstance(value, dt.datetime):
                        value = value.strftime("%Y-%m-%d %H:%M:%S")
                    _check_value(spec, f, value, day, _org_codes(gen_config))


def test_txn_ids_unique_across_sources_and_days(small_bank):
    home, summary = small_bank
    seen: set[str] = set()
    defects = truth(home, "defects")
    for day in summary["files"]:
        for name in TRANSACTION_SOURCES:
            spec = SOURCES[name]
            path = landing_file(home, day, name)
            if spec.format == "parquet":
                ids = pq.read_table(path).column("txn_id").to_pylist()
            elif spec.format == "csv":
                ids = [ln.split(b",", 1)[0].decode("ascii", "replace")
                       for ln in path.read_bytes().split(b"\n")[1:-1]]
            else:
                ids = [m.group(1).decode() for m in re.finditer(rb'"txn_id":"([A-Z0-9]+)"',
                                                                path.read_bytes())]
            dups = set(defects[(defects.source == name) & (defects.defect == "duplicate")
                               & (defects.business_date == dt.date.fromisoformat(day))]
                       .record_key)
            for txn_id in ids:
                if not txn_id or len(txn_id) != 19 or txn_id in dups:
                    continue
                assert txn_id not in seen
                seen.add(txn_id)
    assert len(seen) > 1000


def test_counterparty_bank_codes(small_bank):
    """Internal legs name our bank; other banks use their own codes."""
    home, summary = small_bank
    day = sorted(summary["files"])[0]
    from tests.generate.conftest import flat, json_records

    banks = {flat(r).get("counterparty.bank") for r in
             json_records(landing_file(home, day, "online_txn"))}
    assert OUR_BANK in banks and {"ICBK", "PCBC", "BKCH", "CMBC"} & banks
