"""The run log: each step's records replace only that step's records of the date."""

from __future__ import annotations

import datetime as dt

from crosslink.lake import Lake
from crosslink.runs import RunLog

DAY = dt.date(2026, 1, 5)


def _run(lake, steps: list[str], rows: int) -> None:
    log = RunLog(lake, f"run-{rows}", DAY)
    for step in steps:
        with log.step(step) as rec:
            rec.rows_written = rows
    log.flush()


def test_a_run_of_some_steps_keeps_the_records_of_the_others(spark, home):
    lake = Lake(spark, home)
    _run(lake, ["ingest", "conform", "features"], 1)
    _run(lake, ["score", "decide"], 2)            # a rerun from score on
    _run(lake, ["decide"], 3)                      # a rerun of one step
    got = {r.step: r.rows_written for r in lake.read("ops.runs").collect()}
    assert got == {"ingest": 1, "conform": 1, "features": 1, "score": 2, "decide": 3}
