"""`ops.runs`: one row per step (and source) of the latest run of a business date.

A `RunLog` buffers the records of a job (or of a whole nightly run) and writes them in one
commit, replacing the narrowest partition that covers them: (date, step, source) for one
Airflow task, (date, step) for a job over every source, (date) for the nightly run. So a rerun
leaves exactly the rows of the latest attempt; earlier attempts stay readable through Delta
time travel.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from crosslink.tables import table

NO_SOURCE = "all"


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class StepRecord:
    step: str
    source: str = NO_SOURCE
    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    message: str = ""
    status: str = "running"
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished_at: dt.datetime | None = None
    seconds: float = 0.0


class RunLog:
    def __init__(self, lake, run_id: str, business_date: dt.date):
        self.lake, self.run_id, self.business_date = lake, run_id, business_date
        self.records: list[StepRecord] = []

    @contextmanager
    def step(self, step: str, source: str = NO_SOURCE):
        """Time a step and keep its record, whether it succeeds or fails."""
        record = StepRecord(step=step, source=source)
        self.records.append(record)
        start = time.perf_counter()
        try:
            yield record
            record.status = "success"
        except BaseException as exc:
            record.status = "failed"
            detail = f"{type(exc).__name__}: {exc}"
            record.message = f"{record.message} {detail}".strip()[:4000]
            raise
        finally:
            record.seconds = round(time.perf_counter() - start, 3)
            record.finished_at = dt.datetime.now(dt.UTC)

    @staticmethod
    def scope(business_date: dt.date, records: list) -> dict:
        """The narrowest partition holding `records` (all of one step): the step and its
        sources — so a run of some steps or sources (the feedback job ingests three) never
        erases the records of the others."""
        return {"business_date": business_date, "step": records[0].step,
                "source": sorted({r.source for r in records})}

    def flush(self) -> None:
        """Write the records, one commit per step (a rerun of a step replaces its records)."""
        if not self.records:
            return
        by_step: dict[str, list] = {}
        for record in self.records:
            by_step.setdefault(record.step, []).append(record)
        for records in by_step.values():
            rows = [(self.run_id, self.business_date, r.step, r.source, r.status, r.started_at,
                     r.finished_at, r.seconds, r.rows_read, r.rows_written, r.rows_quarantined,
                     r.rows_duplicate, r.message) for r in records]
            df = self.lake.spark.createDataFrame(rows, table("ops.runs").ddl)
            self.lake.replace(df, "ops.runs", self.scope(self.business_date, records))
        self.records = []
