"""Ingest the day's source extracts into bronze, bad records into bronze.quarantine.

    spark-submit jobs/ingest.py --date 2026-01-05 [--source atm_txn ...]

Per source file: parse and type, quarantine bad records with reasons, drop exact duplicates,
check the accounting identity (read = bronze + quarantined + duplicates), stop if the
quarantine rate or the bronze quality gate fails, then replace the date's bronze partition.
Each source's outcome is a row of ops.runs (step `ingest.<source>`).
"""

from __future__ import annotations

import argparse
import datetime as dt

from crosslink import ingest, quality
from crosslink.context import JobContext, build_context, parse_date
from crosslink.runs import recorded
from crosslink.sources import SOURCES


def _domains(ctx: JobContext, source: str) -> dict[str, tuple]:
    """Code lists that live in config rather than in the landing contract."""
    if source == "holdings":
        return {"product_code": tuple(ctx.config.products.by_code())}
    return {}


def ingest_source(ctx: JobContext, source: str) -> ingest.IngestCounts:
    spec = SOURCES[source]
    path = ctx.landing_file(spec.file_name)
    cfg = ctx.config.pipeline
    with recorded(ctx.lake, ctx.run_id, ctx.business_date, f"ingest.{source}", source) as rec:
        ingested_at = dt.datetime.now(dt.UTC)
        parsed = ingest.read_source(ctx.spark, path, spec)
        validated = ingest.validate(parsed, spec, ctx.business_date, cfg.ingest, cfg.timezone,
                                    _domains(ctx, source))
        marked = ingest.mark_duplicates(validated, spec).persist()
        try:
            counts = ingest.count_outcomes(marked, str(path))
            rec.rows_read, rec.rows_written = counts.rows_read, counts.rows_written
            rec.rows_quarantined, rec.rows_duplicate = (counts.rows_quarantined,
                                                        counts.rows_duplicate)
            quarantine = ingest.to_quarantine(marked, spec, ctx.business_date, str(path),
                                              ingested_at)
            ctx.lake.replace(quarantine, "bronze.quarantine",
                             {"business_date": ctx.business_date, "source": source})
            quality.quarantine_rate_gate(source, counts.rows_read, counts.rows_quarantined,
                                         cfg.quality)
            bronze = ingest.to_bronze(marked, spec, ctx.business_date, str(path), ingested_at)
            quality.gate(bronze, f"bronze.{source}", home=ctx.home, config=cfg.quality,
                         business_date=ctx.business_date)
            ctx.lake.replace(bronze, f"bronze.{source}", {"business_date": ctx.business_date})
        finally:
            marked.unpersist()
    return counts


def run(ctx: JobContext, sources: list[str] | None = None) -> dict[str, ingest.IngestCounts]:
    return {source: ingest_source(ctx, source) for source in (sources or list(SOURCES))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    parser.add_argument("--source", action="append", choices=sorted(SOURCES),
                        help="only these sources (repeatable); default: all")
    args = parser.parse_args(argv)
    ctx = build_context(args.date)
    for source, counts in run(ctx, args.source).items():
        print(f"{source:12s} read {counts.rows_read:>9,} bronze {counts.rows_written:>9,} "
              f"quarantined {counts.rows_quarantined:>6,} duplicates {counts.rows_duplicate:>5,}")


if __name__ == "__main__":
    main()
