"""What every job needs for one business date: config, Spark, the lake, a run id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from crosslink.config import Config, load_config
from crosslink.lake import Lake
from crosslink.runs import RunLog, new_run_id


@dataclass
class JobContext:
    config: Config
    spark: object
    lake: Lake
    business_date: dt.date
    run_id: str
    run_log: RunLog

    @property
    def home(self) -> Path:
        return self.config.home

    def landing_file(self, file_name: str) -> Path:
        return self.home / "landing" / self.business_date.isoformat() / file_name


def build_context(business_date: dt.date, config: Config | None = None,
                  run_id: str | None = None, spark=None) -> JobContext:
    """Config is validated before Spark starts; the session is reused when one is active."""
    config = config or load_config()
    if spark is None:
        from crosslink.spark import get_spark

        spark = get_spark(config.spark)
    config.home.mkdir(parents=True, exist_ok=True)
    lake = Lake(spark, config.home)
    run_id = run_id or new_run_id()
    return JobContext(config, spark, lake, business_date, run_id,
                      RunLog(lake, run_id, business_date))


def run_job(ctx: JobContext, job, *args):
    """Run `job(ctx, *args)`; the run log is written whether it succeeds or fails."""
    try:
        return job(ctx, *args)
    finally:
        ctx.run_log.flush()


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"--date must be YYYY-MM-DD, got {text!r}") from None
