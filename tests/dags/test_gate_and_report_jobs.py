"""The pure parts of jobs/gate.py and jobs/report.py, on tiny run logs (no Spark)."""

from __future__ import annotations

import datetime as dt

from crosslink.config import QualityConfig
from jobs import gate, report

DAY = dt.date(2026, 1, 5)
QUALITY = QualityConfig(max_quarantine_rate=0.05)


def _run(step, source="all", status="success", read=100, written=95, quarantined=3,
         duplicate=2, message="", minute=0):
    return {"step": step, "source": source, "status": status, "rows_read": read,
            "rows_written": written, "rows_quarantined": quarantined,
            "rows_duplicate": duplicate, "seconds": 1.5, "message": message,
            "started_at": dt.datetime(2026, 1, 5, 18, minute)}


def test_gate_names_every_missing_and_failed_source():
    runs = {"atm_txn": _run("ingest", "atm_txn"),
            "card_pos": _run("ingest", "card_pos", status="failed", message="boom")}
    problems = gate.check_runs(runs, ["atm_txn", "card_pos", "staff"])
    assert problems == ["card_pos: ingest failed: boom",
                        "staff: no ingest run recorded in ops.runs"]


def test_gate_reapplies_the_quarantine_threshold_from_the_run_log():
    runs = {"atm_txn": _run("ingest", "atm_txn", quarantined=5),       # 5.00%: at the limit
            "card_pos": _run("ingest", "card_pos", quarantined=6),     # 6.00%: over
            "staff": _run("ingest", "staff", read=0, quarantined=0)}   # empty file: fine
    problems = gate.check_quarantine_rates(runs, ["atm_txn", "card_pos", "staff"], QUALITY)
    assert len(problems) == 1
    assert "card_pos" in problems[0] and "6.00%" in problems[0] and "5.00%" in problems[0]


def test_report_lists_steps_in_order_and_tables():
    runs = [_run("conform", minute=2, read=0, quarantined=0, duplicate=0),
            _run("ingest", "atm_txn", minute=0, message="a|b")]
    runs.sort(key=lambda r: r["started_at"])
    text = report.render(DAY, runs, [{"table": "silver.transactions",
                                      "partition": "business_date", "rows": 1234,
                                      "version": 7}])
    assert text.startswith("# crosslink nightly — 2026-01-05\n")
    assert "Status: success — 2 of 2 steps succeeded" in text
    assert text.index("| ingest | atm_txn |") < text.index("| conform |  |")
    assert "| 3.00% |" in text and "a\\|b" in text            # rate; pipes escaped
    assert "| silver.transactions | business_date | 1,234 | 7 |" in text


def test_report_says_which_steps_failed():
    runs = [_run("ingest", "atm_txn", status="failed"), _run("conform", status="failed")]
    text = report.render(DAY, runs, [])
    assert "Status: FAILED — 2 of 2 steps did not succeed: ingest atm_txn, conform" in text
    assert report.render(DAY, [], []).count("no steps recorded") == 1
