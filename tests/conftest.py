"""Shared fixtures: one small SparkSession per test process, a throw-away CROSSLINK_HOME.

`make test` runs two pytest-xdist workers (`--dist loadgroup --no-loadscope-reorder`);
`pytest_itemcollected` keeps each module on one worker (module fixtures and in-module order
hold) and the whole tests/jobs package on one worker (its tests share one generated bank);
`pytest_collection_modifyitems` hands the longest groups out first.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from crosslink.config import load_config

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# py4j logs "Closing down clientserver connection" at interpreter exit, after pytest has
# closed its capture streams: keep it quiet rather than print logging errors.
logging.getLogger("py4j").setLevel(logging.WARNING)


TESTS = Path(__file__).resolve().parent
SHARED_PACKAGES = ("jobs",)          # packages whose modules share a package-scoped fixture
# The groups that take longest, handed to the workers first, longest first: the jobs bank (5
# nights, then 42 tests) and the Airflow night (12 spark-submits). xdist's default order is by
# test count, which left the 3-test Airflow module for last: it ran alone for its ~20 minutes
# at the end of a 44-minute run (2,673 s) while the other worker idled.
LONGEST_FIRST = ("jobs", "dags/test_nightly_e2e.py")


def _group(item) -> str:
    """The item's xdist group: its shared package, else its module's path under tests/."""
    path = Path(str(item.fspath)).resolve().relative_to(TESTS)
    shared = len(path.parts) > 1 and path.parts[0] in SHARED_PACKAGES
    return path.parts[0] if shared else path.as_posix()


def pytest_itemcollected(item):
    """Mark the item's xdist group as it is collected (xdist reads the marks afterwards, in
    its own pytest_collection_modifyitems)."""
    item.add_marker(pytest.mark.xdist_group(_group(item)))


def pytest_collection_modifyitems(config, items):
    """The longest groups first, in `LONGEST_FIRST` order, then the rest as collected; a
    stable sort keeps every module's own order. xdist hands groups out in this order only with
    `--no-loadscope-reorder` (the Makefile's)."""
    rank = {group: i for i, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_group(item), len(LONGEST_FIRST)))


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def docs_off_config(config):
    """The config with Data Docs off: gates still run and store results; no site is rendered
    after each one (a lake built by a module fixture has no use for it)."""
    return config.model_copy(update={"pipeline": config.pipeline.model_copy(update={
        "quality": config.pipeline.quality.model_copy(update={"build_data_docs": False})})})


# Test banks are tiny: compiling each query's generated Java (Janino) costs more than running
# it interpreted on a few thousand rows. JFR over a 1,000-customer night: 21% of the driver's
# samples in Janino, most of them in failed class lookups across pyspark's jars; interpreted, a
# night took 120.0 s against 137.2 and 135.3 s. Production sessions keep codegen (spark.yaml).
TINY_DATA_CONF = {"spark.sql.codegen.wholeStage": "false",
                  "spark.sql.codegen.factoryMode": "NO_CODEGEN"}


@pytest.fixture(scope="session")
def spark(config):
    from crosslink.spark import get_spark

    spark_cfg = config.spark.model_copy(update={
        "master": "local[2]", "shuffle_partitions": 2,
        "conf": {**config.spark.conf, **TINY_DATA_CONF}})
    session = get_spark(spark_cfg, app_name="crosslink-tests")
    yield session
    session.stop()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh CROSSLINK_HOME per test."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("CROSSLINK_HOME", str(path))
    return path
