"""Nightly scoring throughput: the Spark path of models.scoring against plain XGBoost.

    .venv/bin/python bench/scoring_bench.py --rows 1000000 [--repeat 3]

N synthetic customers x every column of `features.FEATURE_COLUMNS` (random values of each
column's type) are written once to Parquet (not timed) and read back into a numpy matrix. A
small booster (--trees, --depth) is trained on a sample with a known signal. Then, the median
of --repeat runs each:

- anchor: `booster.inplace_predict` on the numpy matrix in the driver, every core — the cost of
  the arithmetic alone; and `booster.predict(DMatrix, pred_contribs=True)` on it, the cost of
  the exact contributions behind reasons (TreeSHAP);
- spark: `models.scoring.score` for one product whose pairs are all N customers (eligibility
  itself is not timed), reading the Parquet features, joining them to the pairs, predicting in
  mapInPandas and writing to the `noop` sink — without reasons, with exact reasons and with
  approximate ones (`approx_contribs`).

Prints rows/s of each, the Spark paths' ratios to their anchor, and the peak memory of the
driver plus the Spark JVM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import PeakMemory  # noqa: E402

DAY = dt.date(2026, 6, 30)
PRODUCT = "credit_card"
SIGNAL = {"salary_ours_count_30d": 1.1, "balance_total_cny": 0.9, "age": -0.7,
          "is_employee": 1.2, "share_wechat_90d": 0.6}


def _write_features(spark, path: Path, rows: int) -> None:
    """gold.customer_features-shaped rows: keys and every feature, random of its type."""
    from pyspark.sql import functions as F

    from features.columns import FEATURE_COLUMNS, FLAG_COLUMNS, column_type

    def value(k: int, name: str):
        if name in FLAG_COLUMNS:
            return (F.rand(k) < 0.3).cast("int")
        scale = 1e5 if column_type(name) == "double" else 50
        return (F.rand(k) * scale).cast(column_type(name))

    df = spark.range(rows).select(
        F.lit(DAY).alias("snapshot_date"), F.format_string("P%08d", "id").alias("customer_id"),
        F.lit("person").alias("customer_type"),
        *(value(k, c).alias(c) for k, c in enumerate(FEATURE_COLUMNS)))
    df.write.mode("overwrite").parquet(str(path))


def _matrix(path: Path):
    """The features as a float32 numpy matrix, in FEATURE_COLUMNS order."""
    import numpy as np
    import pyarrow.parquet as pq

    from features.columns import FEATURE_COLUMNS

    data = pq.read_table(path, columns=list(FEATURE_COLUMNS))
    matrix = np.empty((data.num_rows, len(FEATURE_COLUMNS)), dtype=np.float32)
    for j, name in enumerate(FEATURE_COLUMNS):
        matrix[:, j] = data.column(name).to_numpy()
    return matrix


def _train(matrix, trees: int, depth: int, sample: int, seed: int = 7):
    """A booster with a known signal over a few features, trained on a sample of the rows."""
    import numpy as np
    import xgboost as xgb

    from features.columns import FEATURE_COLUMNS

    rng = np.random.default_rng(seed)
    rows = rng.choice(len(matrix), size=min(sample, len(matrix)), replace=False)
    x = matrix[rows]
    standard = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-9)
    logit = -2.0 + sum(w * standard[:, FEATURE_COLUMNS.index(c)] for c, w in SIGNAL.items())
    label = (rng.random(len(x)) < 1 / (1 + np.exp(-logit))).astype(int)
    params = {"objective": "binary:logistic", "max_depth": depth, "eta": 0.1,
              "tree_method": "hist", "nthread": os.cpu_count() or 2, "seed": seed}
    return xgb.train(params, xgb.DMatrix(x, label, feature_names=list(FEATURE_COLUMNS)), trees)


def _median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers (= pairs)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs each; median counts")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--train-rows", type=int, default=50_000)
    parser.add_argument("--home", type=Path, default=Path("var/bench-scoring"))
    args = parser.parse_args()

    from crosslink.config import load_config
    from crosslink.spark import get_spark

    config = load_config()
    with PeakMemory() as memory:
        spark = get_spark(config.spark, app_name="crosslink-scoring-bench")
        cores = spark.sparkContext.defaultParallelism
        path = (args.home / "features.parquet").resolve()
        shutil.rmtree(path, ignore_errors=True)
        started = time.perf_counter()
        _write_features(spark, path, args.rows)
        matrix = _matrix(path)
        booster = _train(matrix, args.trees, args.depth, args.train_rows)
        print(f"{args.rows:,} rows x {matrix.shape[1]} features, {args.trees} trees of depth "
              f"{args.depth}, Spark {spark.sparkContext.master} ({cores} task slots); "
              f"prepared in {time.perf_counter() - started:.0f} s", flush=True)
        seconds = _measure(spark, path, matrix, booster, config, args.repeat)
    _report(seconds, args.rows, args.repeat, memory.peak)


def _measure(spark, path: Path, matrix, booster, config, repeat: int) -> dict[str, float]:
    import xgboost as xgb
    from pyspark.sql import functions as F

    from models import scoring
    from models.registry import LoadedModel, model_name

    model = LoadedModel(PRODUCT, model_name(PRODUCT), 1, booster,
                        tuple(booster.feature_names), "bench")
    booster.set_param({"nthread": os.cpu_count() or 2})

    def spark_run(**options):
        features = spark.read.parquet(str(path))
        pairs = features.select("snapshot_date", "customer_id",
                                F.lit(PRODUCT).alias("product_code"),
                                F.lit(True).alias("suitable"))
        scores = scoring.score(features, pairs, [model], config.models.scoring,
                               config.models.reasons, **options)
        return lambda: scores.write.format("noop").mode("overwrite").save()

    runs = {
        "anchor: inplace_predict": lambda: booster.inplace_predict(matrix),
        "anchor: pred_contribs": lambda: booster.predict(
            xgb.DMatrix(matrix, feature_names=list(booster.feature_names)),
            pred_contribs=True),
        "spark: no reasons": spark_run(with_reasons=False),
        "spark: exact reasons": spark_run(),
        "spark: approx reasons": spark_run(approx_contribs=True),
    }
    runs["spark: no reasons"]()          # warm-up: JVM, Python workers, xgboost import
    seconds = {}
    for label, run in runs.items():
        seconds[label] = _median_seconds(run, repeat)
        print(f"  {label:24s} {seconds[label]:8.2f} s", flush=True)
    return seconds


def _report(seconds: dict[str, float], rows: int, repeat: int, peak: int) -> None:
    """rows/s of every path; each Spark path's throughput as a share of its anchors'."""
    predict, contribs = seconds["anchor: inplace_predict"], seconds["anchor: pred_contribs"]
    print(f"\n{rows:,} rows, median of {repeat}")
    print(f"{'path':24s} {'seconds':>8s} {'rows/s':>12s}  throughput / anchor's")
    for label, took in seconds.items():
        ratio = f"{predict / took:7.3f} x inplace_predict" if label != list(seconds)[0] else ""
        if "reasons" in label and "no reasons" not in label:
            ratio += f", {contribs / took:6.3f} x pred_contribs"
        print(f"{label:24s} {took:8.2f} {rows / took:12,.0f}  {ratio}")
    print(f"peak memory (driver + JVM): {peak / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
