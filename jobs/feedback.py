"""Feedback: the downstream systems' reports on the prompts → feedback.prompt_events and each
prompt's workflow state (feedback.prompt_status).

    spark-submit jobs/feedback.py --date 2026-01-05

1. Ingests the day's feedback extracts (teller_events.csv, crm_events.jsonl,
   channel_events.parquet; `crosslink.sources.FEEDBACK_SOURCES`) with the same parsing,
   quarantine, rate gate and bronze suite as every source; a system that sent no file had
   nothing to report.
2. Conforms them into feedback.prompt_events (`crosslink.feedback.events`): events of prompts
   crosslink never issued, dated before the prompt or already stored are quarantined with
   their reasons (source `prompt_events`).
3. Writes the state, as of the date, of every prompt of the look-back
   (`crosslink.feedback.workflow`) to feedback.prompt_status.

Rerunning a date replaces its events, its status snapshot and its quarantine rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crosslink.context import JobContext, run_for_date
from crosslink.feedback import events as fb_events
from crosslink.feedback import workflow
from crosslink.sources import FEEDBACK_SOURCES
from jobs import ingest

EVENTS, STATUS, PROMPTS = "feedback.prompt_events", "feedback.prompt_status", "gold.prompts"


@dataclass
class FeedbackResult:
    read: int = 0
    events: int = 0
    rejected: int = 0
    prompts: int = 0
    states: dict | None = None

    def describe(self) -> str:
        states = ", ".join(f"{k}={v}" for k, v in sorted((self.states or {}).items()))
        return (f"events={self.events} of {self.read} reported (rejected {self.rejected}); "
                f"prompts tracked={self.prompts}: {states or 'none'}")


def lookback_days(ctx: JobContext) -> int:
    """How far back a prompt can still get events: its life plus late handling."""
    return ctx.config.policy.contact.prompt_ttl_days + 7


def run(ctx: JobContext) -> FeedbackResult:
    result = FeedbackResult()
    quarantined: list = []
    sources = list(FEEDBACK_SOURCES)
    try:
        for source in sources:
            result.read += ingest.ingest_source(ctx, source, quarantined).rows_written
        with ctx.run_log.step("feedback") as rec:
            conform_events(ctx, result, quarantined)
            track(ctx, result)
            rec.rows_read, rec.rows_written = result.read, result.events
            rec.rows_quarantined = result.rejected
            rec.message = result.describe()
    finally:
        ingest.write_quarantine(ctx, quarantined, [*sources, fb_events.REJECT_SOURCE])
    print(result.describe())
    return result


def conform_events(ctx: JobContext, result: FeedbackResult, quarantined: list) -> None:
    day = {"business_date": ctx.business_date}
    bronze = [ctx.lake.read(f"bronze.{s}", where=day) for s in FEEDBACK_SOURCES]
    unified = fb_events.unified(*bronze, ctx.partition("silver.staff"))
    first, yesterday = ctx.days_ago(lookback_days(ctx)), ctx.days_ago(1)
    prompts = ctx.between(PROMPTS, first, yesterday)
    earlier = ctx.between(EVENTS, first, yesterday).select("event_id")
    checked = fb_events.checked(unified, prompts, earlier).localCheckpoint()
    ingested_at = dt.datetime.now(dt.UTC)
    rejected = fb_events.rejected(checked, ingested_at).localCheckpoint()
    quarantined.append(rejected)
    kept = fb_events.prompt_events(checked)
    ctx.lake.replace(kept, EVENTS, {"event_date": ctx.business_date})
    result.rejected = rejected.count()
    result.events = ctx.lake.count(EVENTS, where={"event_date": ctx.business_date})


def track(ctx: JobContext, result: FeedbackResult) -> None:
    """The workflow state of every prompt of the look-back, as of the date."""
    days = lookback_days(ctx)
    prompts = ctx.between(PROMPTS, ctx.days_ago(days), ctx.days_ago(1))
    seen = ctx.between(EVENTS, ctx.days_ago(days + 1))
    states = workflow.status(prompts, seen, ctx.business_date).localCheckpoint()
    ctx.lake.replace(states, STATUS, {"snapshot_date": ctx.business_date})
    result.states = {r["status"]: r["count"] for r in states.groupBy("status").count().collect()}
    result.prompts = sum(result.states.values())


def main(argv: list[str] | None = None) -> None:
    run_for_date(__doc__, run, argv)


if __name__ == "__main__":
    main()
