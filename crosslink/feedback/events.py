"""Conform the three feedback extracts (bronze.teller_events, crm_events, channel_events) into
feedback.prompt_events: one workflow event of one prompt, whoever reported it.

`event_date` is the business date of the extract that reported the event (its partition: a
rerun of a day replaces exactly that day's reports); `event_ts` keeps when it happened.

Every event names its actor (staff id, role and organisation; an electronic channel is its own
actor with role null) and, for a referral, whom the prompt was referred to. The teller system
sends only the teller's id: the role comes from silver.staff.

An event is rejected (to bronze.quarantine, source `prompt_events`, with its reasons) when

    unknown_prompt        its prompt_id is not a prompt crosslink issued (in the look-back)
    before_prompt         it is dated before the prompt's first working day
    duplicate_event       its event_id was already stored on an earlier day

so every bronze event is either in feedback.prompt_events or in quarantine, never both.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.tables import table

EVENTS = "feedback.prompt_events"
REJECT_SOURCE = "prompt_events"
_LINEAGE = ("business_date", "source_file", "source_line", "record_hash")


def _null(type_: str = "string") -> Column:
    return F.lit(None).cast(type_)


def teller(bronze: DataFrame, staff: DataFrame) -> DataFrame:
    roles = staff.select(F.col("staff_id").alias("teller_id"), F.col("role").alias("_role"))
    return (bronze.join(roles, "teller_id", "left").select(
        "event_id", "prompt_id", "event_type", "event_ts", F.lit("teller_events").alias("source"),
        F.col("teller_id").alias("actor_id"), F.col("_role").alias("actor_role"),
        F.col("branch_id").alias("actor_org_id"), _null().alias("channel"),
        F.col("refer_to_role").alias("referred_role"),
        F.col("refer_to_staff").alias("referred_staff_id"),
        F.col("refer_to_org").alias("referred_org_id"), *_LINEAGE))


def crm(bronze: DataFrame) -> DataFrame:
    return bronze.select(
        "event_id", "prompt_id", "event_type", "event_ts", F.lit("crm_events").alias("source"),
        "actor_id", "actor_role", "actor_org_id", _null().alias("channel"), "referred_role",
        "referred_staff_id", "referred_org_id", *_LINEAGE)


def channel(bronze: DataFrame) -> DataFrame:
    return bronze.select(
        "event_id", "prompt_id", "event_type", "event_ts",
        F.lit("channel_events").alias("source"), F.col("channel").alias("actor_id"),
        _null().alias("actor_role"), _null().alias("actor_org_id"), "channel",
        _null().alias("referred_role"), _null().alias("referred_staff_id"),
        _null().alias("referred_org_id"), *_LINEAGE)


def unified(teller_rows: DataFrame, crm_rows: DataFrame, channel_rows: DataFrame,
            staff: DataFrame) -> DataFrame:
    """The three bronze partitions as one frame of event rows (module doc)."""
    return teller(teller_rows, staff).unionByName(crm(crm_rows)).unionByName(
        channel(channel_rows))


def checked(events: DataFrame, prompts: DataFrame, earlier_ids: DataFrame) -> DataFrame:
    """Events with the prompt's facts and `_reasons` (empty: the event is kept)."""
    facts = prompts.select("prompt_id", F.col("business_date").alias("prompt_date"),
                           "customer_id", "product_code", "assignee_id",
                           F.col("role").alias("prompt_role"), F.lit(True).alias("_known"))
    seen = earlier_ids.select("event_id", F.lit(True).alias("_seen")).distinct()
    rows = events.join(facts, "prompt_id", "left").join(seen, "event_id", "left")
    reasons = F.array_compact(F.array(
        F.when(F.col("_known").isNull(), F.lit("unknown_prompt")),
        F.when(F.to_date("event_ts") <= F.col("prompt_date"), F.lit("before_prompt")),
        F.when(F.col("_seen").isNotNull(), F.lit("duplicate_event"))))
    return rows.withColumn("_reasons", reasons).drop("_known", "_seen")


def prompt_events(checked_rows: DataFrame) -> DataFrame:
    """The kept rows as feedback.prompt_events."""
    return (checked_rows.where(F.size("_reasons") == 0)
            .withColumn("event_date", F.col("business_date"))
            .select(*table(EVENTS).columns))


def rejected(checked_rows: DataFrame, ingested_at: dt.datetime) -> DataFrame:
    """The rejected rows as bronze.quarantine rows (the event as JSON for `raw`)."""
    raw = F.to_json(F.struct("event_id", "prompt_id", "event_type", "event_ts", "source",
                             "actor_id", "actor_role", "actor_org_id", "channel",
                             "referred_role", "referred_staff_id", "referred_org_id"))
    return (checked_rows.where(F.size("_reasons") > 0).select(
        F.lit(REJECT_SOURCE).alias("source"), "business_date", "source_file", "source_line",
        raw.alias("raw"), F.col("_reasons").alias("reasons"),
        F.col("event_id").alias("record_key"), "record_hash",
        F.lit(ingested_at).cast("timestamp").alias("ingested_at"))
        .select(*table("bronze.quarantine").columns))
