"""`crosslink scorecard --period P`: a period's scorecards as a table for people to read."""

from __future__ import annotations

from pyspark.sql import functions as F

from crosslink.context import JobContext

HEADER = (f"{'level':7s} {'unit':24s} {'role':17s} {'people':>6s} {'base':>7s} {'thresh':>7s} "
          f"{'met':>4s} {'linked':>8s} {'counted':>8s} {'team':>5s} {'final':>8s}")
LEVELS = {"branch": 0, "team": 1, "person": 2}


def show_scorecards(ctx: JobContext, period: str, *, level: str | None = None,
                    org: str | None = None, limit: int = 30) -> str:
    if not ctx.lake.exists("perf.scorecards"):
        return "no perf.scorecards yet: run the nightly pipeline (step credit) first"
    cards = ctx.lake.read("perf.scorecards").where(F.col("period") == period)
    if level:
        cards = cards.where(F.col("level") == level)
    if org:
        cards = cards.where(F.col("org_id") == org)
    rows = sorted((r.asDict() for r in cards.collect()),
                  key=lambda r: (r["org_id"] or "", LEVELS[r["level"]], r["role"] or "",
                                 -r["final_points"], r["unit_id"]))
    if not rows:
        return f"no scorecards for period {period}"
    as_of = max(r["as_of"] for r in rows)
    shown = min(limit, len(rows))
    lines = [f"scorecards {period} (as of {as_of}): {len(rows)} rows, first {shown}", HEADER]
    for r in rows[:limit]:
        lines.append(f"{r['level']:7s} {r['unit_id']:24s} {r['role'] or '-':17s} "
                     f"{r['people']:>6d} {r['base_points']:>7.1f} {r['threshold']:>7.1f} "
                     f"{'yes' if r['threshold_met'] else 'no':>4s} {r['linked_points']:>8.2f} "
                     f"{r['counted_points']:>8.2f} {r['team_factor']:>5.2f} "
                     f"{r['final_points']:>8.2f}")
    return "\n".join(lines)
