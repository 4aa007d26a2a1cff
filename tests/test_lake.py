"""The lake: partition-replace and append, snapshot and time-travel reads, history, crashes."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.lake import Lake, TableNotFoundError
from crosslink.tables import table

D1, D2 = dt.date(2026, 1, 5), dt.date(2026, 1, 6)


def _branches(spark, snapshot, ids):
    rows = [(snapshot, f"BR{i:03d}", f"Branch {i}", "Shanghai", dt.date(2020, 1, 1)) for i in ids]
    return spark.createDataFrame(rows, table("silver.branches").ddl)


@pytest.fixture
def lake(spark, home):
    return Lake(spark, home)


def test_backend_here_is_deltars(lake):
    assert lake.backend == "deltars"


def test_replace_partition_then_read_back(lake, spark):
    lake.replace(_branches(spark, D1, [1, 2, 3]), "silver.branches", {"snapshot_date": D1})
    lake.replace(_branches(spark, D2, [1, 2]), "silver.branches", {"snapshot_date": D2})
    df = lake.read("silver.branches")
    assert df.count() == 5
    assert lake.read("silver.branches", where={"snapshot_date": D2}).count() == 2
    assert df.schema == lake.read("silver.branches", version=0).schema


def test_rerun_replaces_exactly_one_partition(lake, spark):
    lake.replace(_branches(spark, D1, [1, 2, 3]), "silver.branches", {"snapshot_date": D1})
    lake.replace(_branches(spark, D2, [4]), "silver.branches", {"snapshot_date": D2})
    before = lake.checksum("silver.branches")
    result = lake.replace(_branches(spark, D1, [1, 2, 3]), "silver.branches",
                          {"snapshot_date": D1})
    assert result.rows == 3 and result.version == 2
    assert lake.checksum("silver.branches") == before
    # a smaller rerun leaves no leftovers of the first one
    lake.replace(_branches(spark, D1, [9]), "silver.branches", {"snapshot_date": D1})
    ids = sorted(r.branch_id for r in lake.read("silver.branches").collect())
    assert ids == ["BR004", "BR009"]


def test_time_travel_and_history(lake, spark):
    lake.replace(_branches(spark, D1, [1]), "silver.branches", {"snapshot_date": D1})
    lake.replace(_branches(spark, D1, [1, 2]), "silver.branches", {"snapshot_date": D1})
    assert lake.read("silver.branches", version=0).count() == 1
    assert lake.read("silver.branches").count() == 2
    assert lake.version("silver.branches") == 1
    assert [h["version"] for h in lake.history("silver.branches")] == [1, 0]


def test_empty_replace_clears_the_partition(lake, spark):
    lake.replace(_branches(spark, D1, [1, 2]), "silver.branches", {"snapshot_date": D1})
    result = lake.replace(_branches(spark, D1, []), "silver.branches", {"snapshot_date": D1})
    assert result.rows == 0
    assert lake.read("silver.branches").count() == 0


def test_append_adds_rows(lake, spark):
    lake.append(_branches(spark, D1, [1]), "silver.branches")
    lake.append(_branches(spark, D1, [2]), "silver.branches")
    assert lake.read("silver.branches").count() == 2


def test_rows_outside_the_replaced_partition_are_refused(lake, spark):
    with pytest.raises(ValueError, match="nothing was committed"):
        lake.replace(_branches(spark, D2, [1]), "silver.branches", {"snapshot_date": D1})
    assert not lake.exists("silver.branches")


def test_crash_between_files_and_commit_keeps_previous_version(lake, spark, monkeypatch):
    lake.replace(_branches(spark, D1, [1, 2]), "silver.branches", {"snapshot_date": D1})
    before = lake.checksum("silver.branches")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed before the Delta commit")

    monkeypatch.setattr(Lake, "_commit", crash)
    with pytest.raises(KeyboardInterrupt):
        lake.replace(_branches(spark, D1, [7, 8, 9]), "silver.branches", {"snapshot_date": D1})
    monkeypatch.undo()
    # the new Parquet files are on disk, but no version references them
    parquet_files = list(lake.path("silver.branches").rglob("*.parquet"))
    assert len(parquet_files) > len(lake._files(lake.path("silver.branches"), None, None))
    assert lake.version("silver.branches") == 0
    assert lake.checksum("silver.branches") == before
    # vacuum removes the orphans
    lake.vacuum("silver.branches", retention_hours=0)
    assert lake.checksum("silver.branches") == before


def test_missing_table_is_a_clear_error(lake):
    with pytest.raises(TableNotFoundError, match="silver.branches"):
        lake.read("silver.branches")


def test_missing_column_is_refused(lake, spark):
    df = _branches(spark, D1, [1]).drop("city")
    with pytest.raises(ValueError, match="city"):
        lake.replace(df, "silver.branches", {"snapshot_date": D1})


def test_parallel_writers_of_different_partitions_both_land(lake, spark):
    """Airflow ingests sources side by side into one quarantine table."""
    from concurrent.futures import ThreadPoolExecutor

    lake.replace(_branches(spark, D1, [0]), "silver.branches", {"snapshot_date": D1})
    days = [D1 + dt.timedelta(days=i) for i in range(1, 5)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda d: lake.replace(_branches(spark, d, [1, 2]), "silver.branches",
                                             {"snapshot_date": d}), days))
    assert lake.read("silver.branches").count() == 1 + 2 * len(days)
    assert lake.version("silver.branches") == len(days)


def test_replace_by_leading_partition_columns_swaps_all_under_it(lake, spark):
    ddl = table("bronze.quarantine").ddl

    def rows(day, sources):
        return spark.createDataFrame(
            [(s, day, f"{s}.csv", 2, "raw", ["bad_encoding"], "k", "h", None) for s in sources],
            ddl)

    lake.replace(rows(D1, ["a"]), "bronze.quarantine", {"business_date": D1, "source": "a"})
    lake.replace(rows(D1, ["b"]), "bronze.quarantine", {"business_date": D1, "source": "b"})
    lake.replace(rows(D2, ["a"]), "bronze.quarantine", {"business_date": D2, "source": "a"})
    result = lake.replace(rows(D1, ["c"]), "bronze.quarantine", {"business_date": D1})
    assert result.version == 3  # one commit for the whole date
    got = sorted((r.business_date, r.source) for r in lake.read("bronze.quarantine").collect())
    assert got == [(D1, "c"), (D2, "a")]
    with pytest.raises(ValueError, match="leading partition columns"):
        lake.replace(rows(D1, ["a"]), "bronze.quarantine", {"source": "a"})


def test_replace_of_several_partitions_in_one_commit(spark, tmp_path):
    lake = Lake(spark, tmp_path)
    day = dt.date(2026, 1, 5)
    ddl = table("bronze.quarantine").ddl

    def rows(*sources):
        return spark.createDataFrame(
            [(s, day, "f", i, "raw", ["r"], "k", "h", None) for i, s in enumerate(sources)], ddl)

    lake.replace(rows("atm_txn", "crm_events", "teller_events"), "bronze.quarantine",
                 {"business_date": day})
    version = lake.version("bronze.quarantine")
    lake.replace(rows("crm_events"), "bronze.quarantine",
                 {"business_date": day, "source": ["crm_events", "teller_events"]})
    assert lake.version("bronze.quarantine") == version + 1
    kept = sorted(r.source for r in lake.read("bronze.quarantine").collect())
    assert kept == ["atm_txn", "crm_events"]
