"""End to end through Airflow: `airflow dags test crosslink_nightly` on a small generated bank.

Every task is a real spark-submit of a job module, so each pays a JVM start. To keep CI short
the runs use `airflow.ingest_task_per_source: false` (one ingest task for all sources: ten
JVMs for a good night, one or two for a night stopped at the bronze gate) and `retries: 0`
(a failed task fails the run at once instead of after the retry delay). The per-source shape
is the same job with `--source`; its wiring is checked in test_dag_integrity. The drivers run
with the JIT's first tier only (`-XX:TieredStopAtLevel=1`): a task's JVM lives under a minute
on this bank, too short for the optimising compiler to pay back (wall time -10 to -20% a
task, CPU -35%), and run queries interpreted, as every test session does (TINY_DATA_CONF).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest
import yaml

from crosslink import airflow_local
from crosslink.config import conf_dir, load_config
from crosslink.lake import Lake
from crosslink.sources import SOURCES
from crosslink.tables import TABLES, table
from tests.conftest import TINY_DATA_CONF

pytestmark = pytest.mark.slow

START = dt.date(2026, 1, 5)
CI_OVERRIDES = """\
airflow:
  retries: 0
  ingest_task_per_source: false
"""


def _conf(root, pipeline_extra: str = ""):
    shutil.copytree(conf_dir() / "base", root / "base")
    (root / "local").mkdir()
    (root / "local" / "pipeline.yaml").write_text(CI_OVERRIDES + pipeline_extra)
    (root / "local" / "spark.yaml").write_text(yaml.safe_dump({
        "shuffle_partitions": 2,
        "conf": {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1", **TINY_DATA_CONF}}))
    return root


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    """A 300-customer, 2-day bank in its own CROSSLINK_HOME, and a CI copy of conf/."""
    from crosslink.generate import generate_bank

    root = tmp_path_factory.mktemp("airflow-e2e")
    home = root / "home"
    conf = _conf(root / "conf")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CROSSLINK_HOME", str(home))
        mp.setenv("CROSSLINK_CONF", str(conf))
        config = load_config()
        generate_bank(config, home, customers=300, days=2, seed=11, start=START)
        yield root, home, config


def _run(bank_root, config, day: dt.date, name: str):
    """`airflow dags test` for a business date; (exit status, task states, output)."""
    lines: list[str] = []
    code = airflow_local.dags_test(day, config, sink=lines.append,
                                   log_file=bank_root / f"{name}.log")
    return code, airflow_local.task_states(config), "\n".join(lines)


def _rows(spark, home, name: str, day: dt.date) -> int:
    lake = Lake(spark, home)
    if not lake.exists(name):
        return 0
    return lake.count(name, where={table(name).partition_by[0]: day})


TASKS = ["ingest", "gate_bronze", "conform", "feedback", "credit", "features", "score",
         "decide", "route", "gate_gold", "publish", "report"]
# ops.runs step of each task (the gates log as gate.<layer>)
STEPS = {"ingest", "gate.bronze", "conform", "feedback", "credit", "features", "score",
         "decide", "route", "gate.gold", "publish", "report"}


def _asset_events(config, uri: str) -> int:
    with sqlite3.connect(airflow_local.airflow_home(config) / "airflow.db") as con:
        return con.execute("SELECT count(*) FROM asset_event e JOIN asset a "
                           "ON a.id = e.asset_id WHERE a.uri = ?", (uri,)).fetchone()[0]


def test_nightly_dag_run_publishes_the_prompts_of_the_date(bank, spark):
    root, home, config = bank
    code, states, output = _run(root, config, START, "good-night")
    assert code == 0, output[-5000:]
    assert states == dict.fromkeys(TASKS, "success")
    assert f"--date {START}" in output                    # the templated business date

    lake = Lake(spark, home)
    runs = {(r["step"], r["source"]): r.asDict() for r in lake.read(
        "ops.runs", where={"business_date": START}).collect()}
    assert {("ingest", s) for s in SOURCES} <= set(runs)
    assert {step for step, _ in runs} == STEPS
    assert {r["status"] for r in runs.values()} == {"success"}

    assert _rows(spark, home, "silver.transactions", START) > 0
    prompts = lake.read("gold.prompts", where={"business_date": START}).toPandas()
    assert len(prompts) > 0 and prompts["prompt_id"].is_unique
    assert len(prompts) == runs[("route", "all")]["rows_written"]
    assert runs[("gate.gold", "all")]["message"] == "0 problem(s)"
    opportunities = _rows(spark, home, "gold.opportunities", START)
    assert opportunities == runs[("decide", "all")]["rows_written"] >= len(prompts)
    manifest = json.loads((home / "exports" / START.isoformat() / "manifest.json").read_text())
    assert manifest["prompts"] == len(prompts)

    report = (home / "reports" / START.isoformat() / "nightly.md").read_text()
    assert "Status: success" in report and "gold.prompts" in report
    assert (home / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()
    assert _asset_events(config, "crosslink://lake/silver/transactions") >= 1
    assert _asset_events(config, "crosslink://lake/gold/prompts") >= 1


def test_crosslink_backfill_rebuilds_the_airflow_night_exactly(bank, spark, capsys):
    """`crosslink backfill` (the in-process nightly, no Airflow) over the date Airflow ran:
    every table's partition of the date has the same content afterwards, and each table took
    exactly the commits of one night — a rerun replaces, it never appends. ops.runs differs
    by design (run ids, timings; the gates are Airflow tasks)."""
    from crosslink import cli

    _, home, _ = bank
    lake = Lake(spark, home)
    names = [n for n in TABLES if n != "ops.runs" and lake.exists(n)]
    assert {"silver.transactions", "gold.customer_features", "gold.prompts"} <= set(names)

    def partitions() -> dict:
        return {n: lake.checksum(n, where={table(n).partition_by[0]: START}) for n in names}

    before = partitions()
    versions = {n: lake.version(n) for n in [*names, "ops.runs"]}
    airflow_runs = {r.run_id for r in lake.read("ops.runs").select("run_id").collect()}
    manifest = home / "exports" / START.isoformat() / "manifest.json"
    exported = json.loads(manifest.read_text())
    cli.main(["backfill", "--start", START.isoformat(), "--end", START.isoformat()])
    assert "publish" in capsys.readouterr().out
    assert partitions() == before
    assert json.loads(manifest.read_text())["files"] == exported["files"]
    # one commit a table; the run log once per step, at the end of the night; the quarantine
    # twice: the night's sources, then the feedback extracts
    steps = {r.step for r in lake.read("ops.runs").collect() if r.run_id not in airflow_runs}
    assert {"ingest", "conform", "route", "publish"} <= steps
    for name, version in versions.items():
        commits = {"ops.runs": len(steps), "bronze.quarantine": 2}.get(name, 1)
        assert lake.version(name) == version + commits, f"{name}: expected {commits} commit(s)"


def test_failing_gate_fails_the_run_before_anything_is_published(bank, spark, monkeypatch):
    root, home, _ = bank
    day = START + dt.timedelta(days=1)
    strict = _conf(root / "conf-strict", "quality:\n  max_quarantine_rate: 0.0\n")
    monkeypatch.setenv("CROSSLINK_CONF", str(strict))
    config = load_config()
    assert config.pipeline.quality.max_quarantine_rate == 0.0

    code, states, output = _run(root, config, day, "strict-night")
    assert code != 0
    failed = {task for task, state in states.items() if state == "failed"}
    assert failed and all(t.startswith(("ingest", "gate")) for t in failed), states
    downstream = TASKS[TASKS.index("conform"):]
    assert {states[t] for t in downstream} == {"upstream_failed"}, states
    assert "quarantine gate failed" in output
    assert _rows(spark, home, "silver.transactions", day) == 0
    assert _rows(spark, home, "gold.prompts", day) == 0
    assert not (home / "exports" / day.isoformat()).exists()
