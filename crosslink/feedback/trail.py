"""`crosslink prompt-trail PROMPT_ID`: one prompt's whole workflow — the prompt as issued, every
event (who, in which role and organisation, when, reported by which system), its state and the
credit it earned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pyspark.sql import functions as F

from crosslink.context import JobContext
from crosslink.feedback import workflow


@dataclass
class Trail:
    prompt_id: str
    prompt: dict | None = None
    events: list[dict] = field(default_factory=list)
    state: dict | None = None
    credit: list[dict] = field(default_factory=list)


def prompt_trail(ctx: JobContext, prompt_id: str) -> Trail:
    trail = Trail(prompt_id)
    lake = ctx.lake
    if not lake.exists("gold.prompts"):
        return trail
    prompt = lake.read("gold.prompts").where(F.col("prompt_id") == prompt_id)
    found = prompt.collect()
    if not found:
        return trail
    trail.prompt = found[0].asDict()
    if lake.exists("feedback.prompt_events"):
        events = (lake.read("feedback.prompt_events")
                  .where(F.col("event_date") > F.lit(trail.prompt["business_date"]))
                  .where(F.col("prompt_id") == prompt_id)).localCheckpoint()
        trail.events = [r.asDict() for r in events.orderBy("event_ts", "event_id").collect()]
        as_of = max([e["event_date"] for e in trail.events],
                    default=trail.prompt["business_date"])
        as_of = max(as_of, _latest_feedback_date(ctx) or as_of)
        trail.state = workflow.status(prompt, events, as_of).first().asDict()
    if lake.exists("perf.credit_ledger"):
        credit = (lake.read("perf.credit_ledger").where(F.col("prompt_id") == prompt_id)
                  .orderBy("sale_id", F.col("share").desc(), "participant_id"))
        trail.credit = [r.asDict() for r in credit.collect()]
    return trail


def _latest_feedback_date(ctx: JobContext) -> dt.date | None:
    row = ctx.lake.read("feedback.prompt_status").agg(F.max("snapshot_date")).first() \
        if ctx.lake.exists("feedback.prompt_status") else None
    return row[0] if row else None


def _who(role, person, org) -> str:
    return " ".join(x for x in (role or "", person or "", f"({org})" if org else "") if x)


def _local(ts: dt.datetime, timezone: str) -> str:
    """An event time (Spark's session time zone is UTC) in the bank's time zone."""
    from zoneinfo import ZoneInfo

    return ts.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def format_trail(trail: Trail, timezone: str = "UTC") -> str:
    """The trail as text; event times in `timezone` (pipeline.yaml timezone)."""
    from jobs.export import mask_id

    if trail.prompt is None:
        return f"no prompt {trail.prompt_id} in gold.prompts"
    p = trail.prompt
    lines = [f"prompt {p['prompt_id']}  issued {p['business_date']}  expires {p['expiry_date']}",
             f"  customer {mask_id(p['customer_id'])}  product {p['product_code']} "
             f"({p['class']}, tier {p['tier']}, value {p['value']:.2f})",
             f"  routed by {p['route_id']}: {_who(p['role'], p['assignee_id'], p['org_id'])} via "
             f"{p['channel']}" + (f"; referral path {p['referral_path']}"
                                  if p['referral_path'] else ""),
             f"  pitch: {p['pitch_en']}", "", f"events ({timezone}):"]
    if not trail.events:
        lines.append("  (none reported)")
    for e in trail.events:
        actor = _who(e["actor_role"], e["actor_id"], e["actor_org_id"])
        to = (f" -> {_who(e['referred_role'], e['referred_staff_id'], e['referred_org_id'])}"
              if e["referred_staff_id"] else "")
        lines.append(f"  {_local(e['event_ts'], timezone)}  {e['event_type']:10s} {actor}{to}"
                     f"   [{e['source']}]")
    if trail.state:
        s = trail.state
        lines += ["", f"state as of {s['snapshot_date']}: {s['status']} since "
                      f"{s['status_date']}; participants: "
                      f"{', '.join(s['participants']) or 'none'}"]
    lines += ["", "credit:"]
    if not trail.credit:
        lines.append("  (no credited sale)")
    for c in trail.credit:
        lines.append(f"  sale {c['sale_id']} opened {c['open_date']}: {c['participant_id']} "
                     f"{c['role']} share {c['share']:.2f} = {c['points']:.2f} points "
                     f"(config {c['config_version']}, credited {c['business_date']})")
    return "\n".join(lines)
