"""Conform the day's bronze tables into the silver model.

    spark-submit jobs/conform.py --date 2026-01-05

Writes, for the business date: silver.transactions (all channels, counterparties resolved),
silver.customers / holdings / staff / branches / consent (snapshot_date = the date) and
silver.party_links (CRM links + links inferred from the look-back window of transactions).
Every table passes its quality gate before any of them is written.
"""

from __future__ import annotations

from pyspark.sql import DataFrame

from crosslink import conform, linkage, quality
from crosslink.context import JobContext, run_for_date
from crosslink.sources import TRANSACTION_SOURCES


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


def build_links(ctx: JobContext, today_txns: DataFrame, customers: DataFrame) -> DataFrame:
    """Today's transactions (not yet written) plus the stored ones of the look-back window."""
    cfg = ctx.config.pipeline
    earlier = ctx.between("silver.transactions", ctx.days_ago(cfg.linkage.lookback_days - 1),
                          ctx.days_ago(1))
    window = earlier.unionByName(today_txns)
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
        tables["silver.party_links"] = build_links(ctx, txns, customers).persist()
        counts = {}
        try:
            for name, df in tables.items():
                quality.gate(df, name, home=ctx.home, config=ctx.config.pipeline.quality,
                             business_date=day)
            for name, df in tables.items():
                column = "business_date" if name == "silver.transactions" else "snapshot_date"
                counts[name] = ctx.lake.replace(df, name, {column: day}).rows
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
