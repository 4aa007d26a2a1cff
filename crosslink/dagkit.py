"""What the DAG files share: the business-date macro, task defaults, the spark-submit task
of a job module, and the assets the DAGs publish.

DAG files import this at parse time, so it stays light: Airflow's SDK and the Spark provider's
operator class, the YAML config, nothing that starts Spark or loads MLflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import Asset, AssetAlias

from crosslink.config import AirflowConfig, Config
from crosslink.tables import table

JOBS = Path(__file__).resolve().parent.parent / "jobs"
BUSINESS_DATE = "{{ business_date(dag_run) }}"
START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")
PROMOTED_MODELS = AssetAlias("crosslink-promoted-models")


def business_date_macro(settings: AirflowConfig) -> Callable[[object], str]:
    """The `business_date(dag_run)` macro: the run's logical date as a calendar day in the
    bank's time zone, plus the configured offset. A manual run without a logical date counts
    from when it was due, like a scheduled one."""
    def business_date(dag_run) -> str:
        due = pendulum.instance(dag_run.logical_date or dag_run.run_after)
        day = due.in_timezone(settings.timezone).date()
        return (day + dt.timedelta(days=settings.business_date_offset_days)).isoformat()
    return business_date


def default_args(settings: AirflowConfig) -> dict:
    return {
        "owner": "crosslink",
        "retries": settings.retries,
        "retry_delay": dt.timedelta(minutes=settings.retry_delay_minutes),
        "execution_timeout": dt.timedelta(minutes=settings.task_timeout_minutes),
    }


def spark_job(config: Config, task_id: str, job: str, *args: str,
              **kwargs) -> SparkSubmitOperator:
    """`spark-submit jobs/<job>.py --date <business date> <args>` on the configured
    connection (local by default, a cluster when the connection says so), with spark.yaml's
    `conf`: settings read when the driver JVM starts (`spark.driver.extraJavaOptions`) only
    take effect on the command line, not in the job's session builder."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=str(JOBS / f"{job}.py"),
        application_args=["--date", BUSINESS_DATE, *args],
        conn_id=config.pipeline.airflow.spark_conn_id,
        name=f"crosslink-{task_id}",
        driver_memory=config.spark.driver_memory,
        # task logs: the job's output, not Spark start-up
        conf={**config.spark.conf, "spark.log.level": "WARN"},
        **kwargs,
    )


def table_asset(name: str) -> Asset:
    """A lake table as an Airflow asset, named by its URI under the lake."""
    spec = table(name)
    return Asset(f"crosslink://lake/{spec.layer}/{spec.short_name}",
                 extra={"table": name, "partition_by": ",".join(spec.partition_by)})


def model_asset(product: str) -> Asset:
    """A product's registered model (`crosslink.<product>`): an event means a new champion."""
    return Asset(f"crosslink://models/crosslink.{product}", extra={"product": product})
