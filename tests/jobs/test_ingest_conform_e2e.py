"""End to end on the package's generated bank (every night already run by the pipeline):
quarantine against the generator's injected defects, the accounting identity for every file,
and silver. That a rerun of a night changes no table's content and takes one commit a table
is tests/dags/test_nightly_e2e's backfill over the Airflow night."""

from __future__ import annotations

import pandas as pd
import pytest

from crosslink import linkage
from crosslink.pipeline import run_steps
from crosslink.sources import ALL_SOURCES, SOURCES
from tests.jobs.conftest import DAYS

pytestmark = pytest.mark.slow

EXPECTED_REASON = {  # defect kind -> reason prefix by format
    "null_key": {"*": "null_key:"},
    "unknown_code": {"*": "unknown_code:"},
    "negative_amount": {"*": "negative_amount:"},
    "absurd_amount": {"*": "absurd_amount:"},
    "malformed_date": {"*": "malformed_value:"},
    "future_date": {"*": "future_date:"},
    "bad_encoding": {"*": "bad_encoding"},
    "truncated_line": {"csv": "too_few_fields:", "jsonl": "unparseable_json"},
    "extra_column": {"csv": "too_many_fields:", "jsonl": "unexpected_field:"},
    "missing_column": {"csv": "too_few_fields:", "jsonl": "missing_field:"},
}


@pytest.fixture(scope="module")
def defects(bank):
    return pd.read_parquet(bank.home / "truth" / "defects.parquet")


@pytest.fixture(scope="module")
def quarantine(bank):
    rows = bank.lake.read("bronze.quarantine").select(
        "source", "business_date", "source_line", "reasons").collect()
    return {(r.source, r.business_date, r.source_line): r.reasons for r in rows}


@pytest.mark.parametrize("kind", sorted(EXPECTED_REASON))
def test_injected_defect_is_quarantined_with_its_reason(kind, defects, quarantine):
    injected = defects[defects["defect"] == kind]
    assert len(injected) > 0, f"the generator injected no {kind}"
    for rec in injected.itertuples():
        fmt = SOURCES[rec.source].format
        expected = EXPECTED_REASON[kind].get(fmt) or EXPECTED_REASON[kind]["*"]
        day = pd.Timestamp(rec.business_date).date()
        reasons = quarantine.get((rec.source, day, int(rec.line_no)))
        assert reasons is not None, f"{kind} at {rec.source}:{rec.line_no} not quarantined"
        assert any(r.startswith(expected) for r in reasons), (kind, rec.source, reasons)


def test_injected_duplicates_are_removed_not_quarantined(bank, defects, quarantine):
    dupes = defects[defects["defect"] == "duplicate"]
    assert len(dupes) > 0
    for rec in dupes.itertuples():
        day = pd.Timestamp(rec.business_date).date()
        assert (rec.source, day, int(rec.line_no)) not in quarantine
    runs = bank.lake.read("ops.runs").toPandas()
    assert runs["rows_duplicate"].sum() >= len(dupes)


def test_accounting_identity_for_every_file(bank):
    runs = bank.lake.read("ops.runs").toPandas()
    ingest = runs[runs["step"] == "ingest"]
    assert len(ingest) == DAYS * len(ALL_SOURCES)     # feedback extracts too
    assert (ingest["status"] == "success").all()
    lhs = ingest["rows_read"]
    rhs = ingest["rows_written"] + ingest["rows_quarantined"] + ingest["rows_duplicate"]
    assert (lhs == rhs).all()
    # and the tables hold exactly what ops.runs says
    for rec in ingest.itertuples():
        day = rec.business_date
        bronze = bank.lake.read(f"bronze.{rec.source}", where={"business_date": day}).count()
        quarantined = bank.lake.read("bronze.quarantine",
                                     where={"business_date": day, "source": rec.source}).count()
        assert (bronze, quarantined) == (rec.rows_written, rec.rows_quarantined)


def test_run_steps_refuses_an_unknown_step_before_running_any():
    with pytest.raises(ValueError, match=r"unknown steps \['train'\]"):
        run_steps(None, ["ingest", "train"])


def test_silver_is_populated_and_channels_unified(bank):
    txns = bank.lake.read("silver.transactions", where={"business_date": bank.business_date})
    channels = {r.channel for r in txns.select("channel").distinct().collect()}
    assert channels == {"branch_counter", "atm", "online_banking", "mobile_app", "wechat", "pos"}
    for name in ("silver.customers", "silver.holdings", "silver.staff", "silver.consent",
                 "silver.branches", "silver.party_links"):
        assert bank.lake.read(name, where={"snapshot_date": bank.business_date}).count() > 0


def test_links_from_the_stored_evidence_equal_links_from_every_transaction(bank):
    """The nightly infers links from silver.link_evidence of the look-back window; over five
    nights of the bank that equals inferring them from every stored transaction leg."""
    cfg, day = bank.config.pipeline, bank.business_date
    txns = bank.between("silver.transactions", bank.days_ago(cfg.linkage.lookback_days - 1))
    evidence = bank.between("silver.link_evidence", bank.days_ago(cfg.linkage.lookback_days - 1))
    assert evidence.count() == txns.where("counterparty_customer_id IS NOT NULL").count() > 0
    assert evidence.select("business_date").distinct().count() == DAYS
    inferred = linkage.infer_links(txns, bank.partition("silver.customers"), cfg.linkage,
                                   cfg.conform)
    expected = linkage.combine_links(bank.partition("bronze.crm_links"), inferred, day)
    stored = bank.partition("silver.party_links")
    assert stored.count() > 0
    assert stored.exceptAll(expected).count() == 0 and expected.exceptAll(stored).count() == 0
