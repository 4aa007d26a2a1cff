"""Gate a layer for a business date before the next step may read it.

    spark-submit jobs/gate.py --date 2026-01-05 --layer bronze

`bronze`: every source has a successful `ingest` row in ops.runs for the date; each
source's quarantine rate over the day is within `quality.max_quarantine_rate`; the lake holds
what the run log says was written (bronze and quarantine rows per source); and each bronze
partition of the date passes its Great Expectations suite, whose results (pass or fail) are
added to Data Docs as they are stored (`quality.build_data_docs`; no full-site rebuild, so the
cost stays with the day's tables, not the history of results).

`gold`: the output checks before publishing. The date's `decide` and `route` runs succeeded
and the lake holds the rows they logged (gold.opportunities, gold.prompts); both stored
partitions pass their suites; and the stored prompts keep every invariant (contact policy,
capacities, held products, suitability, unique ids) against the day's inputs. Routing checks
the same before it writes; this re-checks what the table now holds, which is what will be
published (a concurrent or partial write cannot slip through).

Every problem is listed, not only the first; any problem fails the job (exit status 1), so the
Airflow task fails and nothing downstream runs. The outcome is a row of ops.runs
(step `gate.<layer>`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from crosslink import quality
from crosslink.config import QualityConfig
from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.lake import TableNotFoundError
from crosslink.runs import NO_SOURCE
from crosslink.sources import SOURCES
from crosslink.tables import table

PROMPTS = "gold.prompts"
DATA_DOCS = "gx/uncommitted/data_docs/local_site/index.html"


def _step_runs(ctx: JobContext, step: str) -> dict[str, dict]:
    """The date's ops.runs rows of one step (its latest attempt), by source."""
    if not ctx.lake.exists("ops.runs"):
        return {}
    rows = ctx.lake.read("ops.runs", where={"business_date": ctx.business_date,
                                            "step": step}).collect()
    return {r["source"]: r.asDict() for r in rows}


def _partition_rows(ctx: JobContext, name: str, where: dict) -> int:
    """Rows of the date's partition of a table (0 when absent), narrowed by `where`."""
    column = table(name).partition_by[0]
    try:
        return ctx.lake.count(name, where={column: ctx.business_date, **where})
    except TableNotFoundError:
        return 0


def check_runs(runs: dict[str, dict], sources: list[str]) -> list[str]:
    """Every source ingested successfully for the date: one problem per source otherwise."""
    problems = []
    for source in sources:
        run = runs.get(source)
        if run is None:
            problems.append(f"{source}: no ingest run recorded in ops.runs")
        elif run["status"] != "success":
            problems.append(f"{source}: ingest {run['status']}: {run['message']}")
    return problems


def check_quarantine_rates(runs: dict[str, dict], sources: list[str],
                           config: QualityConfig) -> list[str]:
    """The ingest threshold, re-applied from the run log of the whole day."""
    problems = []
    for source in sources:
        run = runs.get(source)
        if run is None or run["status"] != "success":
            continue
        try:
            quality.quarantine_rate_gate(source, run["rows_read"], run["rows_quarantined"],
                                         config)
        except quality.QualityGateError as exc:
            problems.append(str(exc))
    return problems


def check_lake_matches_log(ctx: JobContext, runs: dict[str, dict],
                           sources: list[str]) -> list[str]:
    """Bronze and quarantine rows of the date are the ones the successful ingest wrote."""
    problems = []
    for source in sources:
        run = runs.get(source)
        if run is None or run["status"] != "success":
            continue
        bronze = _partition_rows(ctx, f"bronze.{source}", {})
        quarantined = _partition_rows(ctx, "bronze.quarantine", {"source": source})
        if bronze != run["rows_written"] or quarantined != run["rows_quarantined"]:
            problems.append(
                f"{source}: lake holds {bronze} bronze / {quarantined} quarantined rows, the "
                f"run log says {run['rows_written']} / {run['rows_quarantined']}")
    return problems


def check_suites(ctx: JobContext, runs: dict[str, dict], sources: list[str]) -> list[str]:
    """Each ingested bronze partition of the date against its suite."""
    problems = []
    cfg = ctx.config.pipeline.quality
    for source in sources:
        run = runs.get(source)
        if run is None or run["status"] != "success":
            continue
        df = ctx.lake.read(f"bronze.{source}", where={"business_date": ctx.business_date})
        result = quality.validate(df, f"bronze.{source}", home=ctx.home, config=cfg,
                                  business_date=ctx.business_date)
        print(result.describe())
        if not result.success:
            problems.append(result.describe())
    return problems


def gate_bronze(ctx: JobContext, sources: list[str] | None = None) -> list[str]:
    """Every problem with the date's bronze layer; empty when it may be conformed."""
    sources = sources or list(SOURCES)
    runs = _step_runs(ctx, "ingest")
    problems = check_runs(runs, sources)
    problems += check_quarantine_rates(runs, sources, ctx.config.pipeline.quality)
    problems += check_lake_matches_log(ctx, runs, sources)
    problems += check_suites(ctx, runs, sources)
    return problems


GOLD_STEPS = {"decide": "gold.opportunities", "route": "gold.prompts"}


def check_gold_runs(ctx: JobContext) -> list[str]:
    """Each gold step succeeded for the date and the lake holds the rows it logged."""
    problems = []
    for step, name in GOLD_STEPS.items():
        run = _step_runs(ctx, step).get(NO_SOURCE)
        if run is None or run["status"] != "success":
            state = "no run recorded" if run is None else f"{run['status']}: {run['message']}"
            problems.append(f"{step}: {state}")
            continue
        stored = _partition_rows(ctx, name, {})
        if stored != run["rows_written"]:
            problems.append(f"{name}: lake holds {stored} rows for the date, the {step} run "
                            f"logged {run['rows_written']}")
    return problems


def check_gold_suites(ctx: JobContext) -> list[str]:
    problems = []
    for name in GOLD_STEPS.values():
        result = quality.validate(ctx.partition(name), name, home=ctx.home,
                                  config=ctx.config.pipeline.quality,
                                  business_date=ctx.business_date)
        print(result.describe())
        if not result.success:
            problems.append(result.describe())
    return problems


def gate_gold(ctx: JobContext) -> list[str]:
    """Every problem with the date's prompts; empty when they may be published."""
    from jobs import decide, route

    problems = check_gold_runs(ctx)
    if problems:                      # suites and invariants of a partial day say nothing new
        return problems
    problems += check_gold_suites(ctx)
    data = decide.read_inputs(ctx)
    try:
        problems += [str(v) for v in route.violations(ctx, data, ctx.partition(PROMPTS))]
    finally:
        data.unpersist()
    return problems


LAYERS: dict[str, Callable[[JobContext], list[str]]] = {
    "bronze": gate_bronze,
    "gold": gate_gold,
}


def run(ctx: JobContext, layer: str) -> list[str]:
    """Gate the layer and record the outcome; raise when anything failed."""
    with ctx.run_log.step(f"gate.{layer}") as rec:
        problems = LAYERS[layer](ctx)
        if ctx.config.pipeline.quality.build_data_docs:
            print(f"data docs: {ctx.home / DATA_DOCS}")
        rec.message = f"{len(problems)} problem(s)"
        if problems:
            raise quality.QualityGateError(
                f"{layer} gate failed for {ctx.business_date}: {len(problems)} problem(s)\n"
                + "\n".join(f"  - {p}" for p in problems))
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    parser.add_argument("--layer", required=True, choices=sorted(LAYERS))
    args = parser.parse_args(argv)
    try:
        run_job(build_context(args.date), run, args.layer)
    except quality.QualityGateError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None
    print(f"{args.layer} gate passed for {args.date}")


if __name__ == "__main__":
    main()
