"""Code checks over a day's prompts that must all pass before anything is published.

Each check selects the offending keys (one row per violation: a prompt, a customer, an
assignee, a channel); all checks are unioned and counted in one Spark job. Checks:

    duplicate_prompt_id      a prompt_id on more than one row (key: prompt_id)
    routed_twice             a customer x product on more than one row (customer|product)
    no_consent               no consent on the prompt's channel (prompt_id)
    do_not_disturb           a do-not-disturb customer prompted (prompt_id)
    daily_cap                a customer above max_prompts_per_customer_per_day (customer)
    weekly_cap               above max_prompts_per_customer_per_week, history included (customer)
    open_prompt              a customer x product with a prompt still open (prompt_id)
    cooldown                 a product within its cooldown after a decline (prompt_id)
    held_product             a product the customer already holds (prompt_id)
    unsuitable_risk          risk_rating below the product's risk_level, or unknown (prompt_id)
    kyc_incomplete           KYC incomplete while policy requires it (prompt_id)
    channel_not_allowed      an electronic channel carrying a product it may not (prompt_id)
    unknown_assignee         a staff assignee not active in silver.staff with the prompt's
                             role and organisation (prompt_id)
    staff_capacity           a member of staff above their daily capacity (staff_id)
    channel_capacity         a channel above its daily capacity (channel)

The policy checks reuse `policy`'s definitions of open prompts, cooldowns and do-not-disturb.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import ELECTRONIC_ROLE, OrganisationConfig, PolicyConfig, Product
from crosslink.decide import policy as policy_mod
from crosslink.decide._catalogue import lookup, product_attr
from crosslink.decide.route import staff_capacity

CHECKS = ("duplicate_prompt_id", "routed_twice", "no_consent", "do_not_disturb", "daily_cap",
          "weekly_cap", "open_prompt", "cooldown", "held_product", "unsuitable_risk",
          "kyc_incomplete", "channel_not_allowed", "unknown_assignee", "staff_capacity",
          "channel_capacity")


@dataclass(frozen=True)
class Violation:
    check: str
    count: int           # offending keys (see the module doc for each check's key)
    example: str         # the smallest offending key

    def __str__(self) -> str:
        return f"{self.check}: {self.count} (e.g. {self.example})"


class InvariantError(RuntimeError):
    """Prompts broke an invariant; publishing must stop."""


def check_prompts(prompts: DataFrame, *, business_date: dt.date, consent: DataFrame,
                  history: DataFrame, held: DataFrame, customers: DataFrame, staff: DataFrame,
                  products: Sequence[Product], organisation: OrganisationConfig,
                  policy: PolicyConfig) -> list[Violation]:
    """Every violation found in `prompts` (the day's gold.prompts rows: prompt_id,
    customer_id, product_code, role, channel, org_id, assignee_id, assignee_type), sorted by
    check; empty when all hold. Inputs are those of the run: silver.consent, the prompt
    history (`policy` module doc), held pairs (`eligibility.held_pairs`), silver.customers,
    silver.staff of the day."""
    contact = policy.contact
    p = prompts.select("prompt_id", "customer_id", "product_code", "role", "channel",
                       "org_id", "assignee_id", "assignee_type")
    found: list[DataFrame] = []

    def add(check: str, frame: DataFrame, key: Column) -> None:
        found.append(frame.select(F.lit(check).alias("check"), key.cast("string").alias("key")))

    by_id = F.col("prompt_id")
    add("duplicate_prompt_id", p.groupBy("prompt_id").count().where("count > 1"), by_id)
    add("routed_twice", p.groupBy("customer_id", "product_code").count().where("count > 1"),
        F.concat_ws("|", "customer_id", "product_code"))
    add("no_consent", p.join(policy_mod.consented(consent), ["customer_id", "channel"],
                             "left_anti"), by_id)
    if contact.respect_do_not_disturb:
        add("do_not_disturb", p.join(policy_mod.dnd_customers(consent), "customer_id",
                                     "left_semi"), by_id)
    today = p.groupBy("customer_id").agg(F.count(F.lit(1)).alias("n"))
    add("daily_cap", today.where(F.col("n") > contact.max_prompts_per_customer_per_day),
        F.col("customer_id"))
    week = today.join(policy_mod.week_counts(history, business_date), "customer_id", "left")
    add("weekly_cap", week.where(F.col("n") + F.coalesce("week_prompts", F.lit(0))
                                 > contact.max_prompts_per_customer_per_week),
        F.col("customer_id"))
    if contact.no_new_while_open:
        add("open_prompt", p.join(policy_mod.open_pairs(history, business_date),
                                  ["customer_id", "product_code"], "left_semi"), by_id)
    add("cooldown", p.join(policy_mod.cooldown_pairs(history, business_date, contact),
                           ["customer_id", "product_code"], "left_semi"), by_id)
    add("held_product", p.join(held.select("customer_id", "product_code"),
                               ["customer_id", "product_code"], "left_semi"), by_id)
    who = p.join(customers.select("customer_id", "risk_rating", "kyc_complete"), "customer_id",
                 "left")
    add("unsuitable_risk", who.where(~F.coalesce(
        F.col("risk_rating") >= product_attr(products, "risk_level"), F.lit(False))), by_id)
    if policy.eligibility.require_kyc:
        add("kyc_incomplete", who.where(~F.coalesce(F.col("kyc_complete"), F.lit(False))),
            by_id)
    add("channel_not_allowed", p.where(_electronic_refused(products, organisation)), by_id)
    team = staff_capacity(staff, organisation)
    staffed = p.where(F.col("assignee_type") == "staff")
    add("unknown_assignee", staffed.join(
        team.select(F.col("staff_id").alias("assignee_id"), "role", "org_id"),
        ["assignee_id", "role", "org_id"], "left_anti"), by_id)
    load = staffed.groupBy("assignee_id").agg(F.count(F.lit(1)).alias("n"))
    add("staff_capacity", load.join(team.select(F.col("staff_id").alias("assignee_id"),
                                                "capacity"), "assignee_id")
        .where(F.col("n") > F.col("capacity")), F.col("assignee_id"))
    caps = {c.name: c.daily_capacity for c in organisation.channels
            if c.daily_capacity is not None}
    if caps:
        per_channel = p.groupBy("channel").agg(F.count(F.lit(1)).alias("n"))
        add("channel_capacity", per_channel.where(
            F.coalesce(F.col("n") > lookup(caps, F.col("channel")), F.lit(False))),
            F.col("channel"))
    counted = (reduce(DataFrame.unionByName, found).groupBy("check")
               .agg(F.count(F.lit(1)).alias("count"), F.min("key").alias("example"))
               .collect())
    return sorted((Violation(r["check"], int(r["count"]), r["example"]) for r in counted),
                  key=lambda v: CHECKS.index(v.check))


def _electronic_refused(products: Sequence[Product], organisation: OrganisationConfig
                        ) -> Column:
    """True for an electronic-channel prompt whose product may not go on that channel."""
    electronic = [c.name for c in organisation.channels if c.electronic]
    carried = {f"{p.code}|{ch}": True for p in products for ch in p.channels if ch in electronic}
    key = F.concat_ws("|", F.col("product_code"), F.col("channel"))
    on_electronic = F.col("channel").isin(*electronic) | (F.col("role") == ELECTRONIC_ROLE)
    return on_electronic & ~lookup(carried, key, False)


def raise_on(violations: Sequence[Violation]) -> None:
    """Raise InvariantError listing every violation, when there is any."""
    if violations:
        raise InvariantError("prompts break invariants, nothing published:\n  "
                             + "\n  ".join(str(v) for v in violations))
