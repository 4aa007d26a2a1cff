"""The one place a SparkSession is built.

Master: `spark-submit --master` (an already-set `spark.master`) wins, then `SPARK_MASTER`, then
`conf/base/spark.yaml`. Sessions are UTC and quiet; the Python workers use this interpreter.
"""

from __future__ import annotations

import os
import sys

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
