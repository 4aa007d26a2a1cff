"""The DAGs parse, carry their settings from config, and wire the expected tasks."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pendulum
import pytest

from crosslink.airflow_local import logical_date
from crosslink.config import AirflowConfig, load_config
from crosslink.sources import SOURCES
from tests.dags.conftest import DAGS_FOLDER, REPO

NIGHTLY, MAINTENANCE, RETRAIN = "crosslink_nightly", "crosslink_maintenance", "crosslink_retrain"
DAGS = [NIGHTLY, MAINTENANCE, RETRAIN]
# the nightly's steps after ingest, in order
NIGHTLY_CHAIN = ["gate_bronze", "conform", "feedback", "features", "score", "decide", "route",
                 "gate_gold", "publish", "report"]
# credit runs beside the prompt steps: a late ledger never holds up the morning's prompts
CREDIT_EDGES = {("feedback", "credit"), ("credit", "report")}
BUSINESS_DATE = "{{ business_date(dag_run) }}"


def _bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


@pytest.fixture(scope="module")
def bag():
    return _bag()


@pytest.fixture(scope="module")
def settings() -> AirflowConfig:
    return load_config().pipeline.airflow


def _edges(dag) -> set[tuple[str, str]]:
    return {(t.task_id, d) for t in dag.tasks for d in t.downstream_task_ids}


def _chain_edges(tasks: list[str]) -> set[tuple[str, str]]:
    return set(zip(tasks, tasks[1:], strict=False))


def test_no_import_errors_and_every_dag(bag):
    assert bag.import_errors == {}
    assert set(DAGS) <= set(bag.dags)


@pytest.mark.parametrize("dag_id", DAGS)
def test_dag_settings_come_from_config(bag, settings, dag_id):
    dag = bag.dags[dag_id]
    cron = {NIGHTLY: settings.schedule, MAINTENANCE: settings.maintenance.schedule,
            RETRAIN: settings.retrain.schedule}[dag_id]
    assert dag.timetable.expression == cron
    assert str(getattr(dag.timetable.timezone, "name", dag.timetable.timezone)) == settings.timezone
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.start_date == pendulum.datetime(2026, 1, 1, tz="UTC")
    assert dag.start_date.tzinfo.name == "UTC"
    assert "crosslink" in dag.tags and len(dag.tags) >= 2
    assert dag.doc_md and dag_id.split("_")[1] in dag.doc_md
    for task in dag.tasks:
        assert task.owner == "crosslink"
        assert task.retries == settings.retries
        assert task.retry_delay == dt.timedelta(minutes=settings.retry_delay_minutes)
        assert task.execution_timeout == dt.timedelta(minutes=settings.task_timeout_minutes)


def test_nightly_tasks_and_edges(bag):
    dag = bag.dags[NIGHTLY]
    ingest = {f"ingest_{source}" for source in SOURCES}
    assert set(dag.task_ids) == ingest | set(NIGHTLY_CHAIN) | {"credit"}
    assert _edges(dag) == ({(task, "gate_bronze") for task in ingest}
                           | _chain_edges(NIGHTLY_CHAIN) | CREDIT_EDGES)


def test_one_ingest_task_when_configured(conf_copy):
    (conf_copy / "local" / "pipeline.yaml").write_text("airflow:\n  ingest_task_per_source: "
                                                       "false\n")
    dag = _bag().dags[NIGHTLY]
    assert _edges(dag) == _chain_edges(["ingest", *NIGHTLY_CHAIN]) | CREDIT_EDGES
    assert dag.get_task("ingest").application_args == ["--date", BUSINESS_DATE]


def test_maintenance_tasks_and_edges(bag):
    dag = bag.dags[MAINTENANCE]
    assert set(dag.task_ids) == {"compact_tables", "vacuum_tables", "clean_old_files"}
    assert _edges(dag) == {("compact_tables", "vacuum_tables")}


def test_retrain_tasks_and_edges(bag):
    dag = bag.dags[RETRAIN]
    assert _edges(dag) == _chain_edges(["train", "promote", "publish_models"])
    assert dag.get_task("train").application_args == ["--date", BUSINESS_DATE, "--no-promote"]
    assert dag.get_task("promote").application_args == ["--date", BUSINESS_DATE]
    publish = dag.get_task("publish_models")
    assert publish.op_args == [BUSINESS_DATE] or publish.op_args == (BUSINESS_DATE,)
    (alias,) = publish.outlets
    assert alias.name == "crosslink-promoted-models"


def test_retrain_products_come_from_config(conf_copy):
    (conf_copy / "local" / "pipeline.yaml").write_text(
        "airflow:\n  retrain:\n    products: [credit_card, mortgage]\n")
    dag = _bag().dags[RETRAIN]
    for task_id in ("train", "promote"):
        assert dag.get_task(task_id).application_args[-2:] == ["--products",
                                                                "credit_card,mortgage"]


# DAGs with tasks that are not spark-submits (Airflow bookkeeping: asset events)
SPARK_TASKS = {RETRAIN: {"train", "promote"}}


@pytest.mark.parametrize("dag_id", DAGS)
def test_every_spark_task_submits_a_job_module_for_the_business_date(bag, settings, dag_id):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    dag = bag.dags[dag_id]
    wanted = SPARK_TASKS.get(dag_id, set(dag.task_ids))
    for task in (dag.get_task(t) for t in wanted):
        assert isinstance(task, SparkSubmitOperator)
        assert task._conn_id == settings.spark_conn_id
        app = task.application
        assert app.startswith(str(REPO / "jobs")) and app.endswith(".py")
        assert (REPO / "jobs" / app.rsplit("/", 1)[1]).exists()
        assert task.application_args[:2] == ["--date", BUSINESS_DATE]
    source = (DAGS_FOLDER / f"{dag_id}.py").read_text()
    assert str(REPO) not in source and "now()" not in source


def test_spark_yaml_settings_reach_every_spark_submit(conf_copy):
    """JVM start-up settings (here the JIT flag the DAG run test uses) only take effect on
    the spark-submit command line: every task carries spark.yaml's `conf`."""
    (conf_copy / "local" / "spark.yaml").write_text(
        "conf:\n  spark.driver.extraJavaOptions: -XX:TieredStopAtLevel=1\n")
    bag = _bag()
    for dag_id in DAGS:
        dag = bag.dags[dag_id]
        for task in (dag.get_task(t) for t in SPARK_TASKS.get(dag_id, set(dag.task_ids))):
            assert task.conf["spark.driver.extraJavaOptions"] == "-XX:TieredStopAtLevel=1"
            assert task.conf["spark.sql.session.timeZone"] == "UTC"      # from base
            assert task.conf["spark.log.level"] == "WARN"


def test_ingest_tasks_name_their_source(bag):
    dag = bag.dags[NIGHTLY]
    for source in SOURCES:
        args = dag.get_task(f"ingest_{source}").application_args
        assert args == ["--date", BUSINESS_DATE, "--source", source]
    assert dag.get_task("gate_bronze").application_args[2:] == ["--layer", "bronze"]


def test_conform_publishes_silver_transactions_and_publish_the_prompts(bag):
    dag = bag.dags[NIGHTLY]
    (silver,) = dag.get_task("conform").outlets
    assert silver.uri == "crosslink://lake/silver/transactions"
    assert silver.extra["table"] == "silver.transactions"
    (prompts,) = dag.get_task("publish").outlets
    assert prompts.uri == "crosslink://lake/gold/prompts"
    assert dag.get_task("publish").application.endswith("/jobs/export.py")
    assert dag.get_task("gate_gold").application_args[2:] == ["--layer", "gold"]
    assert all(not t.outlets for t in dag.tasks if t.task_id not in ("conform", "publish"))


def _render(dag, logical, run_after=None) -> str:
    run = SimpleNamespace(logical_date=logical, run_after=run_after)
    return dag.get_template_env().from_string(BUSINESS_DATE).render(dag_run=run)


def test_business_date_is_the_logical_day_in_the_bank_time_zone_plus_offset(bag, settings):
    dag = bag.dags[NIGHTLY]
    assert settings.timezone == "Asia/Shanghai" and settings.business_date_offset_days == -1
    # due 01:30 in Shanghai on the 6th = 17:30 UTC on the 5th: the business date is the 5th
    assert _render(dag, pendulum.datetime(2026, 1, 5, 17, 30, tz="UTC")) == "2026-01-05"
    # 16:30 UTC on the 5th is still the 5th in Shanghai (00:30 on the 6th is not)
    assert _render(dag, pendulum.datetime(2026, 1, 5, 15, 59, tz="UTC")) == "2026-01-04"
    # a manual run without a logical date counts from when it was due
    assert _render(dag, None, dt.datetime(2026, 1, 5, 17, 30, tzinfo=dt.UTC)) == "2026-01-05"


@pytest.mark.parametrize("schedule, timezone, offset", [
    ("30 1 * * *", "Asia/Shanghai", -1),
    ("0 22 * * *", "Asia/Shanghai", 0),
    ("15 4 * * *", "America/New_York", -2),
    ("0 3 * * 0", "UTC", -1),                  # weekly: no run on most days
])
def test_local_runs_map_a_business_date_back_to_its_logical_date(schedule, timezone, offset):
    settings = AirflowConfig(schedule=schedule, timezone=timezone,
                             business_date_offset_days=offset)
    for day in (dt.date(2026, 1, 5), dt.date(2026, 3, 8), dt.date(2026, 11, 1)):  # DST edges
        when = logical_date(day, settings)
        assert when.utcoffset() == dt.timedelta(0)
        local = when.astimezone(pendulum.timezone(timezone)).date()
        assert local + dt.timedelta(days=offset) == day


def test_local_run_is_the_scheduled_run_of_the_business_date(bag, settings):
    when = logical_date(dt.date(2026, 1, 5), settings)
    assert when == dt.datetime(2026, 1, 5, 17, 30, tzinfo=dt.UTC)     # 01:30 on the 6th, +08
    assert _render(bag.dags[NIGHTLY], pendulum.instance(when)) == "2026-01-05"
