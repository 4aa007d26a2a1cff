"""`crosslink prompts`: a day's prompt list as a member of staff would read it."""

from __future__ import annotations

import datetime as dt

from crosslink.config import Config


def _filters(role, branch, channel) -> dict:
    return {k: v for k, v in (("role", role), ("branch_id", branch), ("channel", channel)) if v}


def show_prompts(config: Config, day: dt.date, *, role: str | None = None,
                 branch: str | None = None, channel: str | None = None, limit: int = 20) -> str:
    """Best prompts first, grouped by assignee; customer ids masked as in the exports."""
    from pyspark.sql import functions as F

    from crosslink.lake import Lake
    from crosslink.spark import get_spark
    from jobs.export import mask_id

    lake = Lake(get_spark(config.spark), config.home)
    if not lake.exists("gold.prompts"):
        return f"no gold.prompts under {config.home / 'lake'}: run the nightly pipeline first"
    df = lake.read("gold.prompts", where={"business_date": day})
    for column, value in _filters(role, branch, channel).items():
        df = df.where(F.col(column) == value)
    total = df.count()
    rows = df.orderBy(F.col("value").desc(), "prompt_id").limit(limit).collect()
    title = ", ".join(f"{k}={v}" for k, v in _filters(role, branch, channel).items()) or "all"
    lines = [f"{total:,} prompts on {day} ({title}); best {len(rows)} by value", ""]
    for r in rows:
        lines.append(f"[{r.tier}] {r.prompt_id}  {mask_id(r.customer_id)}  {r.product_code:20s} "
                     f"value {r.value:7.2f}  {r.role} via {r.channel} -> {r.assignee_id} "
                     f"({r.org_id}){'  ' + r.referral_path if r.referral_path else ''}")
        lines.append(f"      {r.pitch_en}")
        lines.append(f"      {r.pitch_zh}")
        if r.reasons_en:
            lines.append(f"      why: {'; '.join(r.reasons_en)}")
    return "\n".join(lines)
