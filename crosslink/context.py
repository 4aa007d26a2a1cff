"""What every job needs for one business date: config, Spark, the lake, a run id."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from crosslink.config import Config, load_config
from crosslink.lake import Lake, TableNotFoundError
from crosslink.runs import RunLog, new_run_id
from crosslink.tables import table


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

    def days_ago(self, days: int) -> dt.date:
        return self.business_date - dt.timedelta(days=days)

    def between(self, name: str, first: dt.date, last: dt.date | None = None):
        """Rows of a lake table whose first partition column lies in [first, last] (last: the
        business date unless given); an absent table is an empty frame of its schema."""
        from pyspark.sql import functions as F

        if not self.lake.exists(name):
            return self._absent(name)
        column = F.col(table(name).partition_by[0])
        return self.lake.read(name).where(
            column.between(F.lit(first), F.lit(last or self.business_date)))

    def partition(self, name: str, day: dt.date | None = None, required: bool = False):
        """One date's rows of a lake table (the business date unless given), by its first
        partition column. An absent table is an empty frame of its schema, or, when the job
        cannot do without it (`required`), a TableNotFoundError naming the table."""
        if not self.lake.exists(name):
            return self._absent(name, required)
        return self.lake.read(name, where={table(name).partition_by[0]:
                                           day or self.business_date})

    def _absent(self, name: str, required: bool = False):
        """What a read of a table that does not exist yet returns: an empty frame of its
        schema, or a TableNotFoundError naming it when the job cannot do without it."""
        if required:
            raise TableNotFoundError(f"{name} does not exist under {self.home}: run the "
                                     f"steps that write it for {self.business_date} first")
        return self.spark.createDataFrame([], table(name).ddl)


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
    """Run `job(ctx, *args)`; the run log is written whether it succeeds or fails, and the Data
    Docs of the job's quality gates are rendered once, at the end (`quality.docs_batch`)."""
    from crosslink import quality

    try:
        with quality.docs_batch(ctx.home):
            return job(ctx, *args)
    finally:
        ctx.run_log.flush()


def run_for_date(doc: str, job, argv: list[str] | None = None):
    """The spark-submit entry point of a job that takes only `--date`: parse the arguments
    (`doc`'s first line is the help), run `job(ctx)` for the date, return its result."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    args = parser.parse_args(argv)
    return run_job(build_context(args.date), job)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"--date must be YYYY-MM-DD, got {text!r}") from None
