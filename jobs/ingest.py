"""Ingest the day's source extracts into bronze, bad records into bronze.quarantine.

    spark-submit jobs/ingest.py --date 2026-01-05 [--source atm_txn ...]

Per source file: parse and type, quarantine bad records with reasons, drop exact duplicates,
check the accounting identity (read = bronze + quarantined + duplicates), stop if the
quarantine rate or the bronze quality gate fails, then replace the date's bronze partition.
Each source's outcome is a row of ops.runs (step `ingest`, source `<source>`).
"""

from __future__ import annotations

import argparse
import datetime as dt

from crosslink import ingest, quality
from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.sources import ALL_SOURCES, SOURCES
from crosslink.tables import table


def _domains(ctx: JobContext, source: str) -> dict[str, tuple]:
    """Code lists that live in config rather than in the landing contract."""
    if source == "holdings":
        return {"product_code": tuple(ctx.config.products.by_code())}
    return {}


def ingest_source(ctx: JobContext, source: str, quarantined: list) -> ingest.IngestCounts:
    """Ingest one file; its quarantine rows are appended to `quarantined` (materialised) so
    the caller writes them — even when a gate then stops the run."""
    spec = ALL_SOURCES[source]
    path = ctx.landing_file(spec.file_name)
    cfg = ctx.config.pipeline
    if spec.optional and not path.exists():
        return _nothing_today(ctx, source, str(path))
    with ctx.run_log.step("ingest", source) as rec:
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
            quarantined.append(ingest.to_quarantine(
                marked, spec, ctx.business_date, str(path), ingested_at).localCheckpoint())
            quality.quarantine_rate_gate(source, counts.rows_read, counts.rows_quarantined,
                                         cfg.quality)
            bronze = ingest.to_bronze(marked, spec, ctx.business_date, str(path), ingested_at)
            quality.gate(bronze, f"bronze.{source}", home=ctx.home, config=cfg.quality,
                         business_date=ctx.business_date)
            ctx.lake.replace(bronze, f"bronze.{source}", {"business_date": ctx.business_date})
        finally:
            marked.unpersist()
    return counts


def _nothing_today(ctx: JobContext, source: str, path: str) -> ingest.IngestCounts:
    """An optional source sent no file: its partition is emptied (a rerun after a file was
    withdrawn leaves nothing behind) and the run log says so."""
    name = f"bronze.{source}"
    with ctx.run_log.step("ingest", source) as rec:
        rec.message = f"no extract at {path}: nothing to ingest today"
        ctx.lake.replace(ctx.spark.createDataFrame([], table(name).ddl), name,
                         {"business_date": ctx.business_date})
    return ingest.IngestCounts(path, 0, 0, 0, 0)


def write_quarantine(ctx: JobContext, frames: list, sources: list[str] | None) -> None:
    """The quarantine rows of the named sources (default: every source of the date), in one
    commit that replaces exactly their partitions."""
    if not frames:
        return
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    scope = {"business_date": ctx.business_date}
    if sources is not None:
        scope["source"] = list(sources)
    ctx.lake.replace(union, "bronze.quarantine", scope)


def run(ctx: JobContext, sources: list[str] | None = None) -> dict[str, ingest.IngestCounts]:
    """Ingest the named sources (default: all, with one quarantine commit for the date)."""
    quarantined: list = []
    results = {}
    try:
        for source in sources or list(SOURCES):
            results[source] = ingest_source(ctx, source, quarantined)
    finally:
        write_quarantine(ctx, quarantined, sources or list(SOURCES))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    parser.add_argument("--source", action="append", choices=sorted(ALL_SOURCES),
                        help="only these sources (repeatable); default: all")
    args = parser.parse_args(argv)
    results = run_job(build_context(args.date), run, args.source)
    for source, counts in results.items():
        print(f"{source:12s} read {counts.rows_read:>9,} bronze {counts.rows_written:>9,} "
              f"quarantined {counts.rows_quarantined:>6,} duplicates {counts.rows_duplicate:>5,}")


if __name__ == "__main__":
    main()
