"""Shared fixtures: one small SparkSession for the whole run, a throw-away CROSSLINK_HOME."""

from __future__ import annotations

import logging
import os

import pytest

from crosslink.config import load_config

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# py4j logs "Closing down clientserver connection" at interpreter exit, after pytest has
# closed its capture streams: keep it quiet rather than print logging errors.
logging.getLogger("py4j").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def spark(config):
    from crosslink.spark import get_spark

    spark_cfg = config.spark.model_copy(update={"master": "local[2]", "shuffle_partitions": 2})
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
