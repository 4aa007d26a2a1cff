"""
### crosslink nightly

The day's source extracts → bronze (gated) → silver, then a run report. Every task is
`spark-submit jobs/<step>.py --date <business date>` on the configured Spark connection; the
jobs hold the logic and are rerunnable for a date (a rerun replaces that date's output).

```
ingest_<source> (one per source, parallel) ─► gate_bronze ─► conform ─► report
```

- **ingest_<source>**: `jobs/ingest.py --source <source>`: landing → `bronze.<source>`, bad
  records → `bronze.quarantine` (`airflow.ingest_task_per_source: false` makes it one
  `ingest` task for every source: one Spark JVM, for small machines).
- **gate_bronze**: `jobs/gate.py --layer bronze`: every source ingested, quarantine rates,
  lake vs run log, each bronze partition against its suite (results go to Data Docs).
- **conform**: `jobs/conform.py`: bronze → silver; publishes the asset
  `crosslink://lake/silver/transactions`.
- **report**: `jobs/report.py`: `$CROSSLINK_HOME/reports/<date>/nightly.md`.

**Business date** = the run's logical date, as a calendar day in `airflow.timezone`, plus
`airflow.business_date_offset_days` (a run due at 01:30 on the 6th processes the 5th).
Schedule, retries, timeouts and the connection come from `conf/*/pipeline.yaml` (`airflow:`).
Locally: `crosslink airflow test --date D` (no scheduler) or `crosslink airflow ui`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, Asset, CronTriggerTimetable, chain

from crosslink.config import load_config
from crosslink.sources import SOURCES
from crosslink.tables import table

JOBS = Path(__file__).resolve().parent.parent / "jobs"
CONFIG = load_config()                     # small YAML files, validated: no Spark, no network
AIRFLOW = CONFIG.pipeline.airflow
BUSINESS_DATE = "{{ business_date(dag_run) }}"


def business_date(dag_run) -> str:
    """The run's business date (a manual run without a logical date counts from when it was
    due, like a scheduled one)."""
    due = pendulum.instance(dag_run.logical_date or dag_run.run_after)
    day = due.in_timezone(AIRFLOW.timezone).date()
    return (day + dt.timedelta(days=AIRFLOW.business_date_offset_days)).isoformat()


def table_asset(name: str) -> Asset:
    """A lake table as an Airflow asset, named by its URI under the lake."""
    spec = table(name)
    return Asset(f"crosslink://lake/{spec.layer}/{spec.short_name}",
                 extra={"table": name, "partition_by": ",".join(spec.partition_by)})


def spark_job(task_id: str, job: str, *args: str, **kwargs) -> SparkSubmitOperator:
    """`spark-submit jobs/<job>.py --date <business date> <args>` as a task."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=str(JOBS / f"{job}.py"),
        application_args=["--date", BUSINESS_DATE, *args],
        conn_id=AIRFLOW.spark_conn_id,
        name=f"crosslink-{task_id}",
        driver_memory=CONFIG.spark.driver_memory,
        conf={"spark.log.level": "WARN"},  # task logs: the job's output, not Spark start-up
        **kwargs,
    )


with DAG(
    dag_id="crosslink_nightly",
    schedule=CronTriggerTimetable(AIRFLOW.schedule, timezone=AIRFLOW.timezone),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,                     # nights write the same tables: one at a time
    max_active_tasks=AIRFLOW.max_active_tasks,
    default_args={
        "owner": "crosslink",
        "retries": AIRFLOW.retries,
        "retry_delay": dt.timedelta(minutes=AIRFLOW.retry_delay_minutes),
        "execution_timeout": dt.timedelta(minutes=AIRFLOW.task_timeout_minutes),
    },
    user_defined_macros={"business_date": business_date},
    doc_md=__doc__,
    tags=["crosslink", "nightly", "spark"],
) as dag:
    if AIRFLOW.ingest_task_per_source:
        ingest = [spark_job(f"ingest_{source}", "ingest", "--source", source)
                  for source in SOURCES]
    else:
        ingest = [spark_job("ingest", "ingest")]
    gate_bronze = spark_job("gate_bronze", "gate", "--layer", "bronze")
    # the last table conform writes; later steps publish theirs (gold.prompts is the headline)
    conform = spark_job("conform", "conform", outlets=[table_asset("silver.transactions")])
    report = spark_job("report", "report")

    # the nightly steps in order; a new step (features, score, decide, route) goes before report
    chain(ingest, gate_bronze, conform, report)
