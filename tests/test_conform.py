"""Conform and linkage on tiny inline frames."""

from __future__ import annotations

import datetime as dt

from crosslink import conform, linkage
from crosslink.context import build_context
from crosslink.tables import table
from jobs import conform as conform_job

DAY = dt.date(2026, 1, 25)


def _customers(spark):
    rows = [(DAY, "P1", "person", "Li Lei", None, None, 40, "mass", "BR001", None, 3, True,
             None, None, None, dt.date(2020, 1, 1), 100)]
    rows += [(DAY, f"P{i}", "person", f"Person {i}", None, None, 30, "mass", "BR001", None, 3,
              True, None, None, None, dt.date(2020, 1, 1), 100) for i in range(2, 6)]
    rows += [(DAY, "C1", "company", "Acme Trading Co", None, None, None, "sme", "BR001", None,
              3, True, "wholesale_trade", 40, 1e7, dt.date(2019, 1, 1), 500),
             (DAY, "C2", "company", "Bolt Ltd", None, None, None, "sme", "BR001", None, 3, True,
              "logistics", 10, 1e6, dt.date(2019, 1, 1), 500)]
    return spark.createDataFrame(rows, table("silver.customers").ddl)


def _txn(txn_id, customer, direction, txn_type, amount, cp_account=None, cp_name=None,
         cp_bank=None, memo=None, day=DAY):
    return (txn_id, day, dt.datetime(2026, 1, 25, 10), "online_banking", "online_txn", customer,
            f"A{customer}", txn_type, direction, amount, "CNY", cp_account, cp_name, cp_bank,
            None, memo, None, "h")


def _unified(spark, rows):
    ddl = ("txn_id string, business_date date, txn_ts timestamp, channel string, "
           "source string, customer_id string, account_id string, txn_type string, "
           "direction string, amount double, currency string, counterparty_account string, "
           "counterparty_name string, counterparty_bank string, merchant_category string, "
           "memo string, branch_id string, record_hash string")
    return spark.createDataFrame(rows, ddl)


def _holdings(spark):
    rows = [(DAY, "H1", "C1", "general_account", "settlement", "AC1", dt.date(2019, 1, 1), None,
             "active", 1e5, True)]
    return spark.createDataFrame(rows, table("silver.holdings").ddl)


def test_counterparty_resolved_by_account_then_by_unique_company_name(spark, config):
    txns = _unified(spark, [
        _txn("T1", "P1", "C", "payroll", 8000.0, "AC1", "Acme Trading Co", "CLB"),
        _txn("T2", "P2", "C", "transfer", 8000.0, "EXT9", " acme  trading co", "ICBK"),
        _txn("T3", "P3", "D", "transfer", 50.0, "EXT1", "Unknown Shop", "ICBK"),
    ])
    out = {r.txn_id: r for r in conform.resolve_counterparties(
        txns, _holdings(spark), _customers(spark), config.pipeline.conform).collect()}
    assert (out["T1"].counterparty_customer_id, out["T1"].counterparty_match) == ("C1", "account")
    assert out["T1"].counterparty_is_ours is True
    assert (out["T2"].counterparty_customer_id, out["T2"].counterparty_match) == ("C1", "name")
    assert out["T2"].counterparty_is_ours is False
    assert out["T3"].counterparty_customer_id is None
    assert out["T1"].amount_cny == 8000.0


def test_counter_codes_map_to_type_and_direction(spark):
    ddl = table("bronze.counter_txn").ddl
    rows = [("CT1", dt.datetime(2026, 1, 25, 2), "BR001", "S1", "P1", "AP1", code, 10.0, "CNY",
             None, None, None, None, DAY, "f", 2, "h", dt.datetime(2026, 1, 25))
            for code in ("DEP", "WDL")]
    out = conform.counter_transactions(spark.createDataFrame(rows, ddl)).collect()
    assert [(r.txn_type, r.direction, r.channel) for r in out] == [
        ("deposit", "C", "branch_counter"), ("withdrawal", "D", "branch_counter")]


def _resolved(spark, config, rows):
    return conform.resolve_counterparties(_unified(spark, rows), _holdings(spark),
                                          _customers(spark), config.pipeline.conform)


def test_payroll_and_owner_links_inferred(spark, config):
    salary = [_txn(f"S{i}", f"P{i}", "C", "payroll", 9000.0, "AC1", "Acme Trading Co", "CLB",
                   "SALARY 2026-01") for i in range(1, 5)]
    owner = [_txn(f"O{i}", "P5", "D", "transfer", 50000.0, "AC1", "Acme Trading Co", "CLB")
             for i in range(2)]
    noise = [_txn("N1", "P5", "D", "transfer", 300.0, "EXT", "Bolt Ltd", "ICBK")]
    links = linkage.infer_links(_resolved(spark, config, salary + owner + noise),
                                _customers(spark), config.pipeline.linkage,
                                config.pipeline.conform)
    got = {(r.person_id, r.company_id, r.link_type) for r in links.collect()}
    assert got == {("P1", "C1", "employee"), ("P2", "C1", "employee"),
                   ("P3", "C1", "employee"), ("P4", "C1", "employee"), ("P5", "C1", "owner")}


def test_link_evidence_keeps_the_legs_links_need_and_infers_the_same_links(spark, config):
    salary = [_txn(f"S{i}", f"P{i}", "C", "payroll", 9000.0, "AC1", "Acme Trading Co", "CLB",
                   "SALARY 2026-01") for i in range(1, 5)]
    owner = [_txn(f"O{i}", "P5", "D", "transfer", 50000.0, "AC1", "Acme Trading Co", "CLB")
             for i in range(2)]
    unresolved = [_txn("N1", "P5", "D", "transfer", 300.0, "EXT", "Corner Shop", "ICBK"),
                  _txn("N2", "P1", "D", "payment", 80.0)]
    txns = _resolved(spark, config, salary + owner + unresolved)
    evidence = linkage.link_evidence(txns)
    assert evidence.columns == table("silver.link_evidence").columns
    assert sorted(r.txn_id for r in evidence.collect()) == ["O0", "O1", "S1", "S2", "S3", "S4"]
    cfg = config.pipeline

    def links(legs):
        return sorted(tuple(r) for r in linkage.infer_links(
            legs, _customers(spark), cfg.linkage, cfg.conform).collect())

    assert links(evidence) == links(txns) and len(links(txns)) == 5


def test_salary_from_a_payer_of_too_few_people_is_not_payroll(spark, config):
    salary = [_txn("S1", "P1", "C", "payroll", 9000.0, "AC1", "Acme Trading Co", "CLB",
                   "SALARY")]
    links = linkage.infer_links(_resolved(spark, config, salary), _customers(spark),
                                config.pipeline.linkage, config.pipeline.conform)
    assert links.count() == 0


def test_combine_prefers_crm_type_and_marks_both(spark):
    crm = spark.createDataFrame(
        [("L1", "P1", "C1", "executive", None, dt.date(2021, 1, 1))],
        "link_id string, person_id string, company_id string, link_type string, "
        "share_pct double, since_date date")
    inferred = spark.createDataFrame(
        [("P1", "C1", "employee", 0.8, "salary", 1, 9000.0, DAY, DAY),
         ("P2", "C1", "employee", 0.8, "salary", 1, 9000.0, DAY, DAY)],
        "person_id string, company_id string, link_type string, confidence double, "
        "evidence string, txn_count long, total_amount_cny double, first_seen_date date, "
        "last_seen_date date")
    out = {r.person_id: r for r in linkage.combine_links(crm, inferred, DAY).collect()}
    assert (out["P1"].link_type, out["P1"].source, out["P1"].confidence) == (
        "executive", "both", 1.0)
    assert out["P1"].link_types == ["employee", "executive"]
    assert (out["P2"].link_type, out["P2"].source) == ("employee", "inferred")
    assert set(out["P1"].asDict()) == set(table("silver.party_links").columns)


def test_stored_evidence_narrows_days_conformed_before_the_table_existed(spark, config, home):
    """A home conformed before silver.link_evidence existed: its days with transactions but
    no evidence are read from silver.transactions, so the window's links stay the same."""
    ctx = build_context(DAY, config, spark=spark)
    before, after = DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1)
    for day, ids in ((before, ("B1", "B2")), (after, ("A1",))):
        legs = [_txn(ids[0], "P1", "C", "payroll", 9000.0, "AC1", "Acme Trading Co", "CLB",
                     "SALARY", day=day)]
        legs += [_txn(i, "P2", "D", "payment", 20.0, day=day) for i in ids[1:]]   # unresolved
        ctx.lake.replace(_resolved(spark, config, legs), "silver.transactions",
                         {"business_date": day})
    ctx.lake.replace(linkage.link_evidence(ctx.partition("silver.transactions", after)),
                     "silver.link_evidence", {"business_date": after})
    assert ctx.lake.partition_values("silver.link_evidence", "business_date") == {
        after.isoformat()}
    stored = conform_job.stored_evidence(ctx, before - dt.timedelta(days=5), after)
    assert stored.columns == table("silver.link_evidence").columns
    assert sorted((r.business_date, r.txn_id) for r in stored.collect()) == [
        (before, "B1"), (after, "A1")]
