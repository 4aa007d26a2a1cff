"""bench/features_bench.py writes its own synthetic inputs, so nothing but this test notices
when the feature step's contract moves away from them (a gate added, a column renamed): the
bench then dies at its first run. Here the bench's inputs, at a few hundred customers, go
through the real feature step both ways it times — sliding yesterday's windows and rolling
the stored days up — and pass every gate."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from crosslink.context import build_context, run_job
from jobs import customer_features

pytestmark = pytest.mark.slow

CUSTOMERS, HISTORY, ACTIVE = 300, 30, 0.6


def _load_bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "features_bench.py"
    spec = importlib.util.spec_from_file_location("features_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench_lake(spark, docs_off_config, tmp_path_factory):
    bench = _load_bench()
    home = tmp_path_factory.mktemp("features_bench")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CROSSLINK_HOME", str(home))
        ctx = build_context(bench.DAY, docs_off_config, spark=spark)
        bench._prepare(ctx, CUSTOMERS, HISTORY, ACTIVE)
        yield bench, ctx


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_the_bench_inputs_pass_the_feature_step(bench_lake, full):
    bench, ctx = bench_lake
    counts = run_job(ctx, customer_features.run, full)   # raises if a gate fails
    assert counts["gold.customer_features"] == CUSTOMERS
    assert 0 < counts["gold.customer_daily"] <= CUSTOMERS
    # every customer was active within 30 days at a 60% daily rate
    assert counts["gold.customer_windows"] == CUSTOMERS
    mode = ctx.lake.read("ops.runs", where={"business_date": bench.DAY}) \
        .where("step = 'features'").first()["message"]
    assert mode.startswith("mode=full" if full else "mode=incremental"), mode
