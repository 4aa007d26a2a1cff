"""The lake: the only module that knows the table format (Delta Lake).

Two backends produce ordinary Delta tables:

* `native` — delta-spark, when its jars are on the Spark classpath (a cluster, or a machine
  that can reach Maven).
* `deltars` — everywhere else (the default here): Spark writes Parquet files into a staging
  folder, they are moved into the table's `key=value/` folders, and the `deltalake` library
  commits them to the Delta log in one transaction. Until that commit the new files are not
  part of any version, so a crash between the two steps leaves the table as it was; the orphans
  are removed by `vacuum`.

Writes are scoped: `replace` swaps exactly the named partition(s) in one commit (a rerun of a
business date replaces that date's rows, nothing else), `append` adds rows.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from crosslink.tables import TableSpec, table

COMMIT_ATTEMPTS = 6


class TableNotFoundError(LookupError):
    """The table has no Delta log yet: nothing was ever committed to it."""


@dataclass(frozen=True)
class WriteResult:
    table: str
    version: int
    files: int
    rows: int


def _spark_schema(spec: TableSpec):
    from pyspark.sql.types import _parse_datatype_string

    return _parse_datatype_string(spec.ddl)


def _delta_schema(spec: TableSpec):
    from deltalake import Schema
    from pyspark.sql.pandas.types import to_arrow_schema

    return Schema.from_arrow(to_arrow_schema(_spark_schema(spec), timezone="UTC"))


def _conform(df, spec: TableSpec):
    """Select the table's columns in order, cast to its types; a missing column is an error."""
    fields = _spark_schema(spec).fields
    present = set(df.columns)
    missing = [f.name for f in fields if f.name not in present]
    if missing:
        raise ValueError(f"{spec.name}: DataFrame lacks columns {missing}")
    # SQL text in one call: a Column per field is three round trips to the JVM each, seconds
    # for the 250 columns of gold.customer_features
    return df.selectExpr(*(f"CAST(`{f.name}` AS {f.dataType.simpleString()}) AS `{f.name}`"
                           for f in fields))


def _partition_literal(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _values(value) -> list[str]:
    """A partition value of a replace, or several (a list or tuple: any of them)."""
    many = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return sorted(_partition_literal(v) for v in many)


class Lake:
    """Read and write the registry's tables under `<home>/lake/<layer>/<name>`."""

    def __init__(self, spark, home: Path | str, backend: str | None = None):
        self.spark = spark
        self.home = Path(home)
        self.backend = backend or detect_backend(spark)
        if self.backend not in ("native", "deltars"):
            raise ValueError(f"unknown lake backend {self.backend!r}")

    # --- locations ---------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        return table(name).path(self.home)

    def exists(self, name: str) -> bool:
        from deltalake import DeltaTable

        return DeltaTable.is_deltatable(str(self.path(name)))

    # --- writes ------------------------------------------------------------------------------
    def replace(self, df, name: str, partition: dict) -> WriteResult:
        """Replace every row under `partition` — values for the leading partition columns,
        e.g. {business_date} or {business_date, source} — with `df`'s rows, in one commit.
        A list value replaces several partitions at once ({business_date, source: [a, b]})."""
        spec = table(name)
        leading = spec.partition_by[:len(partition)]
        if not partition or set(partition) != set(leading):
            raise ValueError(f"{name}: replace needs values for leading partition columns of "
                             f"{spec.partition_by}, got {sorted(partition)}")
        return self._write(df, spec, partition)

    def append(self, df, name: str) -> WriteResult:
        return self._write(df, table(name), None)

    def _write(self, df, spec: TableSpec, partition: dict | None) -> WriteResult:
        df = _conform(df, spec)
        if self.backend == "native":
            return self._write_native(df, spec, partition)
        return self._write_deltars(df, spec, partition)

    def _write_native(self, df, spec, partition):
        writer = df.write.format("delta").partitionBy(*spec.partition_by)
        if partition is None:
            writer = writer.mode("append")
        else:
            where = " AND ".join(
                f"{c} IN ({', '.join(repr(x) for x in _values(v))})" for c, v in partition.items())
            writer = writer.mode("overwrite").option("replaceWhere", where)
        writer.save(str(self.path(spec.name)))
        from delta.tables import DeltaTable as SparkDeltaTable

        last = SparkDeltaTable.forPath(self.spark, str(self.path(spec.name))).history(1)
        row = last.select("version", "operationMetrics").first()
        metrics = row["operationMetrics"] or {}
        return WriteResult(spec.name, row["version"], int(metrics.get("numFiles", 0)),
                           int(metrics.get("numOutputRows", 0)))

    def _write_deltars(self, df, spec, partition):
        root = self.path(spec.name)
        staging = root / "_staging" / uuid.uuid4().hex
        try:
            df.write.mode("overwrite").partitionBy(*spec.partition_by).parquet(str(staging))
            actions = self._move_into_table(staging, root, spec, partition)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        version = self._commit(root, spec, actions, partition)
        rows = sum(json.loads(a.stats)["numRecords"] for a in actions)
        return WriteResult(spec.name, version, len(actions), rows)

    def _move_into_table(self, staging: Path, root: Path, spec: TableSpec,
                         partition: dict | None) -> list:
        """Move the staged Parquet files under the table root; one AddAction per file."""
        import pyarrow.parquet as pq
        from deltalake.transaction import AddAction

        expected = ({c: _values(v) for c, v in partition.items()}
                    if partition is not None else None)
        actions = []
        for file in sorted(staging.rglob("*.parquet")):
            relative = file.relative_to(staging)
            values = _partition_values(relative, spec)
            rows = pq.read_metadata(file).num_rows
            if rows == 0:
                continue
            if expected is not None and any(values[c] not in v for c, v in expected.items()):
                raise ValueError(f"{spec.name}: rows for partition {values} in a write that "
                                 f"replaces {expected}; nothing was committed")
            target = root / relative.parent / f"{uuid.uuid4().hex[:8]}-{relative.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, target)
            stat = target.stat()
            actions.append(AddAction(
                path=str(target.relative_to(root)), size=stat.st_size,
                partition_values=values, modification_time=int(stat.st_mtime * 1000),
                data_change=True, stats=json.dumps({"numRecords": rows})))
        return actions

    def _commit(self, root: Path, spec: TableSpec, actions: list, partition: dict | None) -> int:
        """One Delta transaction. Parallel writers of other partitions (Airflow runs sources
        side by side) can win the race for a version: re-read the log and try again."""
        from deltalake.exceptions import CommitFailedError, DeltaError

        for attempt in range(COMMIT_ATTEMPTS):
            try:
                return self._try_commit(root, spec, actions, partition)
            except (CommitFailedError, DeltaError) as exc:
                if attempt == COMMIT_ATTEMPTS - 1 or not _is_conflict(exc):
                    raise
                time.sleep(0.05 * 2 ** attempt)
        raise AssertionError("unreachable")

    def _try_commit(self, root: Path, spec: TableSpec, actions: list,
                    partition: dict | None) -> int:
        from deltalake import DeltaTable
        from deltalake.transaction import create_table_with_add_actions

        schema = _delta_schema(spec)
        if not DeltaTable.is_deltatable(str(root)):
            create_table_with_add_actions(str(root), schema, actions, mode="append",
                                          partition_by=list(spec.partition_by), name=spec.name)
            return DeltaTable(str(root)).version()
        dt = DeltaTable(str(root))
        if partition is None:
            dt.create_write_transaction(actions, mode="append", schema=schema,
                                        partition_by=list(spec.partition_by))
        else:
            filters = [(c, "in", _values(v)) for c, v in partition.items()]
            dt.create_write_transaction(actions, mode="overwrite", schema=schema,
                                        partition_by=list(spec.partition_by),
                                        partition_filters=filters)
        dt.update_incremental()
        return dt.version()

    # --- reads -------------------------------------------------------------------------------
    def read(self, name: str, *, version: int | None = None, where: dict | None = None):
        """The table at its latest (or a given) version, optionally one partition's rows."""
        from pyspark.sql import functions as F

        spec = table(name)
        root = self.path(name)
        if not self.exists(name):
            raise TableNotFoundError(f"{name}: no Delta table at {root}")
        schema = _spark_schema(spec)
        if self.backend == "native":
            reader = self.spark.read.format("delta")
            if version is not None:
                reader = reader.option("versionAsOf", version)
            df = reader.load(str(root))
        else:
            files = self._files(root, version, where)
            if not files:
                return self.spark.createDataFrame([], schema)
            df = (self.spark.read.schema(schema).option("basePath", str(root))
                  .parquet(*files).select(schema.fieldNames()))
        for col, value in (where or {}).items():
            df = df.where(F.col(col) == F.lit(_partition_literal(value)).cast(
                schema[col].dataType))
        return df

    def _files(self, root: Path, version: int | None, where: dict | None) -> list[str]:
        from deltalake import DeltaTable

        dt = DeltaTable(str(root), version=version)
        partition_cols = set(table_partition_columns(dt))
        prunable = [(c, "=", _partition_literal(v)) for c, v in (where or {}).items()
                    if c in partition_cols]
        files = []
        for action in _add_actions(dt):
            if all(_partition_literal(action.get(f"partition.{c}")) == v
                   for c, _, v in prunable):
                files.append(str(root / unquote(action["path"])))
        return files

    # --- metadata ----------------------------------------------------------------------------
    def version(self, name: str) -> int | None:
        from deltalake import DeltaTable

        if not self.exists(name):
            return None
        if self.backend == "native":
            return self.history(name)[0]["version"]
        return DeltaTable(str(self.path(name))).version()

    def history(self, name: str, limit: int | None = None) -> list[dict]:
        """Newest first: version, timestamp, operation and its parameters."""
        from deltalake import DeltaTable

        if self.backend == "native":
            from delta.tables import DeltaTable as SparkDeltaTable

            hist = SparkDeltaTable.forPath(self.spark, str(self.path(name))).history(limit)
            return [row.asDict() for row in hist.collect()]
        return DeltaTable(str(self.path(name))).history(limit)

    def checksum(self, name: str, *, where: dict | None = None,
                 version: int | None = None) -> tuple[int, str]:
        """(rows, checksum) over every non-volatile column: equal content, equal checksum,
        whatever the file layout or row order."""
        return content_checksum(self.read(name, version=version, where=where),
                                exclude=table(name).volatile)

    def partition_values(self, name: str, column: str) -> set[str]:
        """The values of partition column `column` that hold rows at the latest version, as
        the log spells them ("2026-01-05"), read off the Delta log (no data file is opened).
        A partition replaced by no rows holds no file, so it is not listed."""
        from deltalake import DeltaTable

        if column not in table(name).partition_by:
            raise ValueError(f"{name}: {column!r} is not a partition column")
        if not self.exists(name):
            return set()
        return {_partition_literal(a[f"partition.{column}"])
                for a in _add_actions(DeltaTable(str(self.path(name))))}

    def count(self, name: str, *, where: dict | None = None) -> int:
        """Rows of the table, or of the partitions `where` names (partition columns only).

        Read off the Delta log's per-file `numRecords` where every file has it (what this
        module and compaction write): no data file is opened. Otherwise the rows are read.
        """
        spec = table(name)
        if not self.exists(name):
            raise TableNotFoundError(f"{name}: no Delta table at {self.path(name)}")
        if self.backend == "deltars" and set(where or {}) <= set(spec.partition_by):
            from deltalake import DeltaTable

            actions = _add_actions(DeltaTable(str(self.path(name))))
            wanted = {c: _partition_literal(v) for c, v in (where or {}).items()}
            counts = [a.get("num_records") for a in actions
                      if all(_partition_literal(a.get(f"partition.{c}")) == v
                             for c, v in wanted.items())]
            if None not in counts:
                return int(sum(counts))
        return self.read(name, where=where).count()

    def compact(self, name: str) -> dict:
        """Rewrite each partition's small files into few large ones: one new version, same rows.

        Nightly partition writes leave one small file per Spark task; reads slow down as they
        pile up. The replaced files stay until `vacuum` removes them after the retention.
        Returns {"files_added": n, "files_removed": m}.
        """
        root = self.path(name)
        if self.backend == "native":
            from delta.tables import DeltaTable as SparkDeltaTable

            row = (SparkDeltaTable.forPath(self.spark, str(root)).optimize()
                   .executeCompaction().select("metrics.numFilesAdded",
                                               "metrics.numFilesRemoved").first())
            return {"files_added": int(row[0] or 0), "files_removed": int(row[1] or 0)}
        from deltalake import DeltaTable

        metrics = DeltaTable(str(root)).optimize.compact()
        return {"files_added": int(metrics.get("numFilesAdded", 0)),
                "files_removed": int(metrics.get("numFilesRemoved", 0))}

    def vacuum(self, name: str, retention_hours: int = 168) -> list[str]:
        """Delete files no version within the retention needs, and staging leftovers."""
        from deltalake import DeltaTable

        root = self.path(name)
        cutoff = time.time() - retention_hours * 3600
        for leftover in (root / "_staging").glob("*"):
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)
        return DeltaTable(str(root)).vacuum(retention_hours=retention_hours, dry_run=False,
                                            enforce_retention_duration=False)


def _is_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("conflict", "concurrent", "already exists", "version"))


def _add_actions(dt) -> list[dict]:
    """The files of a deltalake DeltaTable's version: path, num_records, partition.<column>."""
    import pyarrow as pa

    return pa.table(dt.get_add_actions(flatten=True)).to_pylist()


def table_partition_columns(dt) -> list[str]:
    return list(dt.metadata().partition_columns)


def _partition_values(relative: Path, spec: TableSpec) -> dict:
    """`business_date=2026-01-05/source=atm_txn/part-0.parquet` -> {column: value}."""
    values = {}
    for part in relative.parts[:-1]:
        key, _, raw = part.partition("=")
        values[key] = None if raw == "__HIVE_DEFAULT_PARTITION__" else unquote(raw)
    if set(values) != set(spec.partition_by):
        raise ValueError(f"{spec.name}: staged file {relative} is not under "
                         f"{spec.partition_by} folders")
    return values


def content_checksum(df, exclude: tuple[str, ...] = ()) -> tuple[int, str]:
    from pyspark.sql import functions as F

    cols = [c for c in sorted(df.columns) if c not in exclude]
    hashed = F.xxhash64(*[F.col(c) for c in cols]).cast("decimal(38,0)")
    row = df.agg(F.count(F.lit(1)).alias("n"), F.sum(hashed).alias("h")).first()
    return int(row["n"]), str(row["h"] or 0)


def detect_backend(spark) -> str:
    """`native` when delta-spark's classes are on the JVM classpath, else `deltars`."""
    forced = os.environ.get("CROSSLINK_LAKE_BACKEND")
    if forced:
        return forced
    try:
        spark._jvm.java.lang.Class.forName("io.delta.tables.DeltaTable")
        return "native"
    except Exception:  # noqa: BLE001 - any Py4J failure means the jars are not there
        return "deltars"
