"""A prompt's workflow state and trail, derived from its events (feedback.prompt_events).

States, from the latest event as of a date:

    open          delivered (or no event yet) and not past its expiry_date
    in_progress   contacted, or handled after a referral
    referred      referred on to another role, not yet handled
    won           accepted                    } closed: a closing event is final, and wins
    lost          declined                    } over any later event; the first one counts
    expired       an expired event, or no closing event and the date is past expiry_date

Participants are the people who worked the prompt: the actors of contacted, referred, handled
and accepted events that are staff (a channel is not a participant), and the member of staff
it was referred to. Credit is shared among them (crosslink/credit/split.py).
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

STATE_OF_EVENT = {"delivered": "open", "contacted": "in_progress", "referred": "referred",
                  "handled": "in_progress", "accepted": "won", "declined": "lost",
                  "expired": "expired"}
CLOSED = ("won", "lost", "expired")
WORKED = ("contacted", "referred", "handled", "accepted")
# the order of events of one day: a referral is handled after it is made, and so on
EVENT_ORDER = {t: i for i, t in enumerate(STATE_OF_EVENT)}


def _state(column: str = "event_type"):
    mapping = F.create_map(*[F.lit(x) for kv in STATE_OF_EVENT.items() for x in kv])
    return mapping[F.col(column)]


def _ordered(events: DataFrame) -> DataFrame:
    order = F.create_map(*[F.lit(x) for kv in EVENT_ORDER.items() for x in kv])
    return events.withColumn("_order", order[F.col("event_type")])


def participants(events: DataFrame) -> DataFrame:
    """(prompt_id, participant_id, role, org_id): staff who worked each prompt (module doc)."""
    worked = events.where(F.col("event_type").isin(*WORKED) & F.col("actor_role").isNotNull())
    actors = worked.select("prompt_id", F.col("actor_id").alias("participant_id"),
                           F.col("actor_role").alias("role"), F.col("actor_org_id").alias("org_id"))
    referees = (events.where((F.col("event_type") == "referred")
                             & F.col("referred_staff_id").isNotNull())
                .select("prompt_id", F.col("referred_staff_id").alias("participant_id"),
                        F.col("referred_role").alias("role"),
                        F.col("referred_org_id").alias("org_id")))
    return actors.unionByName(referees).dropDuplicates(["prompt_id", "participant_id", "role"])


def status(prompts: DataFrame, events: DataFrame, as_of: dt.date) -> DataFrame:
    """One row per prompt of `prompts` (STATUS_DDL) as of the end of `as_of`: events reported
    up to that day count."""
    seen = _ordered(events.where(F.col("event_date") <= F.lit(as_of)))
    closing = (seen.where(_state().isin(*CLOSED))
               .withColumn("_n", F.row_number().over(Window.partitionBy("prompt_id")
                                                     .orderBy("event_ts", "_order", "event_id")))
               .where("_n = 1")
               .select("prompt_id", _state().alias("_closed"),
                       F.to_date("event_ts").alias("_closed_date"),
                       F.col("event_type").alias("_closing_event")))
    latest = (seen.withColumn("_n", F.row_number().over(Window.partitionBy("prompt_id").orderBy(
                  F.col("event_ts").desc(), F.col("_order").desc(), F.col("event_id").desc())))
              .where("_n = 1")
              .select("prompt_id", _state().alias("_latest"),
                      F.to_date("event_ts").alias("_latest_date"),
                      F.col("event_type").alias("_latest_event")))
    summary = seen.groupBy("prompt_id").agg(
        F.count(F.lit(1)).cast("int").alias("events"),
        F.min(F.when(F.col("event_type") == "contacted", F.to_date("event_ts")))
        .alias("contacted_date"),
        F.first(F.when(F.col("event_type") == "referred", F.col("referred_role")), True)
        .alias("referred_role"),
        F.first(F.when(F.col("event_type") == "referred", F.col("referred_staff_id")), True)
        .alias("referred_staff_id"),
        F.first(F.when(F.col("event_type") == "handled", F.col("actor_id")), True)
        .alias("handler_id"))
    people = participants(seen).groupBy("prompt_id").agg(
        F.array_sort(F.collect_set("participant_id")).alias("participants"))
    past_expiry = F.col("expiry_date") < F.lit(as_of)
    state = (F.when(F.col("_closed").isNotNull(), F.col("_closed"))
             .when(past_expiry, F.lit("expired"))
             .otherwise(F.coalesce(F.col("_latest"), F.lit("open"))))
    state_date = (F.when(F.col("_closed").isNotNull(), F.col("_closed_date"))
                  .when(past_expiry, F.date_add("expiry_date", 1))
                  .otherwise(F.coalesce(F.col("_latest_date"), F.col("business_date"))))
    return (prompts.select("prompt_id", "business_date", "expiry_date", "customer_id",
                           "product_code", "role", "assignee_id", "referral_path")
            .join(closing, "prompt_id", "left").join(latest, "prompt_id", "left")
            .join(summary, "prompt_id", "left").join(people, "prompt_id", "left")
            .select(F.lit(as_of).alias("snapshot_date"), "prompt_id", "business_date",
                    "expiry_date", "customer_id", "product_code", "role", "assignee_id",
                    "referral_path", state.alias("status"), state_date.alias("status_date"),
                    F.coalesce("_closing_event", "_latest_event").alias("last_event"),
                    F.coalesce("events", F.lit(0)).alias("events"), "contacted_date",
                    "referred_role", "referred_staff_id", "handler_id",
                    F.coalesce("participants", F.array().cast("array<string>"))
                    .alias("participants")))


POLICY_STATUS = {"open": "open", "in_progress": "contacted", "referred": "referred",
                 "won": "accepted", "lost": "declined", "expired": "expired"}


def policy_history(states: DataFrame) -> DataFrame:
    """The contact policy's history rows (decide/policy.py) from workflow states: a lost
    prompt is a decline on its status date, a won or expired one is closed."""
    mapping = F.create_map(*[F.lit(x) for kv in POLICY_STATUS.items() for x in kv])
    return states.select("customer_id", "product_code", "business_date",
                         mapping[F.col("status")].alias("status"), "expiry_date",
                         "status_date")
