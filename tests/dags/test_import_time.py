"""DAG files stay thin: each imports quickly, in a fresh interpreter, without the heavy stack.

The scheduler's DAG processor re-parses every file every few minutes; a DAG file that pulls in
Spark, XGBoost, MLflow or Great Expectations costs seconds per parse and memory per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.dags.conftest import DAGS_FOLDER

HEAVY = ("pyspark", "xgboost", "mlflow", "great_expectations", "deltalake")
MAX_SECONDS = 10.0      # measured ~1.5-2.5 s on a busy 2-core machine, mostly `import airflow`

PROBE = """
import json, runpy, sys, time
start = time.perf_counter()
runpy.run_path(sys.argv[1])
seconds = time.perf_counter() - start
heavy = sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[2]))
print(json.dumps({"seconds": seconds, "heavy": heavy}))
"""


@pytest.mark.parametrize("dag_file", sorted(p.name for p in DAGS_FOLDER.glob("*.py")))
def test_dag_file_imports_fast_without_heavy_modules(dag_file):
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    out = subprocess.run([sys.executable, "-c", PROBE, str(DAGS_FOLDER / dag_file),
                          json.dumps(HEAVY)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], f"{dag_file} imports {result['heavy']} at parse time"
    assert result["seconds"] < MAX_SECONDS, f"{dag_file} took {result['seconds']:.1f}s"
