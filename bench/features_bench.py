"""Feature-step wall time at 1x and 4x history: does the nightly cost grow with history?

    .venv/bin/python bench/features_bench.py --customers 100000 --history 30 120

For each history length H, a fresh lake gets synthetic inputs written directly (generating a
real bank of this size for months would take hours): gold.customer_daily partitions for the H
days before the benchmark date D (a share of the customers active each day, every measure
filled), gold.customer_windows of D - 1 (rolled up in full, as a first night would), and the
silver tables of D (customers, holdings of D and D - 30, party links, the day's transactions).
Then `jobs/customer_features.py` runs for D — the nightly path, sliding the windows on — and
once more with `--full` (rolling up the stored daily partitions of the last 90 days) for comparison.
Both runs include building the tables, the quality gates and the writes (each share is
printed); they are timed after an untimed warm-up run (a rerun of the date is idempotent), the
fastest of --repeat runs counting. Prints the times and the 4x/1x ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import PeakMemory  # noqa: E402

from features.columns import CHANNELS  # noqa: E402

DAY = dt.date(2026, 6, 30)


def _customer_id(F, i):
    """P0000001… for persons, C0000001… for the last tenth (companies)."""
    return F.when(i % 10 == 9, F.format_string("C%07d", i)).otherwise(
        F.format_string("P%07d", i))


def _daily_history(spark, F, n: int, days: int, active: float):
    """`days` days of gold.customer_daily rows before DAY, every measure filled and
    consistent as real daily rows are, so the feature gate passes: channel counts and money
    add up to txn_count, in_cny and out_cny; the merchant categories split card spending;
    salary is all ours; money from other banks is half of all money in (every share <= 1)."""
    from features.columns import DAILY_MEASURES, MERCHANT_CATEGORIES, column_type

    rows = spark.range(n * days).select(
        (F.col("id") % n).alias("i"), (F.col("id") / n).cast("int").alias("d"))
    rows = rows.where(F.rand(1) < active)
    values = {f"{c}_count": (F.rand(100 + k) * 3).cast("bigint")
              for k, c in enumerate(CHANNELS)}
    values["atm_count"] = values["atm_count"] + 1
    values["txn_count"] = sum(values[f"{c}_count"] for c in CHANNELS)
    for k, c in enumerate(CHANNELS):
        for j, way in enumerate(("in", "out")):
            values[f"{c}_{way}_cny"] = F.round(F.rand(200 + 2 * k + j) * 5000, 2)
    for way in ("in", "out"):
        values[f"{way}_cny"] = F.round(sum(values[f"{c}_{way}_cny"] for c in CHANNELS), 2)
    for cat in MERCHANT_CATEGORIES:          # each category a slice of card spending (<= 1)
        values[f"spend_{cat}_cny"] = F.round(values["pos_out_cny"] / len(MERCHANT_CATEGORIES), 2)
    values["salary_credit_count"] = F.lit(1).cast("bigint")
    values["salary_ours_count"] = F.lit(1).cast("bigint")
    values["salary_elsewhere_count"] = F.lit(0).cast("bigint")
    values["salary_credit_cny"] = F.round(F.rand(300) * 20000, 2)
    values["salary_ours_cny"] = values["salary_credit_cny"]
    values["salary_elsewhere_cny"] = F.lit(0.0)
    values["inflow_other_bank_cny"] = F.round(values["in_cny"] / 2, 2)
    cols = []
    for k, m in enumerate(DAILY_MEASURES):
        if m in values:
            cols.append(values[m].alias(m))
        elif column_type(m) == "double":
            cols.append(F.round(F.rand(k) * 5000, 2).alias(m))
        else:
            cols.append((F.rand(k) * 3).cast("bigint").alias(m))
    business_date = F.date_sub(F.lit(DAY), F.col("d") + 1)
    return rows.select(business_date.alias("business_date"),
                       _customer_id(F, F.col("i")).alias("customer_id"), *cols)


def _silver(spark, F, n: int, active: float) -> dict:
    """The silver tables the feature step reads for DAY (and holdings of DAY - 30)."""
    ids = spark.range(n).select(F.col("id").alias("i"), _customer_id(F, F.col("id"))
                                .alias("customer_id"))
    company = F.col("i") % 10 == 9
    customers = ids.select(
        F.lit(DAY).alias("snapshot_date"), "customer_id",
        F.when(company, "company").otherwise("person").alias("customer_type"),
        F.lit("name").alias("customer_name"), F.lit(None).cast("date").alias("birth_date"),
        F.when(company, F.lit(dt.date(2010, 1, 1))).alias("founded_date"),
        F.when(~company, 20 + F.col("i") % 60).alias("age"),
        F.when(company, "sme").otherwise("mass").alias("segment"), F.lit("B1").alias("branch_id"),
        F.lit(None).cast("string").alias("manager_id"), (1 + F.col("i") % 5).alias("risk_rating"),
        F.lit(True).alias("kyc_complete"),
        F.when(company, "logistics").alias("industry"), F.when(company, 50).alias("employees"),
        F.when(company, 1e7).alias("annual_turnover"), F.lit(dt.date(2020, 1, 1))
        .alias("customer_since"), F.lit(2000).alias("tenure_days"))
    products = F.array(F.lit("debit_account"), F.lit("credit_card"), F.lit("mobile_banking"))
    holdings = ids.select("customer_id", "i", F.explode(products).alias("product_code")).select(
        F.lit(DAY).alias("snapshot_date"),
        F.concat(F.lit("H"), F.col("customer_id"), F.col("product_code")).alias("holding_id"),
        "customer_id", "product_code", F.lit("settlement").alias("category"),
        F.lit(None).cast("string").alias("account_id"), F.lit(dt.date(2021, 1, 1))
        .alias("opened_date"), F.lit(None).cast("date").alias("closed_date"),
        F.lit("active").alias("status"), F.round(F.rand(3) * 1e5, 2).alias("balance"),
        F.lit(True).alias("is_active"))
    persons = ids.where(~company & (F.col("i") % 20 == 0))
    links = persons.select(
        F.lit(DAY).alias("snapshot_date"), F.col("customer_id").alias("person_id"),
        F.format_string("C%07d", (F.col("i") / 10).cast("int") * 10 + 9).alias("company_id"),
        F.lit("employee").alias("link_type"), F.array(F.lit("employee")).alias("link_types"),
        F.lit("crm").alias("source"), F.lit(1.0).alias("confidence"),
        F.lit(None).cast("string").alias("evidence"), F.lit(0).cast("long").alias("txn_count"),
        F.lit(None).cast("double").alias("total_amount_cny"),
        F.lit(None).cast("date").alias("first_seen_date"),
        F.lit(None).cast("date").alias("last_seen_date"))
    legs = spark.range(int(n * active * 2.5)).select(
        F.col("id"), (F.rand(5) * n).cast("long").alias("i"),
        F.array(*map(F.lit, CHANNELS))[(F.rand(6) * 6).cast("int")].alias("channel"))
    txns = legs.select(
        F.format_string("T%010d", "id").alias("txn_id"), F.lit(DAY).alias("business_date"),
        F.lit(dt.datetime(2026, 6, 30, 10)).alias("txn_ts"), "channel",
        F.lit("online_txn").alias("source"), _customer_id(F, F.col("i")).alias("customer_id"),
        F.lit("A1").alias("account_id"), F.lit("transfer").alias("txn_type"),
        F.when(F.rand(7) < 0.3, "C").otherwise("D").alias("direction"),
        F.round(F.rand(8) * 2000, 2).alias("amount"), F.lit("CNY").alias("currency"),
        F.round(F.rand(8) * 2000, 2).alias("amount_cny"),
        *(F.lit(None).cast("string").alias(c) for c in (
            "counterparty_account", "counterparty_name", "counterparty_bank",
            "counterparty_customer_id")),
        F.lit(False).alias("counterparty_is_ours"), F.lit(None).cast("string")
        .alias("counterparty_match"),
        F.when(F.col("channel") == "pos", "groceries").alias("merchant_category"),
        F.lit(None).cast("string").alias("memo"), F.lit(None).cast("string").alias("branch_id"),
        F.lit("h").alias("record_hash"))
    return {"customers": customers, "holdings": holdings, "links": links, "txns": txns}


def _prepare(ctx, n: int, history: int, active: float) -> None:
    """Write the synthetic history and the day's silver tables (not timed)."""
    from pyspark.sql import functions as F

    from features import rollup

    lake, spark = ctx.lake, ctx.spark
    lake.append(_daily_history(spark, F, n, history, active), "gold.customer_daily")
    before = DAY - dt.timedelta(days=1)
    stored = lake.read("gold.customer_daily")
    lake.replace(rollup.full_windows(stored, before), "gold.customer_windows",
                 {"snapshot_date": before})
    silver = _silver(spark, F, n, active)
    lake.replace(silver["customers"], "silver.customers", {"snapshot_date": DAY})
    lake.replace(silver["holdings"], "silver.holdings", {"snapshot_date": DAY})
    earlier = DAY - dt.timedelta(days=30)
    lake.replace(silver["holdings"].withColumn("snapshot_date", F.lit(earlier)),
                 "silver.holdings", {"snapshot_date": earlier})
    lake.replace(silver["links"], "silver.party_links", {"snapshot_date": DAY})
    lake.replace(silver["txns"], "silver.transactions", {"business_date": DAY})


SECONDS = {"build": 0.0, "gates": 0.0}


def _instrument() -> None:
    """Split the step's time: building the three tables (materialised here, or the first
    gate would pay for them) and gating them; the rest is reading inputs and writing."""
    from crosslink import quality
    from jobs import customer_features as features

    gate, build = quality.gate, features.build_tables

    def timed_gate(*args, **kwargs):
        start = time.perf_counter()
        try:
            return gate(*args, **kwargs)
        finally:
            SECONDS["gates"] += time.perf_counter() - start

    def timed_build(*args, **kwargs):
        start = time.perf_counter()
        tables, others, mode = build(*args, **kwargs)
        for df in tables.values():
            df.count()
        SECONDS["build"] += time.perf_counter() - start
        return tables, others, mode

    quality.gate = timed_gate              # jobs/customer_features.py calls quality.gate(...)
    features.build_tables = timed_build    # and build_tables(...) from run()


def _time(ctx, full: bool, repeat: int) -> tuple[dict, dict]:
    """The fastest of `repeat` runs of the feature job: {step, build, gates} seconds, rows."""
    from crosslink.context import run_job
    from jobs import customer_features as features

    best: dict = {}
    for _ in range(repeat):
        SECONDS.update(build=0.0, gates=0.0)
        start = time.perf_counter()
        counts = run_job(ctx, features.run, full)
        took = {"step": time.perf_counter() - start, **SECONDS}
        best = took if not best or took["step"] < best["step"] else best
    return best, counts


def _show(took: dict) -> str:
    return (f"{took['step']:6.1f} s (build {took['build']:5.1f}, gates {took['gates']:5.1f}, "
            f"read+write {took['step'] - took['build'] - took['gates']:5.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--history", type=int, nargs=2, default=[30, 120],
                        help="days of daily history: the 1x and the 4x run")
    parser.add_argument("--active", type=float, default=0.6,
                        help="share of customers with a transaction on a day")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per mode (fastest "
                        "counts: the machine may be shared)")
    parser.add_argument("--home", type=Path, default=Path("var/bench-features"))
    args = parser.parse_args()

    from crosslink.config import load_config
    from crosslink.context import build_context

    _instrument()
    homes = {h: (args.home / f"h{h}").resolve() for h in args.history}
    config = load_config(overrides={"pipeline": {"quality": {"build_data_docs": False}}})

    def context(history: int):
        os.environ["CROSSLINK_HOME"] = str(homes[history])    # config.home follows it
        return build_context(DAY, config)

    with PeakMemory() as memory:
        for history, home in homes.items():
            shutil.rmtree(home, ignore_errors=True)
            started = time.perf_counter()
            _prepare(context(history), args.customers, history, args.active)
            print(f"history {history:4d} days prepared in {time.perf_counter() - started:.0f} s",
                  flush=True)
            _time(context(history), False, 1)     # warm-up: JVM, GX project of the home
        # interleaved, so that a busy spell on a shared machine hits both histories
        results = {(h, full): [] for h in homes for full in (False, True)}
        for _ in range(args.repeat):
            for full in (False, True):
                for history in homes:
                    took, counts = _time(context(history), full, 1)
                    results[(history, full)].append(took)
        best = {key: min(runs, key=lambda t: t["step"]) for key, runs in results.items()}
    print(f"\n{args.customers:,} customers, {args.active:.0%} active a day, rows {counts}; "
          f"fastest of {args.repeat}")
    for history in homes:
        print(f"history {history:4d} days: incremental {_show(best[(history, False)])}\n"
              f"{'':20s}full roll-up {_show(best[(history, True)])}")
    h1, h4 = args.history
    print(f"{h4 / h1:.0f}x history ({h1} -> {h4} days):")
    for label, full in (("incremental (nightly)", False), ("full roll-up", True)):
        one, four = best[(h1, full)], best[(h4, full)]
        print(f"  {label:22s} step {one['step']:6.1f} s -> {four['step']:6.1f} s "
              f"(ratio {four['step'] / one['step']:.2f}); build {one['build']:5.1f} s -> "
              f"{four['build']:5.1f} s (ratio {four['build'] / one['build']:.2f})")
    print(f"peak memory (driver + JVM): {memory.peak / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
