"""The session's settings, and pulling a large frame to pandas through files instead of the
driver's result buffer."""

import datetime as dt

import numpy as np
import pytest

from crosslink.spark import to_pandas_through_files


def _round_trips(build) -> int:
    """py4j commands sent while `build()` runs (the gateway's cleanup thread may add a few)."""
    import py4j.clientserver as clientserver

    sent = [0]
    send = clientserver.ClientServerConnection.send_command

    def counting(connection, command):
        sent[0] += 1
        return send(connection, command)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clientserver.ClientServerConnection, "send_command", counting)
        build()
    return sent[0]


def test_building_an_expression_takes_a_few_round_trips_not_dozens(spark):
    """spark.yaml turns PySpark's per-call origin tracking off: with it on, this aggregate
    took 74 round trips to the JVM, off 24 (features build hundreds of such a step)."""
    from pyspark.sql import functions as F

    assert spark.conf.get("spark.python.sql.dataFrameDebugging.enabled") == "false"
    F.lit(0)                                     # the first call caches the setting
    trips = _round_trips(lambda: F.sum(
        F.when(F.col("a") == "x", F.col("b")).otherwise(F.lit(0))).alias("c"))
    assert trips < 40, trips


def test_every_row_and_type_arrives_and_the_files_are_removed(spark, tmp_path):
    rows = [(dt.date(2026, 1, 1 + i % 3), f"P{i:05d}", float(i) / 7) for i in range(500)]
    df = (spark.createDataFrame(rows, "snapshot_date date, customer_id string, x double")
          .selectExpr("snapshot_date", "customer_id", "cast(x as float) as x").repartition(4))
    frame = to_pandas_through_files(df, tmp_path).sort_values("customer_id", ignore_index=True)
    assert len(frame) == 500 and frame["customer_id"].is_unique
    assert frame["x"].dtype == np.float32
    assert frame.loc[7, "snapshot_date"] == dt.date(2026, 1, 2)
    assert frame.loc[499, "x"] == pytest.approx(499 / 7, rel=1e-6)
    assert list(tmp_path.iterdir()) == []

