"""`ops.runs`: one row per step (and source) of a run for a business date.

Each step replaces its own (business_date, step) partition, so a rerun of a date leaves one row
per step: the latest attempt. Earlier attempts stay readable through Delta time travel.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from crosslink.tables import table


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class StepRecord:
    step: str
    source: str = ""
    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    message: str = ""
    status: str = "running"
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished_at: dt.datetime | None = None
    seconds: float = 0.0


@contextmanager
def recorded(lake, run_id: str, business_date: dt.date, step: str, source: str = ""):
    """Time a step and write its ops.runs row, whether it succeeds or fails."""
    record = StepRecord(step=step, source=source)
    start = time.perf_counter()
    try:
        yield record
        record.status = "success"
    except BaseException as exc:
        record.status = "failed"
        record.message = (record.message + " " if record.message else "") + \
            f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        record.seconds = round(time.perf_counter() - start, 3)
        record.finished_at = dt.datetime.now(dt.UTC)
        write_records(lake, run_id, business_date, step, [record])


def write_records(lake, run_id: str, business_date: dt.date, step: str,
                  records: list[StepRecord]) -> None:
    rows = [(run_id, business_date, r.step, r.source, r.status, r.started_at, r.finished_at,
             r.seconds, r.rows_read, r.rows_written, r.rows_quarantined, r.rows_duplicate,
             r.message) for r in records]
    df = lake.spark.createDataFrame(rows, table("ops.runs").ddl)
    lake.replace(df, "ops.runs", {"business_date": business_date, "step": step})
