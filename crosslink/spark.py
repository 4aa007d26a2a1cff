"""The one place a SparkSession is built.

Master: `spark-submit --master` (an already-set `spark.master`) wins, then `SPARK_MASTER`, then
`conf/base/spark.yaml`. Sessions are UTC and quiet; the Python workers use this interpreter.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from pathlib import Path

from crosslink.config import SparkConfig


def _prepare_environment() -> None:
    # Workers must run the driver's interpreter, or they miss the project's packages.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def get_spark(config: SparkConfig, app_name: str | None = None):
    """Return the active session or build one from config."""
    _prepare_environment()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName(app_name or config.app_name)
    from pyspark import SparkConf

    submitted = SparkConf().get("spark.master", None)  # set by spark-submit
    if not submitted:
        builder = builder.master(os.environ.get("SPARK_MASTER") or config.master)
    builder = (builder.config("spark.driver.memory", config.driver_memory)
               .config("spark.sql.shuffle.partitions", str(config.shuffle_partitions)))
    for key, value in config.conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def to_pandas_through_files(df, scratch: Path):
    """`df` as a pandas frame, written by the executors as parquet under `scratch` and read
    back here, so no row passes through the driver's result buffer: `toPandas`/`toArrow`
    stop at `spark.driver.maxResultSize` (1 GiB by default; a training pull of about a
    million rows x 250 float32 features is past it). `scratch` must be visible to the
    executors and to this process — the crosslink home is. Row order is not kept."""
    import pyarrow.parquet as pq

    path = scratch / f"pull-{uuid.uuid4().hex}"
    try:
        df.write.parquet(str(path))
        return pq.read_table(path).to_pandas()
    finally:
        shutil.rmtree(path, ignore_errors=True)
