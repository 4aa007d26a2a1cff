"""jobs/maintenance.py: compaction keeps every row, vacuum keeps what versions need, clean-up
removes exactly the dated folders before the cut-offs."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.config import MaintenanceConfig
from crosslink.context import build_context
from crosslink.tables import table
from jobs import maintenance

D1, D2 = dt.date(2026, 1, 5), dt.date(2026, 1, 6)


def _branches(spark, snapshot, ids):
    rows = [(snapshot, f"BR{i:03d}", f"Branch {i}", "Shanghai", dt.date(2020, 1, 1)) for i in ids]
    return spark.createDataFrame(rows, table("silver.branches").ddl).repartition(3)


@pytest.fixture
def ctx(spark, home, config):
    return build_context(D2, config, spark=spark)


def _files(ctx, name):
    from deltalake import DeltaTable

    return DeltaTable(str(ctx.lake.path(name))).file_uris()


def test_compact_keeps_rows_and_reads_back_through_spark(ctx, spark):
    for i in range(3):
        ctx.lake.append(_branches(spark, D1, range(i * 10, i * 10 + 6)), "silver.branches")
    ctx.lake.replace(_branches(spark, D2, range(4)), "silver.branches", {"snapshot_date": D2})
    before = ctx.lake.checksum("silver.branches")
    version = ctx.lake.version("silver.branches")
    assert len(_files(ctx, "silver.branches")) > 2

    result = maintenance.run(ctx, ["compact"])["compact"]["silver.branches"]

    assert result["files_removed"] > result["files_added"] >= 1
    assert len(_files(ctx, "silver.branches")) == 2            # one per partition
    assert ctx.lake.version("silver.branches") == version + 1
    assert ctx.lake.checksum("silver.branches") == before
    # counts from the Delta log (stats of Spark-written and compacted files) match a scan
    assert ctx.lake.count("silver.branches") == 22
    assert ctx.lake.count("silver.branches", where={"snapshot_date": D1}) == 18
    assert ctx.lake.count("silver.branches", where={"branch_id": "BR001"}) == 2   # scanned
    assert ctx.lake.read("silver.branches", where={"snapshot_date": D2}).count() == 4
    # a rerun of a date after compaction still replaces exactly that partition
    ctx.lake.replace(_branches(spark, D2, [7]), "silver.branches", {"snapshot_date": D2})
    assert ctx.lake.read("silver.branches").count() == 18 + 1


def test_vacuum_after_compact_deletes_replaced_files_only(ctx, spark, monkeypatch):
    for i in range(2):
        ctx.lake.append(_branches(spark, D1, range(i * 10, i * 10 + 5)), "silver.branches")
    maintenance.run(ctx, ["compact"])
    root = ctx.lake.path("silver.branches")
    on_disk = len(list(root.rglob("*.parquet")))
    settings = ctx.config.pipeline.airflow.maintenance.model_copy(
        update={"vacuum_retention_hours": 0})
    monkeypatch.setattr(maintenance, "_settings", lambda _ctx: settings)

    deleted = maintenance.run(ctx, ["vacuum"])["vacuum"]["silver.branches"]

    assert deleted == on_disk - 1 > 0
    assert ctx.lake.read("silver.branches").count() == 10
    runs = {r.step for r in ctx.lake.read("ops.runs", where={"business_date": D2}).collect()}
    assert {"maintenance.compact", "maintenance.vacuum"} <= runs


def test_clean_removes_dated_folders_before_each_cutoff(home):
    settings = MaintenanceConfig(landing_keep_days=30, exports_keep_days=10,
                                 validations_keep_days=20)
    as_of = dt.date(2026, 3, 1)
    made = {}
    for kind, base in [("landing", "landing"), ("exports", "exports"),
                       ("results", "gx/uncommitted/validations/bronze/atm_txn"),
                       ("docs", "gx/uncommitted/data_docs/local_site/validations/silver/staff")]:
        for days in (5, 15, 25, 35):
            path = home / base / (as_of - dt.timedelta(days=days)).isoformat()
            path.mkdir(parents=True)
            made[kind, days] = path
    (home / "landing" / "notes").mkdir()                           # not a date: kept
    (home / "gx/uncommitted/validations/bronze/atm_txn/adhoc").mkdir()

    doomed = set(maintenance.old_files(home, as_of, settings))

    expected = ({made["landing", 35]}
                | {made["exports", d] for d in (15, 25, 35)}
                | {made["results", d] for d in (25, 35)} | {made["docs", d] for d in (25, 35)})
    assert doomed == expected
