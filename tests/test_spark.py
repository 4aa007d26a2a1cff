"""Pulling a large frame to pandas through files instead of the driver's result buffer."""

import datetime as dt

import numpy as np
import pytest

from crosslink.spark import to_pandas_through_files


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

