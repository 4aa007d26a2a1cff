"""DAG tests: Airflow gets a throw-away home before anything imports it."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

if "AIRFLOW_HOME" not in os.environ:
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="crosslink-airflow-")
    atexit.register(shutil.rmtree, os.environ["AIRFLOW_HOME"], ignore_errors=True)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"


@pytest.fixture
def conf_copy(tmp_path, monkeypatch):
    """A copy of conf/ that CROSSLINK_CONF points at; write overrides into `local/`."""
    from crosslink.config import conf_dir

    target = tmp_path / "conf"
    shutil.copytree(conf_dir() / "base", target / "base")
    (target / "local").mkdir()
    monkeypatch.setenv("CROSSLINK_CONF", str(target))
    return target
