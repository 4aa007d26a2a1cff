"""Conform the day's bronze tables into the silver model.

    spark-submit jobs/conform.py --date 2026-01-05

Writes, for the business date: silver.transactions (all channels, counterparties resolved),
silver.link_evidence (its legs whose counterparty is one of our customers, narrowed to what link
inference reads), silver.customers / holdings / staff / branches / consent (snapshot_date = the
date) and silver.party_links (CRM links + links inferred from the look-back window's evidence).
Every table passes its quality gate before any of them is written.

Link inference reads the window's silver.link_evidence, not its silver.transactions: a night
scans ~7% of the legs of `linkage.lookback_days` days in 8 columns of 22. Days conformed before
that table existed (transactions but no evidence) are narrowed from silver.transactions on the
fly, so the links are the same either way.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink import conform, linkage, quality
from crosslink.context import JobContext, run_for_date
from crosslink.sources import TRANSACTION_SOURCES
from crosslink.tables import table

EVIDENCE = "silver.link_evidence"


def _bronze(ctx: JobContext, source: str) -> DataFrame:
    return ctx.lake.read(f"bronze.{source}", where={"business_date": ctx.business_date})


def build_snapshots(ctx: JobContext) -> dict[str, DataFrame]:
    day, cfg = ctx.business_date, ctx.config
    centres = [c.code for c in cfg.organisation.specialist_centres]
    return {
        "silver.customers": conform.customers_snapshot(_bronze(ctx, "customers"), day),
        "silver.holdings": conform.holdings_snapshot(
            _bronze(ctx, "holdings"), cfg.products.products, day, ctx.spark),
        "silver.staff": conform.staff_snapshot(_bronze(ctx, "staff"), centres, day),
        "silver.branches": conform.branches_snapshot(_bronze(ctx, "branches"), day),
        "silver.consent": conform.consent_snapshot(_bronze(ctx, "consent"), day),
    }


def build_transactions(ctx: JobContext, customers: DataFrame, holdings: DataFrame) -> DataFrame:
    unified = conform.unify_transactions({s: _bronze(ctx, s) for s in TRANSACTION_SOURCES})
    return conform.resolve_counterparties(unified, holdings, customers,
                                          ctx.config.pipeline.conform)


def stored_evidence(ctx: JobContext, first: dt.date, last: dt.date) -> DataFrame:
    """silver.link_evidence of the days [first, last]; a day with transactions but no evidence
    (conformed before the table existed) is narrowed from its silver.transactions."""
    evidence = ctx.between(EVIDENCE, first, last)
    in_range = {(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)}
    missing = sorted(in_range & (ctx.lake.partition_values("silver.transactions", "business_date")
                                 - ctx.lake.partition_values(EVIDENCE, "business_date")))
    if not missing:
        return evidence
    older = ctx.between("silver.transactions", first, last).where(
        F.col("business_date").isin(*[dt.date.fromisoformat(d) for d in missing]))
    return evidence.unionByName(linkage.link_evidence(older))


def build_links(ctx: JobContext, today_evidence: DataFrame, customers: DataFrame) -> DataFrame:
    """Today's evidence (not yet written) plus the stored evidence of the look-back window."""
    cfg = ctx.config.pipeline
    earlier = stored_evidence(ctx, ctx.days_ago(cfg.linkage.lookback_days - 1), ctx.days_ago(1))
    window = earlier.unionByName(today_evidence)
    inferred = linkage.infer_links(window, customers, cfg.linkage, cfg.conform)
    crm = _bronze(ctx, "crm_links")
    return linkage.combine_links(crm, inferred, ctx.business_date)


def run(ctx: JobContext) -> dict[str, int]:
    day = ctx.business_date
    with ctx.run_log.step("conform") as rec:
        # persisted: each table is used by its gate, its write and its dependants
        tables = {name: df.persist() for name, df in build_snapshots(ctx).items()}
        customers = tables["silver.customers"]
        txns = build_transactions(ctx, customers, tables["silver.holdings"]).persist()
        tables["silver.transactions"] = txns
        tables[EVIDENCE] = linkage.link_evidence(txns).persist()
        tables["silver.party_links"] = build_links(ctx, tables[EVIDENCE], customers).persist()
        counts = {}
        try:
            for name, df in tables.items():
                quality.gate(df, name, home=ctx.home, config=ctx.config.pipeline.quality,
                             business_date=day)
            for name, df in tables.items():
                counts[name] = ctx.lake.replace(df, name, {table(name).partition_by[0]: day}).rows
        finally:
            for df in tables.values():
                df.unpersist()
        rec.rows_written = sum(counts.values())
        rec.message = ", ".join(f"{name}={rows}" for name, rows in counts.items())
    return counts


def main(argv: list[str] | None = None) -> None:
    for name, rows in run_for_date(__doc__, run, argv).items():
        print(f"{name:22s} {rows:>10,} rows")


if __name__ == "__main__":
    main()
