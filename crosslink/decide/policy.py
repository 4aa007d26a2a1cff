"""Contact policy from consent and the prompt history.

`history`: earlier prompts, one row each — customer_id, product_code, business_date (the day
the prompt was made), status, expiry_date, and optionally status_date (the day the status was
set; business_date stands in when it is absent or null). role and channel may be there too;
they are not read. Rows dated on or after the business date are ignored, so a rerun of a day
never counts its own earlier output. Statuses:

    open, delivered, contacted, referred    still open until its expiry_date (inclusive)
    declined                                starts the product's cooldown
    accepted, expired, anything else        closed

Reasons, in this order (a dropped row carries the first that applies):

    do_not_disturb   the customer has do_not_disturb on any channel (`respect_do_not_disturb`)
    no_consent       no consent on the opportunity's `channel` when the frame has one (after
                     routing), otherwise on no channel at all
    open_prompt      an open prompt of the same customer x product (`no_new_while_open`)
    cooldown         declined on day x: blocked while business_date < x + cooldown days
    daily_cap        beyond max_prompts_per_customer_per_day for the customer today
    weekly_cap       beyond max_prompts_per_customer_per_week minus the customer's history
                     prompts of the 6 days before (the week is those 6 days and today)

The caps keep each customer's best opportunities: value (when the frame has it) descending,
then propensity descending, then product_code; they count only rows that passed the checks
before them.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from crosslink.config import ContactConfig
from crosslink.decide._catalogue import lookup, require

OPEN_STATUSES = ("open", "delivered", "contacted", "referred")
DECLINED = "declined"
WEEK_DAYS = 7
REASONS = ("do_not_disturb", "no_consent", "open_prompt", "cooldown", "daily_cap", "weekly_cap")
HISTORY_COLUMNS = ("customer_id", "product_code", "business_date", "status", "expiry_date")


def dnd_customers(consent: DataFrame) -> DataFrame:
    """(customer_id) of customers with do_not_disturb set on any channel."""
    return (consent.where(F.coalesce(F.col("do_not_disturb"), F.lit(False)))
            .select("customer_id").distinct())


def consented(consent: DataFrame) -> DataFrame:
    """(customer_id, channel) pairs with consent true."""
    return (consent.where(F.coalesce(F.col("consent"), F.lit(False)))
            .select("customer_id", "channel").distinct())


def _earlier(history: DataFrame, business_date: dt.date) -> DataFrame:
    require(history.columns, HISTORY_COLUMNS, "contact policy (history)")
    return history.where(F.col("business_date") < F.lit(business_date))


def open_pairs(history: DataFrame, business_date: dt.date) -> DataFrame:
    """(customer_id, product_code) with a prompt still open on `business_date`: an open
    status and expiry_date on or after it (a null expiry counts as open)."""
    still = F.coalesce(F.col("expiry_date") >= F.lit(business_date), F.lit(True))
    return (_earlier(history, business_date)
            .where(F.col("status").isin(*OPEN_STATUSES) & still)
            .select("customer_id", "product_code").distinct())


def cooldown_pairs(history: DataFrame, business_date: dt.date, cfg: ContactConfig) -> DataFrame:
    """(customer_id, product_code) declined within the product's cooldown before the date."""
    cooldown = cfg.cooldown_days_after_decline
    days = lookup(dict(cooldown.products), F.col("product_code"), cooldown.default)
    earlier = _earlier(history, business_date)
    decided = (F.coalesce(F.col("status_date"), F.col("business_date"))
               if "status_date" in earlier.columns else F.col("business_date"))
    return (earlier.where((F.col("status") == DECLINED)
                          & (F.lit(business_date) < F.date_add(decided, days.cast("int"))))
            .select("customer_id", "product_code").distinct())


def week_counts(history: DataFrame, business_date: dt.date) -> DataFrame:
    """(customer_id, week_prompts): history prompts of the 6 days before `business_date`."""
    start = business_date - dt.timedelta(days=WEEK_DAYS - 1)
    return (_earlier(history, business_date)
            .where(F.col("business_date") >= F.lit(start))
            .groupBy("customer_id").agg(F.count(F.lit(1)).alias("week_prompts")))


def apply_contact_policy(opps: DataFrame, consent: DataFrame, history: DataFrame,
                         business_date: dt.date, cfg: ContactConfig
                         ) -> tuple[DataFrame, DataFrame]:
    """(kept, dropped) opportunities under the contact policy (see the module doc).

    `opps`: customer_id, product_code, propensity, and value (`arbitrate.value`) and/or
    channel (`route.route`) when present. `consent`: silver.consent of the day (customer_id,
    channel, consent, do_not_disturb). `history`: see the module doc.

    `kept` has the input's columns; `dropped` adds `reason`.
    """
    require(opps.columns, ("customer_id", "product_code", "propensity"), "apply_contact_policy")
    columns = list(opps.columns)
    rows = opps
    flags: list[tuple[str, Column]] = []
    if cfg.respect_do_not_disturb:
        rows = rows.join(dnd_customers(consent).withColumn("_dnd", F.lit(True)),
                         "customer_id", "left")
        flags.append(("do_not_disturb", F.col("_dnd")))
    allowed = consented(consent)
    if "channel" in columns:
        rows = rows.join(allowed.withColumn("_consent", F.lit(True)),
                         ["customer_id", "channel"], "left")
    else:
        rows = rows.join(allowed.select("customer_id").distinct()
                         .withColumn("_consent", F.lit(True)), "customer_id", "left")
    flags.append(("no_consent", F.col("_consent").isNull()))
    if cfg.no_new_while_open:
        rows = rows.join(open_pairs(history, business_date).withColumn("_open", F.lit(True)),
                         ["customer_id", "product_code"], "left")
        flags.append(("open_prompt", F.col("_open")))
    rows = rows.join(cooldown_pairs(history, business_date, cfg)
                     .withColumn("_cooldown", F.lit(True)),
                     ["customer_id", "product_code"], "left")
    flags.append(("cooldown", F.col("_cooldown")))
    reason = F.lit(None).cast("string")
    for name, failed in reversed(flags):
        reason = F.when(F.coalesce(failed, F.lit(False)), F.lit(name)).otherwise(reason)
    rows = rows.withColumn("reason", reason)

    order = [F.col("value").desc()] if "value" in columns else []
    order += [F.col("propensity").desc(), F.col("product_code")]
    ranked = F.when(F.col("reason").isNull(), F.row_number().over(
        Window.partitionBy("customer_id", F.col("reason").isNull()).orderBy(*order)))
    per_day = cfg.max_prompts_per_customer_per_day
    week_left = F.lit(cfg.max_prompts_per_customer_per_week) - F.coalesce("week_prompts",
                                                                           F.lit(0))
    rows = (rows.join(week_counts(history, business_date), "customer_id", "left")
            .withColumn("_rank", ranked)
            .withColumn("reason", F.when(F.col("reason").isNotNull(), F.col("reason"))
                        .when(F.col("_rank") > per_day, F.lit("daily_cap"))
                        .when(F.col("_rank") > week_left, F.lit("weekly_cap"))))
    kept = rows.where(F.col("reason").isNull()).select(*columns)
    dropped = rows.where(F.col("reason").isNotNull()).select(*columns, "reason")
    return kept, dropped
