"""Ingest on tiny inline extracts: typing, every reason code, duplicates, the accounting."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crosslink import ingest
from crosslink.sources import SOURCES

DAY = dt.date(2026, 1, 5)
ATM_HEADER = "txn_id,txn_ts,atm_id,customer_id,account_id,txn_code,amount,currency"


def _run(spark, config, path, source):
    spec = SOURCES[source]
    parsed = ingest.read_source(spark, path, spec)
    validated = ingest.validate(parsed, spec, DAY, config.pipeline.ingest,
                                config.pipeline.timezone)
    marked = ingest.mark_duplicates(validated, spec)
    rows = {r["source_line"]: r for r in marked.collect()}
    return marked, rows


def _atm_file(tmp_path, lines):
    path = tmp_path / "atm_txn.csv"
    path.write_bytes((ATM_HEADER + "\n" + "\n".join(lines) + "\n").encode("utf-8")
                     if all(isinstance(x, str) for x in lines)
                     else ATM_HEADER.encode() + b"\n" + b"\n".join(lines) + b"\n")
    return path


GOOD = "AT1,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,500.00,CNY"


@pytest.mark.parametrize("line, reason", [
    (",2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,500.00,CNY", "null_key:txn_id"),
    ("AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,ZZZ,500.00,CNY",
     "unknown_code:txn_code"),
    ("AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,-5.00,CNY",
     "negative_amount:amount"),
    ("AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,99000000000,CNY",
     "absurd_amount:amount"),
    ("AT2,2026-13-45 09:15:00,ATM01,P00000001,A0000000001,WDL,5.00,CNY",
     "malformed_value:txn_ts"),
    ("AT2,2026-03-01 09:15:00,ATM01,P00000001,A0000000001,WDL,5.00,CNY", "future_date:txn_ts"),
    ("AT2,2026-01-05 09:15:00,ATM01", "too_few_fields:3<8"),
    ("AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,5.00,CNY,extra",
     "too_many_fields:9>8"),
    ("AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,5.00,CNY", "too_few_fields:7<8"),
    ("AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,abc,CNY",
     "malformed_value:amount"),
])
def test_each_csv_defect_is_quarantined_with_its_reason(spark, config, tmp_path, line, reason):
    marked, rows = _run(spark, config, _atm_file(tmp_path, [GOOD, line]), "atm_txn")
    assert rows[2]["_outcome"] == "keep" and rows[2]["reasons"] == []
    assert rows[3]["_outcome"] == "quarantine"
    assert reason in rows[3]["reasons"]
    assert rows[3]["raw"] == line
    counts = ingest.count_outcomes(marked, "atm_txn.csv")
    assert (counts.rows_read, counts.rows_written, counts.rows_quarantined) == (2, 1, 1)


def test_bad_encoding_is_quarantined_and_raw_kept_readable(spark, config, tmp_path):
    bad = "AT2,2026-01-05 09:15:00,ATM01,P00000001,A0000000001,WDL,5.00,CNY".replace(
        "ATM01", "ATM\u5317").encode("gbk")
    _, rows = _run(spark, config, _atm_file(tmp_path, [GOOD.encode(), bad]), "atm_txn")
    assert rows[3]["reasons"] == ["bad_encoding"]
    assert rows[3]["raw"].startswith("AT2,")


def test_typed_values_and_local_time_to_utc(spark, config, tmp_path):
    marked, rows = _run(spark, config, _atm_file(tmp_path, [GOOD]), "atm_txn")
    row = rows[2]
    assert row["amount"] == 500.0
    # 09:15 in the bank's time zone (Asia/Shanghai, UTC+8) is 01:15 UTC
    assert row["txn_ts"].hour in (1, 9)  # stored UTC, shown in the session zone
    utc = marked.selectExpr("date_format(txn_ts, 'HH:mm') AS t").first()["t"]
    assert utc == "01:15"


def test_exact_duplicates_dropped_conflicts_quarantined(spark, config, tmp_path):
    conflict = GOOD.replace("500.00", "600.00")
    marked, rows = _run(spark, config, _atm_file(tmp_path, [GOOD, GOOD, conflict]), "atm_txn")
    assert [rows[n]["_outcome"] for n in (2, 3, 4)] == ["keep", "duplicate", "quarantine"]
    assert rows[4]["reasons"] == ["duplicate_key_conflict"]
    counts = ingest.count_outcomes(marked, "f")
    assert (counts.rows_read, counts.rows_written, counts.rows_quarantined,
            counts.rows_duplicate) == (3, 1, 1, 1)


def test_a_bad_row_does_not_shadow_a_good_row_with_the_same_key(spark, config, tmp_path):
    bad = GOOD.replace("500.00", "-1")
    _, rows = _run(spark, config, _atm_file(tmp_path, [bad, GOOD]), "atm_txn")
    assert [rows[n]["_outcome"] for n in (2, 3)] == ["quarantine", "keep"]


def _online(**over):
    record = {"txn_id": "OT1", "ts": "2026-01-05 10:00:00", "customer_id": "P00000001",
              "account_id": "A0000000001", "type": "transfer", "direction": "D",
              "amount": 1200.5, "currency": "CNY",
              "counterparty": {"account": "A0000000002", "name": "Li Lei", "bank": "CLB"},
              "memo": None, "device": "web"}
    record.update(over)
    return record


@pytest.mark.parametrize("line, reason", [
    ('{"txn_id": "OT2", "ts": "2026-01-05 10:0', "unparseable_json"),
    (json.dumps({k: v for k, v in _online(txn_id="OT2").items() if k != "currency"}),
     "missing_field:currency"),
    (json.dumps(_online(txn_id="OT2", colour="red")), "unexpected_field:colour"),
    (json.dumps(_online(txn_id=None)), "null_key:txn_id"),
    (json.dumps(_online(txn_id="OT2", direction="X")), "unknown_code:direction"),
])
def test_each_json_defect_is_quarantined_with_its_reason(spark, config, tmp_path, line, reason):
    path = tmp_path / "online_txn.jsonl"
    path.write_text(json.dumps(_online()) + "\n" + line + "\n", encoding="utf-8")
    _, rows = _run(spark, config, path, "online_txn")
    assert rows[1]["_outcome"] == "keep", rows[1]["reasons"]
    assert rows[1]["counterparty_account"] == "A0000000002"
    assert rows[2]["_outcome"] == "quarantine"
    assert reason in rows[2]["reasons"]


def test_parquet_rows_are_typed_and_checked(spark, config, tmp_path):
    spec = SOURCES["card_pos"]
    good = {"txn_id": "PS1", "txn_ts": dt.datetime(2026, 1, 5, 12), "card_no": "6222",
            "customer_id": "P00000001", "account_id": "A1", "merchant_id": "M1", "mcc": "5411",
            "merchant_category": "groceries", "amount": 35.0, "currency": "CNY"}
    bad = dict(good, txn_id="PS2", amount=-3.0)
    table = pa.Table.from_pylist([good, bad])
    assert table.column_names == spec.field_names
    pq.write_table(table, tmp_path / "card_pos.parquet")
    _, rows = _run(spark, config, tmp_path / "card_pos.parquet", "card_pos")
    assert rows[1]["_outcome"] == "keep" and rows[1]["amount"] == 35.0
    assert rows[2]["reasons"] == ["negative_amount:amount"]


def test_missing_header_column_names_the_file(spark, tmp_path):
    path = tmp_path / "atm_txn.csv"
    path.write_text("txn_id,txn_ts\nAT1,2026-01-05 09:00:00\n")
    with pytest.raises(ingest.IngestError, match=r"atm_txn.*header lacks columns"):
        ingest.read_source(spark, path, SOURCES["atm_txn"])


def test_line_numbers_survive_many_partitions(spark, config, tmp_path):
    lines = [GOOD.replace("AT1", f"AT{i}") for i in range(3000)]
    path = _atm_file(tmp_path, lines)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16k")
    try:
        parsed = ingest.read_source(spark, path, SOURCES["atm_txn"])
        got = {r["txn_id"]: r["source_line"] for r in parsed.select("txn_id", "source_line")
               .collect()}
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert got["AT0"] == 2 and got["AT2999"] == 3001
    assert sorted(got.values()) == list(range(2, 3002))


def test_an_optional_source_without_a_file_had_nothing_to_report(spark, config, tmp_path,
                                                                monkeypatch):
    from crosslink.context import build_context
    from jobs import ingest as ingest_job

    monkeypatch.setenv("CROSSLINK_HOME", str(tmp_path))
    ctx = build_context(dt.date(2026, 1, 5), config, spark=spark)
    counts = ingest_job.ingest_source(ctx, "crm_events", [])
    assert (counts.rows_read, counts.rows_written) == (0, 0)
    assert ctx.lake.count("bronze.crm_events", where={"business_date": ctx.business_date}) == 0
    [record] = ctx.run_log.records
    assert record.status == "success" and "no extract" in record.message
    with pytest.raises(ingest.IngestError, match="atm_txn"):        # required sources are
        ingest_job.ingest_source(ctx, "atm_txn", [])                # still an error
