"""credit.ledger: base products to the customer's manager; a partition that breaks an invariant
is refused with the sales that break it."""

from __future__ import annotations

import datetime as dt

from crosslink.credit import ledger

DAY = dt.date(2026, 2, 3)
ROWS = "sale_id string, prompt_id string, share double, ledger_id string"


def test_base_openings_go_whole_to_whoever_sold_them(spark, config):
    sales = spark.createDataFrame(
        [("H1", "C1", "debit_account", DAY),      # manager is a teller: debit accounts are theirs
         ("H2", "C2", "debit_account", DAY),      # served at the counter by T2 the day before
         ("H3", "C3", "debit_account", DAY),      # no manager, never at the counter: a desk
         ("H4", "C4", "general_account", DAY),    # company: its corporate RM
         ("H5", "C1", "credit_card", DAY)],       # not a base product
        "sale_id string, customer_id string, product_code string, open_date date")
    customers = spark.createDataFrame(
        [("C1", "B1", "T1"), ("C2", "B1", "R1"), ("C3", "B1", None), ("C4", "B1", "K1")],
        "customer_id string, branch_id string, manager_id string")
    staff = spark.createDataFrame(
        [("T1", "teller", "B1"), ("T2", "teller", "B1"), ("T3", "teller", "B1"),
         ("R1", "retail_rm", "B1"), ("K1", "corporate_rm", "B1")],
        "staff_id string, role string, org_id string")
    counter = spark.createDataFrame(
        [("C2", "T2", dt.datetime(2026, 2, 2, 10)), ("C2", "T3", dt.datetime(2026, 2, 4, 10))],
        "customer_id string, teller_id string, txn_ts timestamp")      # T3: after the opening
    rows = {r.sale_id: r for r in ledger.base_rows(sales, customers, staff, counter,
                                                   config.products.products, "v1").collect()}
    points = config.products.by_code()
    assert sorted(rows) == ["H1", "H2", "H3", "H4"]
    assert (rows["H1"].participant_id, rows["H2"].participant_id) == ("T1", "T2")
    assert rows["H3"].participant_id in ("T1", "T2", "T3") and rows["H3"].role == "teller"
    assert (rows["H4"].participant_id, rows["H4"].points) == (
        "K1", points["general_account"].points)
    assert {(r.share, r.credit_type, r.org_id) for r in rows.values()} == {(1.0, "base", "B1")}


def test_a_sound_partition_has_no_problems(spark):
    rows = spark.createDataFrame([("S1", "P1", 0.3, "a"), ("S1", "P1", 0.7, "b"),
                                  ("S2", None, 1.0, "c")], ROWS)
    assert ledger.problems(rows, spark.createDataFrame([], "sale_id string")) == []


def test_broken_shares_double_credit_and_repeated_ids_are_named(spark):
    rows = spark.createDataFrame([
        ("S1", "P1", 0.3, "a"), ("S1", "P1", 0.6, "b"),       # sums to 0.9
        ("S2", "P2", 0.5, "c"), ("S2", "P3", 0.5, "d"),       # two prompts
        ("S3", "P4", 1.0, "e"),                               # credited last night
        ("S4", "P5", 0.5, "f"), ("S4", "P5", 0.5, "f"),       # one ledger id twice
    ], ROWS)
    before = spark.createDataFrame([("S3",)], "sale_id string")
    found = ledger.problems(rows, before)
    assert len(found) == 4
    assert "S1=0.900000" in found[0] and "S2" in found[1] and "S3" in found[2]
    assert "ledger id(s) twice" in found[3]
