"""Customer features for one business date: the day's aggregates, windows and feature snapshot.

    spark-submit jobs/customer_features.py --date 2026-01-05 [--full]

Writes, for the date: gold.customer_daily (business_date) from the day's silver.transactions;
gold.customer_windows (snapshot_date), the 30/90-day sums and last-active dates of every
customer active in the last 90 days — slid on from the day before's windows (today's
aggregates in, the days that left the windows out: the night costs one day's data plus one row
per active customer, whatever the length of history), or, with `--full` or when the day before
has no windows, rolled up from the stored daily partitions of the last 90 days; and
gold.customer_features (snapshot_date), one row per customer of silver.customers: the windows
plus attributes, products, balances and links from the date's silver snapshots (balance trend:
the holdings snapshot 30 days earlier), and how the customer answered our prompts in the last
90 days (feedback.prompt_events: delivered, contacted, won, lost). All three pass their
quality gates before any is written.

A rerun of a date replaces its partitions with the same content. After rerunning an earlier
date whose transactions changed, rerun the later dates in order (`crosslink backfill`), or the
first of them with `--full`, so that their windows pick the change up.
"""

from __future__ import annotations

import argparse

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink import quality
from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.tables import table
from features import assemble, daily, feedback, linkage, rollup, snapshot
from features.columns import BALANCE_TREND_DAYS, LONG_WINDOW, PRODUCT_CODES, WINDOWS

DAILY, WINDOWS_TABLE, FEATURES = ("gold.customer_daily", "gold.customer_windows",
                                  "gold.customer_features")
EVENTS = "feedback.prompt_events"


def check_catalogue(ctx: JobContext) -> None:
    """Product flags are table columns: a product added to products.yaml needs a column."""
    configured = tuple(p.code for p in ctx.config.products.products)
    if configured != PRODUCT_CODES:
        raise ValueError(f"products.yaml codes {configured} differ from the holds_* columns "
                         f"of {FEATURES} ({PRODUCT_CODES}); update features/columns.py")


def build_daily(ctx: JobContext, customers: DataFrame) -> DataFrame:
    cfg = ctx.config.pipeline
    txns = ctx.partition("silver.transactions", ctx.business_date)
    return daily.customer_daily(txns, customers, salary_markers=cfg.conform.salary_markers,
                                small_payment_max_cny=cfg.features.small_payment_max_cny,
                                markers=cfg.features.counterparty_markers())


def _stored_window(ctx: JobContext) -> DataFrame:
    """Stored daily rows of the longest window before today (today's are not yet written)."""
    return ctx.between(DAILY, ctx.days_ago(LONG_WINDOW - 1), ctx.days_ago(1))


def build_windows(ctx: JobContext, today: DataFrame, full: bool) -> tuple[DataFrame, str]:
    """(gold.customer_windows rows of the date, "incremental" or "full")."""
    previous = None if full else ctx.partition(WINDOWS_TABLE, ctx.days_ago(1))
    if previous is None or previous.isEmpty():
        window = _stored_window(ctx).unionByName(today)
        return rollup.full_windows(window, ctx.business_date), "full"
    leaving = {w: ctx.partition(DAILY, ctx.days_ago(w)) for w in WINDOWS}
    return rollup.slide_windows(previous, today, leaving, ctx.business_date), "incremental"


def build_features(ctx: JobContext, customers: DataFrame, windows: DataFrame) -> DataFrame:
    day = ctx.business_date
    holdings = snapshot.holding_features(
        ctx.partition("silver.holdings", day),
        ctx.partition("silver.holdings", ctx.days_ago(BALANCE_TREND_DAYS)))
    links = linkage.link_features(ctx.partition("silver.party_links", day), customers,
                                  holdings)
    attributes = snapshot.customer_attributes(customers)
    return assemble.customer_features(attributes, windows, holdings, links, day,
                                      prompt_outcomes(ctx))


def prompt_outcomes(ctx: JobContext) -> DataFrame | None:
    """Outcome counts of the long window from feedback.prompt_events (None: no events yet)."""
    if not ctx.lake.exists(EVENTS):
        return None
    events = ctx.between(EVENTS, ctx.days_ago(LONG_WINDOW - 1))
    return feedback.outcome_features(events, ctx.business_date)


def build_tables(ctx: JobContext, full: bool) -> tuple[dict[str, DataFrame], list, str]:
    """The three tables of the date, persisted (each feeds its gate, its write and the next
    table), the other persisted frames, and the windows' mode."""
    customers = ctx.partition("silver.customers", ctx.business_date).persist()
    today = build_daily(ctx, customers).persist()
    windows, mode = build_windows(ctx, today, full)
    windows = windows.persist()
    features = build_features(ctx, customers, windows).persist()
    return {DAILY: today, WINDOWS_TABLE: windows, FEATURES: features}, [customers], mode


def run(ctx: JobContext, full: bool = False) -> dict[str, int]:
    day = ctx.business_date
    with ctx.run_log.step("features") as rec:
        check_catalogue(ctx)
        tables, others, mode = build_tables(ctx, full)
        counts = {}
        try:
            for name, df in tables.items():
                quality.gate(df, name, home=ctx.home, config=ctx.config.pipeline.quality,
                             business_date=day)
            rec.rows_read = int(tables[DAILY].agg(F.sum("txn_count")).first()[0] or 0)
            for name, df in tables.items():
                counts[name] = ctx.lake.replace(df, name,
                                                {table(name).partition_by[0]: day}).rows
        finally:
            for df in (*others, *tables.values()):
                df.unpersist()
        rec.rows_written = sum(counts.values())
        rec.message = f"mode={mode}, " + ", ".join(f"{n}={rows}" for n, rows in counts.items())
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    parser.add_argument("--full", action="store_true",
                        help="roll the windows up from the daily partitions, not from the "
                             "day before's windows")
    args = parser.parse_args(argv)
    counts = run_job(build_context(args.date), run, args.full)
    for name, rows in counts.items():
        print(f"{name:24s} {rows:>10,} rows")


if __name__ == "__main__":
    main()
