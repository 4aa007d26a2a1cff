"""Ingest one source extract into bronze: parse, type, check, deduplicate, split.

Pure DataFrame functions (the job in `jobs/ingest.py` does the I/O). Every record read ends in
exactly one place: the bronze table, `bronze.quarantine` (with its raw text and every reason),
or the count of exact duplicates removed. `IngestCounts.check()` enforces that identity.

Reason codes (stable; tests and runbooks refer to them):
  bad_encoding                  the line is not valid UTF-8
  too_few_fields:<n><<m>        CSV record with fewer fields than the header (truncated/missing)
  too_many_fields:<n>><m>       CSV record with more fields than the header
  unparseable_json              JSON line that does not parse to an object (e.g. truncated)
  missing_field:<key>           JSON object without a required key
  unexpected_field:<key>        JSON object with a key outside the contract
  null_key:<field>              a natural-key field is empty
  missing_value:<field>         another required field is empty
  malformed_value:<field>       a value that does not parse as its type (dates, numbers, flags)
  unknown_code:<field>          a code outside the field's domain
  negative_amount:<field>       an amount below zero
  absurd_amount:<field>         an amount above `ingest.max_amount`
  future_date:<field>           an event dated after the business date (+ tolerance)
  duplicate_key_conflict        same natural key as an earlier record, different content
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from crosslink.config import IngestConfig
from crosslink.sources import Field, SourceSpec
from crosslink.tables import SPARK_TYPES

TS_FORMATS = ("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSSSSS")
TRUE_FLAGS, FALSE_FLAGS = ("Y", "y", "true", "TRUE", "1"), ("N", "n", "false", "FALSE", "0")


class IngestError(RuntimeError):
    """A whole file cannot be ingested (missing, unreadable header, wrong columns)."""


@dataclass(frozen=True)
class IngestCounts:
    source_file: str
    rows_read: int
    rows_written: int
    rows_quarantined: int
    rows_duplicate: int

    def check(self) -> IngestCounts:
        accounted = self.rows_written + self.rows_quarantined + self.rows_duplicate
        if accounted != self.rows_read:
            raise AssertionError(f"{self.source_file}: {self.rows_read} records read but "
                                 f"{accounted} accounted for (bronze {self.rows_written}, "
                                 f"quarantine {self.rows_quarantined}, "
                                 f"duplicates {self.rows_duplicate})")
        return self


# --- reading: one row per source record, every field as a string ------------------------------
def _with_line_numbers(df: DataFrame, first_line: int) -> DataFrame:
    """Physical record number in file order. Partitions of one file are its consecutive splits,
    so a per-partition offset plus the position inside the partition gives the exact number
    without a global sort."""
    df = df.withColumn("_pid", F.spark_partition_id()).withColumn(
        "_pos", F.monotonically_increasing_id() - F.shiftleft(F.spark_partition_id().cast("long"),
                                                              33))
    counts = df.groupBy("_pid").count().collect()
    offsets, running = {}, 0
    for row in sorted(counts, key=lambda r: r["_pid"]):
        offsets[row["_pid"]] = running
        running += row["count"]
    offset_map = F.create_map(*[x for pid, off in offsets.items()
                                for x in (F.lit(pid), F.lit(off))]) if offsets else F.lit(None)
    line = offset_map[F.col("_pid")] + F.col("_pos") + F.lit(first_line)
    return df.withColumn("source_line", line.cast("long")).drop("_pid", "_pos")


def read_csv_header(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        first = fh.readline().decode("utf-8", errors="replace").rstrip("\r\n")
    if not first:
        raise IngestError(f"{path}: empty file, no header line")
    return [h.strip().strip('"') for h in first.split(",")]


def read_text_records(spark: SparkSession, path: Path, skip_header: bool) -> DataFrame:
    """Lines of a text extract: source_line, raw (valid UTF-8), encoding_ok."""
    lines = spark.read.text(str(path))
    lines = _with_line_numbers(lines, first_line=1)
    if skip_header:
        lines = lines.where(F.col("source_line") > 1)
    lines = lines.where(F.length("value") > 0)
    return lines.select(
        "source_line",
        F.expr("make_valid_utf8(value)").alias("raw"),
        F.expr("is_valid_utf8(value)").alias("encoding_ok"))


def parse_csv(records: DataFrame, spec: SourceSpec, header: list[str]) -> DataFrame:
    """CSV lines -> string fields + structural reasons (field count, encoding)."""
    missing = [name for name in spec.field_names if name not in header]
    if missing:
        raise IngestError(f"{spec.file_name}: header lacks columns {missing} "
                          f"(found {header})")
    n_expected = len(header)
    schema = ", ".join(f"`{h}` string" for h in header)
    n_fields = F.size(F.split(F.regexp_replace("raw", r'"([^"]|"")*"', "Q"), ",", -1))
    parsed = records.withColumn("_n", n_fields).withColumn(
        "_rec", F.from_csv("raw", schema, {"mode": "PERMISSIVE"}))
    structural = [
        F.when(~F.col("encoding_ok"), F.lit("bad_encoding")),
        F.when(F.col("_n") < n_expected,
               F.concat(F.lit("too_few_fields:"), F.col("_n"), F.lit(f"<{n_expected}"))),
        F.when(F.col("_n") > n_expected,
               F.concat(F.lit("too_many_fields:"), F.col("_n"), F.lit(f">{n_expected}"))),
    ]
    fields = [F.nullif(F.col("_rec").getField(f.name), F.lit("")).alias(f.name)
              for f in spec.fields]
    return parsed.select("source_line", "raw", *fields,
                         F.array_compact(F.array(*structural)).alias("_structural"))


def parse_jsonl(records: DataFrame, spec: SourceSpec) -> DataFrame:
    """JSON lines -> string fields + structural reasons (parse, missing/unexpected keys)."""
    top = F.from_json("raw", "map<string,string>")
    parsed = records.withColumn("_top", top)
    expected_keys = sorted({f.json_path.split(".")[0] for f in spec.fields})
    required_keys = sorted({f.json_path.split(".")[0] for f in spec.fields if f.required})
    structural = [F.when(~F.col("encoding_ok"), F.lit("bad_encoding")),
                  F.when(F.col("_top").isNull(), F.lit("unparseable_json"))]
    structural += [F.when(F.col("_top").isNotNull() & ~F.map_contains_key("_top", k),
                          F.lit(f"missing_field:{k}")) for k in required_keys]
    unexpected = F.filter(F.map_keys("_top"), lambda k: ~k.isin(expected_keys))
    structural_col = F.array_union(
        F.array_compact(F.array(*structural)),
        F.coalesce(F.transform(unexpected, lambda k: F.concat(F.lit("unexpected_field:"), k)),
                   F.array().cast("array<string>")))
    fields = [_json_field(f).alias(f.name) for f in spec.fields]
    return parsed.select("source_line", "raw", *fields, structural_col.alias("_structural"))


def _json_field(field: Field) -> Column:
    head, *rest = field.json_path.split(".")
    value = F.col("_top").getItem(head)
    for part in rest:
        value = F.from_json(value, "map<string,string>").getItem(part)
    return F.nullif(value, F.lit(""))


def read_parquet_records(spark: SparkSession, path: Path, spec: SourceSpec) -> DataFrame:
    """Parquet rows -> string fields (so typing and checks are shared with text formats)."""
    df = spark.read.parquet(str(path))
    present = set(df.columns)
    missing = [name for name in spec.field_names if name not in present]
    if missing:
        raise IngestError(f"{path}: Parquet file lacks columns {missing}")
    df = _with_line_numbers(df, first_line=1)

    def as_text(f: Field) -> Column:
        col = F.col(f.name)
        if f.type == "timestamp":
            return F.date_format(col, "yyyy-MM-dd HH:mm:ss")
        return col.cast("string")

    raw = F.to_json(F.struct(*[F.col(n) for n in spec.field_names]))
    return df.select("source_line", raw.alias("raw"),
                     *[as_text(f).alias(f.name) for f in spec.fields],
                     F.array().cast("array<string>").alias("_structural"))


# --- typing and checks -----------------------------------------------------------------------
def _typed(field: Field, timezone: str) -> Column:
    text = F.col(field.name)
    if field.type == "string":
        return text
    if field.type in ("int", "double"):
        return text.try_cast(SPARK_TYPES[field.type])
    if field.type == "date":
        return F.try_to_date(text, "yyyy-MM-dd")
    if field.type == "timestamp":
        local = F.coalesce(*[F.try_to_timestamp(text, F.lit(fmt)) for fmt in TS_FORMATS])
        return F.to_utc_timestamp(local, timezone)
    if field.type == "bool":
        return (F.when(text.isin(*TRUE_FLAGS), F.lit(True))
                .when(text.isin(*FALSE_FLAGS), F.lit(False)))
    raise ValueError(f"unknown field type {field.type!r}")


def _local_date(typed: Column, field: Field, timezone: str) -> Column:
    return F.to_date(F.from_utc_timestamp(typed, timezone)) if field.type == "timestamp" else typed


def _field_reasons(field: Field, spec: SourceSpec, business_date: dt.date, cfg: IngestConfig,
                   timezone: str, domains: dict[str, tuple]) -> list[Column]:
    text, typed = F.col(field.name), F.col(f"_t_{field.name}")
    reasons = []
    if field.required:
        code = "null_key" if field.name in spec.key else "missing_value"
        reasons.append(F.when(text.isNull(), F.lit(f"{code}:{field.name}")))
    if field.type != "string":
        reasons.append(F.when(text.isNotNull() & typed.isNull(),
                              F.lit(f"malformed_value:{field.name}")))
    domain = domains.get(field.name, field.domain)
    if domain:
        reasons.append(F.when(text.isNotNull() & ~text.isin(*domain),
                              F.lit(f"unknown_code:{field.name}")))
    if field.amount:
        reasons.append(F.when(typed < 0, F.lit(f"negative_amount:{field.name}")))
        reasons.append(F.when(typed > cfg.max_amount, F.lit(f"absurd_amount:{field.name}")))
    if field.event_date:
        latest = business_date + dt.timedelta(days=cfg.future_tolerance_days)
        reasons.append(F.when(_local_date(typed, field, timezone) > F.lit(latest),
                              F.lit(f"future_date:{field.name}")))
    return reasons


def validate(parsed: DataFrame, spec: SourceSpec, business_date: dt.date, cfg: IngestConfig,
             timezone: str, domains: dict[str, tuple] | None = None) -> DataFrame:
    """Type every field and attach `reasons` (empty: the record is good). A record that is
    structurally broken carries only its structural reasons — its fields are noise."""
    domains = domains or {}
    typed = parsed.select("*", *[_typed(f, timezone).alias(f"_t_{f.name}") for f in spec.fields])
    field_reasons = [r for f in spec.fields
                     for r in _field_reasons(f, spec, business_date, cfg, timezone, domains)]
    reasons = F.when(F.size("_structural") > 0, F.col("_structural")).otherwise(
        F.array_compact(F.array(*field_reasons)))
    key_text = F.concat_ws("|", *[F.coalesce(F.col(k), F.lit("")) for k in spec.key])
    return typed.select(
        "source_line", "raw",
        *[F.col(f"_t_{f.name}").alias(f.name) for f in spec.fields],
        reasons.alias("reasons"),
        key_text.alias("record_key"),
        F.md5(F.concat_ws("\u001f", *[F.coalesce(F.col(f.name), F.lit("\u0000"))
                                      for f in spec.fields])).alias("record_hash"))


def mark_duplicates(validated: DataFrame, spec: SourceSpec) -> DataFrame:
    """Among good records, the first occurrence of a natural key wins. Later copies with the
    same content are `duplicate` (dropped and counted); with other content they are
    quarantined as `duplicate_key_conflict`."""
    good = F.size("reasons") == 0
    by_key = Window.partitionBy(good, *spec.key).orderBy("source_line")
    first_hash = F.first("record_hash").over(by_key)
    rank = F.row_number().over(by_key)
    ranked = validated.withColumn(
        "_rank", F.when(good, rank)).withColumn("_first_hash", F.when(good, first_hash))
    status = (F.when(~good, F.lit("quarantine"))
              .when(F.col("_rank") == 1, F.lit("keep"))
              .when(F.col("record_hash") == F.col("_first_hash"), F.lit("duplicate"))
              .otherwise(F.lit("quarantine")))
    reasons = F.when(good & (F.col("_rank") > 1) & (F.col("record_hash") != F.col("_first_hash")),
                     F.array(F.lit("duplicate_key_conflict"))).otherwise(F.col("reasons"))
    return (ranked.withColumn("_outcome", status).withColumn("reasons", reasons)
            .drop("_rank", "_first_hash"))


def to_bronze(marked: DataFrame, spec: SourceSpec, business_date: dt.date, source_file: str,
              ingested_at: dt.datetime) -> DataFrame:
    return marked.where(F.col("_outcome") == "keep").select(
        *spec.field_names, F.lit(business_date).alias("business_date"),
        F.lit(source_file).alias("source_file"), "source_line", "record_hash",
        F.lit(ingested_at).cast("timestamp").alias("ingested_at"))


def to_quarantine(marked: DataFrame, spec: SourceSpec, business_date: dt.date,
                  source_file: str, ingested_at: dt.datetime) -> DataFrame:
    return marked.where(F.col("_outcome") == "quarantine").select(
        F.lit(spec.name).alias("source"), F.lit(business_date).alias("business_date"),
        F.lit(source_file).alias("source_file"), "source_line", "raw", "reasons",
        "record_key", "record_hash", F.lit(ingested_at).cast("timestamp").alias("ingested_at"))


def count_outcomes(marked: DataFrame, source_file: str) -> IngestCounts:
    by_status = {r["_outcome"]: r["count"] for r in marked.groupBy("_outcome").count().collect()}
    total = sum(by_status.values())
    return IngestCounts(source_file, total, by_status.get("keep", 0),
                        by_status.get("quarantine", 0), by_status.get("duplicate", 0)).check()


def read_source(spark: SparkSession, path: Path, spec: SourceSpec) -> DataFrame:
    """Any format -> one row per record: source_line, raw, string fields, _structural."""
    if not path.exists():
        raise IngestError(f"{path}: source file not found for {spec.name}")
    if spec.format == "csv":
        records = read_text_records(spark, path, skip_header=True)
        return parse_csv(records, spec, read_csv_header(path))
    if spec.format == "jsonl":
        return parse_jsonl(read_text_records(spark, path, skip_header=False), spec)
    return read_parquet_records(spark, path, spec)
