"""
### crosslink maintenance

Weekly upkeep of `$CROSSLINK_HOME`: every task is `spark-submit jobs/maintenance.py --date
<as-of date> --step <step>` on the configured Spark connection.

```
compact_tables ─► vacuum_tables        clean_old_files
```

- **compact_tables**: every lake table in the registry: small files rewritten into few large
  ones (Delta `optimize.compact()`; same rows, one new version).
- **vacuum_tables**: files no version within `airflow.maintenance.vacuum_retention_hours`
  needs are deleted, with staging leftovers of crashed writes.
- **clean_old_files**: `landing/<date>/`, `exports/<date>/` and Great Expectations validation
  results older than the configured days before the as-of date are deleted.

**As-of date** = the run's logical date, as a calendar day in `airflow.timezone`, plus
`airflow.business_date_offset_days` (the nightly's last business date). Cut-offs count back
from it, never from the clock. Schedule and limits: `airflow.maintenance` in
`conf/*/pipeline.yaml`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, CronTriggerTimetable

from crosslink.config import load_config

JOBS = Path(__file__).resolve().parent.parent / "jobs"
CONFIG = load_config()                     # small YAML files, validated: no Spark, no network
AIRFLOW = CONFIG.pipeline.airflow
AS_OF_DATE = "{{ business_date(dag_run) }}"


def business_date(dag_run) -> str:
    """The run's as-of business date (same rule as the nightly DAG's)."""
    due = pendulum.instance(dag_run.logical_date or dag_run.run_after)
    day = due.in_timezone(AIRFLOW.timezone).date()
    return (day + dt.timedelta(days=AIRFLOW.business_date_offset_days)).isoformat()


def maintenance_step(task_id: str, step: str) -> SparkSubmitOperator:
    """`spark-submit jobs/maintenance.py --date <as-of date> --step <step>` as a task."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=str(JOBS / "maintenance.py"),
        application_args=["--date", AS_OF_DATE, "--step", step],
        conn_id=AIRFLOW.spark_conn_id,
        name=f"crosslink-{task_id}",
        driver_memory=CONFIG.spark.driver_memory,
        conf={"spark.log.level": "WARN"},  # task logs: the job's output, not Spark start-up
    )


with DAG(
    dag_id="crosslink_maintenance",
    schedule=CronTriggerTimetable(AIRFLOW.maintenance.schedule, timezone=AIRFLOW.timezone),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "crosslink",
        "retries": AIRFLOW.retries,
        "retry_delay": dt.timedelta(minutes=AIRFLOW.retry_delay_minutes),
        "execution_timeout": dt.timedelta(minutes=AIRFLOW.task_timeout_minutes),
    },
    user_defined_macros={"business_date": business_date},
    doc_md=__doc__,
    tags=["crosslink", "maintenance", "spark"],
) as dag:
    compact = maintenance_step("compact_tables", "compact")
    vacuum = maintenance_step("vacuum_tables", "vacuum")
    clean = maintenance_step("clean_old_files", "clean")

    compact >> vacuum          # vacuum then drops what compaction replaced, once out of retention
