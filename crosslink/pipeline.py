"""The nightly pipeline in one process: every step that exists, in order, with a summary.

Airflow runs the same job modules one task each; this is the scheduler-free path used by
`crosslink nightly`, the demo and the end-to-end tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crosslink.context import JobContext, run_job


@dataclass(frozen=True)
class StepSummary:
    step: str
    rows_in: int
    rows_out: int
    quarantined: int
    seconds: float


def _ingest(ctx: JobContext) -> StepSummary:
    from jobs import ingest

    start = time.perf_counter()
    counts = ingest.run(ctx).values()
    return StepSummary("ingest", sum(c.rows_read for c in counts),
                       sum(c.rows_written for c in counts),
                       sum(c.rows_quarantined for c in counts), time.perf_counter() - start)


def _conform(ctx: JobContext) -> StepSummary:
    from jobs import conform

    start = time.perf_counter()
    bronze_rows = sum(ctx.lake.read(f"bronze.{s}", where={"business_date": ctx.business_date})
                      .count() for s in conform.TRANSACTION_SOURCES)
    counts = conform.run(ctx)
    return StepSummary("conform", bronze_rows, sum(counts.values()), 0,
                       time.perf_counter() - start)


def _feedback(ctx: JobContext) -> StepSummary:
    from jobs import feedback

    start = time.perf_counter()
    result = feedback.run(ctx)
    return StepSummary("feedback", result.read, result.events, result.rejected,
                       time.perf_counter() - start)


def _credit(ctx: JobContext) -> StepSummary:
    from jobs import credit

    start = time.perf_counter()
    result = credit.run(ctx)
    return StepSummary("credit", result.sales, result.rows, 0, time.perf_counter() - start)


def _features(ctx: JobContext) -> StepSummary:
    from jobs import customer_features as features

    start = time.perf_counter()
    txns = ctx.lake.count("silver.transactions", where={"business_date": ctx.business_date})
    counts = features.run(ctx)
    return StepSummary("features", txns, sum(counts.values()), 0, time.perf_counter() - start)


def _score(ctx: JobContext) -> StepSummary:
    from jobs import score

    start = time.perf_counter()
    result = score.run(ctx)
    return StepSummary("score", result.rows_read, result.rows_written, 0,
                       time.perf_counter() - start)


def _decide(ctx: JobContext) -> StepSummary:
    from jobs import decide

    start = time.perf_counter()
    result = decide.run(ctx)
    return StepSummary("decide", result.opportunities + sum(result.dropped.values()),
                       result.opportunities, 0, time.perf_counter() - start)


def _route(ctx: JobContext) -> StepSummary:
    from jobs import route

    start = time.perf_counter()
    result = route.run(ctx)
    return StepSummary("route", result.opportunities, result.prompts, 0,
                       time.perf_counter() - start)


def _publish(ctx: JobContext) -> StepSummary:
    from jobs import export

    start = time.perf_counter()
    files = export.run(ctx)
    rows = sum(n for name, n in files.items() if name.endswith(".parquet"))
    return StepSummary("publish", rows, rows, 0, time.perf_counter() - start)


STEPS: list[tuple[str, Callable[[JobContext], StepSummary]]] = [
    ("ingest", _ingest),
    ("conform", _conform),
    ("feedback", _feedback),
    ("credit", _credit),
    ("features", _features),
    ("score", _score),
    ("decide", _decide),
    ("route", _route),
    ("publish", _publish),
]


def nightly(ctx: JobContext, progress: Callable[[str], None] = print,
            from_step: str | None = None) -> list[StepSummary]:
    """Run every step for the context's date (or the steps from `from_step` on, e.g. "score"
    after new champions); ops.runs gets one commit per step, at the end, and Data Docs one
    render for every gate of the night."""
    names = [name for name, _ in STEPS]
    if from_step is not None and from_step not in names:
        raise ValueError(f"unknown step {from_step!r}; steps: {names}")
    steps = STEPS[names.index(from_step):] if from_step else STEPS

    def run(ctx: JobContext) -> list[StepSummary]:
        summaries = []
        for name, step in steps:
            progress(f"[{ctx.business_date}] {name} …")
            summaries.append(step(ctx))
            progress(f"[{ctx.business_date}] {name} done in {summaries[-1].seconds:.1f}s")
        return summaries

    return run_job(ctx, run)


def run_steps(ctx: JobContext, names: Sequence[str]) -> list[StepSummary]:
    """Only the named steps, in the given order (e.g. a bench building history: ingest,
    conform, features); ops.runs gets their records at the end."""
    steps = dict(STEPS)
    unknown = [n for n in names if n not in steps]
    if unknown:
        raise ValueError(f"unknown steps {unknown}; steps: {list(steps)}")
    return run_job(ctx, lambda ctx: [steps[name](ctx) for name in names])


def format_summary(summaries: list[StepSummary]) -> str:
    lines = [f"{'step':10s} {'rows in':>12s} {'rows out':>12s} {'quarantined':>12s} "
             f"{'seconds':>8s}"]
    for s in summaries:
        lines.append(f"{s.step:10s} {s.rows_in:>12,} {s.rows_out:>12,} {s.quarantined:>12,} "
                     f"{s.seconds:>8.1f}")
    return "\n".join(lines)
