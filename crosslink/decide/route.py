"""Routing (conf/base/routing.yaml) and assignment within capacity.

`route`: each opportunity takes the first rule, in file order, that
  1. matches it (every condition of the rule's `match`),
  2. may carry its product (`crosslink.config.route_allows`: electronic channels only carry
     products whose products.yaml channels include them; specialist centres only products a
     centre covers; the role, or a role on the referral path, sells the product), and
  3. works on a channel the customer consented to (silver.consent, consent true).
The rule gives role, channel, organisation and referral path; role `default` (catch-all)
resolves per product (`crosslink.config.default_route`). Organisation: own_branch -> the
customer's branch_id (org_type branch); specialist_centre -> the first centre of
organisation.yaml covering the product (org_type centre); channel -> the channel itself
(org_type channel). Unrouted reasons: no_route (no rule matches and may carry it),
no_consent (some did, but the customer consented to none of their channels),
no_organisation (own branch, but the customer has no branch_id).

An opportunity is one customer x product, and routing keeps one row per input row, so a
customer x product is never routed to two roles on one day.

`assign`: who works each routed prompt, within capacity — see its docstring.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from crosslink.config import (
    DEFAULT_ROLE,
    ELECTRONIC_ROLE,
    OrganisationConfig,
    Product,
    RouteMatch,
    RouteRule,
    RoutingConfig,
    default_route,
    route_allows,
)
from crosslink.decide._catalogue import lookup, require

ROUTE_COLUMNS = ("route_id", "role", "channel", "org_type", "org_id", "referral_path")
ASSIGN_COLUMNS = ("assignee_id", "assignee_type", "assigned_by")
ORG_TYPES = {"own_branch": "branch", "specialist_centre": "centre", "channel": "channel"}
UNROUTED_REASONS = ("no_route", "no_consent", "no_organisation")
DEFERRED_REASONS = ("channel_capacity", "staff_capacity", "no_staff")
_MATCH_COLUMNS = {"category": "category", "kind": "kind", "tier": "tier", "segment": "segment",
                  "product": "product_code", "owner_role": "owner_role"}


def value_order() -> list[Column]:
    """Best first, total: value desc, then customer_id, product_code (unique per day)."""
    return [F.col("value").desc_nulls_last(), F.col("customer_id"), F.col("product_code")]


def route(opps: DataFrame, routing: RoutingConfig, products: Sequence[Product],
          organisation: OrganisationConfig, consent: DataFrame, after: str | None = None
          ) -> tuple[DataFrame, DataFrame]:
    """(routed, unrouted) opportunities (see the module doc).

    `opps`: customer_id, product_code, branch_id and every column the rules match on
    (category, kind, tier, segment, customer_type, owner_role, and those a `when` reads) —
    `grade.grade` output has them. `consent`: silver.consent of the day. `after`: a column of
    `opps` holding a rule index; only the rules after it are tried (a fallback after a
    deferral, see `route_and_assign`).

    `routed` adds route_id, role, channel, org_type, org_id, referral_path; `unrouted` adds
    `reason`.
    """
    require(opps.columns, ("customer_id", "product_code", "branch_id",
                           *_matched_columns(routing)), "route")
    opps = opps.drop(*ROUTE_COLUMNS)
    columns = list(opps.columns)
    consents = (consent.where(F.coalesce(F.col("consent"), F.lit(False)))
                .groupBy("customer_id").agg(F.collect_set("channel").alias("_consented")))
    rows = opps.join(consents, "customer_id", "left")
    plans = [_plan(rule, products, organisation) for rule in routing.rules]
    carried = F.lit(None).cast("int")
    reachable = F.lit(None).cast("int")
    for i, (rule, targets) in reversed(list(enumerate(plans))):
        fits = _match(rule.match) & F.col("product_code").isin(*sorted(targets))
        if after is not None:
            fits = fits & (F.col(after) < F.lit(i))
        channels = {t[1] for t in targets.values()}
        channel = (F.lit(channels.pop()) if len(channels) == 1
                   else lookup({code: t[1] for code, t in targets.items()}, F.col("product_code")))
        consented = F.coalesce(F.array_contains("_consented", channel), F.lit(False))
        carried = F.when(F.coalesce(fits, F.lit(False)), F.lit(i)).otherwise(carried)
        reachable = F.when(F.coalesce(fits & consented, F.lit(False)), F.lit(i)) \
            .otherwise(reachable)
    # The chosen rule's attributes come from a small table joined on (rule, product): the
    # (large) rule expressions are computed once, never copied into each attribute.
    table = rows.sparkSession.createDataFrame(
        [(i, code, rule.id, role, channel, org, rule.referral_path, centres.get(code))
         for i, (rule, targets) in enumerate(plans)
         for centres in (_centres(organisation),)
         for code, (role, channel, org) in sorted(targets.items())],
        "_route int, product_code string, route_id string, role string, channel string, "
        "_organisation string, referral_path string, _centre string")
    org = F.col("_organisation")
    rows = (rows.select("*", carried.alias("_carried"), reachable.alias("_route"))
            .join(F.broadcast(table), ["_route", "product_code"], "left")
            .withColumn("org_id", F.when(org == "own_branch", F.col("branch_id"))
                        .when(org == "specialist_centre", F.col("_centre"))
                        .when(org == "channel", F.col("channel")))
            .withColumn("org_type", lookup(ORG_TYPES, org)))
    reason = (F.when(F.col("_carried").isNull(), F.lit("no_route"))
              .when(F.col("_route").isNull(), F.lit("no_consent"))
              .when(F.col("org_id").isNull(), F.lit("no_organisation")))
    rows = rows.withColumn("reason", reason)
    columns = [c for c in columns if c != after]
    routed = rows.where(F.col("reason").isNull()).select(*columns, *ROUTE_COLUMNS)
    unrouted = rows.where(F.col("reason").isNotNull()).select(*columns, "reason")
    return routed, unrouted


FALLBACK_REASONS = ("channel_capacity", "staff_capacity", "no_staff")


def route_and_assign(opps: DataFrame, routing: RoutingConfig, products: Sequence[Product],
                     organisation: OrganisationConfig, consent: DataFrame, staff: DataFrame
                     ) -> tuple[DataFrame, DataFrame, DataFrame]:
    """(assigned, unrouted, deferred): `route`, then `assign`, then up to
    `routing.fallback_passes` fallbacks — a prompt deferred for capacity (or no staff) tries
    the next rules after the one that took it, in file order, on the capacity the earlier
    passes left. A fallback is routed and assigned by the same rules and checks as the first
    pass (match, what the rule may carry, consent, own manager, load balance), so nothing it
    places breaks a capacity; best value first within each pass. What finds no further rule
    keeps its deferral reason.

    Each pass's input is checkpointed: assignment reads its input several times.
    """
    routed, unrouted = route(opps, routing, products, organisation, consent)
    assigned, deferred = assign(routed.localCheckpoint(), staff, organisation)
    assigned = assigned.localCheckpoint()
    index = {rule.id: i for i, rule in enumerate(routing.rules)}
    for _ in range(routing.fallback_passes):
        retry = deferred.where(F.col("reason").isin(*FALLBACK_REASONS))
        kept = deferred.where(~F.col("reason").isin(*FALLBACK_REASONS))
        after = retry.withColumn("_after", lookup(index, F.col("route_id"))).drop("reason")
        rerouted, stuck = route(after, routing, products, organisation, consent, "_after")
        left_staff, left_org = remaining(assigned, staff, organisation)
        more, deferred_again = assign(rerouted.localCheckpoint(), left_staff, left_org)
        # a prompt with no further rule keeps its first route and the reason it was deferred
        still = retry.join(stuck.select("customer_id", "product_code"),
                           ["customer_id", "product_code"], "left_semi")
        assigned = assigned.unionByName(more).localCheckpoint()
        deferred = (kept.unionByName(deferred_again).unionByName(still)).localCheckpoint()
    return assigned, unrouted, deferred


def remaining(assigned: DataFrame, staff: DataFrame, organisation: OrganisationConfig
              ) -> tuple[DataFrame, OrganisationConfig]:
    """Staff and channel capacities minus what `assigned` already uses."""
    used = assigned.groupBy("assignee_type", "assignee_id").count().collect()
    by_person = {r.assignee_id: r["count"] for r in used if r.assignee_type == "staff"}
    by_channel = assigned.groupBy("channel").count().collect()
    per_channel = {r.channel: r["count"] for r in by_channel}
    team = staff_capacity(staff, organisation)
    left = team.select("staff_id", "role", "org_id", F.lit(True).alias("active"),
                       (F.col("capacity") - lookup(by_person, F.col("staff_id"), 0))
                       .cast("int").alias("daily_capacity"))
    channels = [c.model_copy(update={"daily_capacity": max(
        0, c.daily_capacity - per_channel.get(c.name, 0))}) if c.daily_capacity is not None
        else c for c in organisation.channels]
    return left, organisation.model_copy(update={"channels": channels})


def _plan(rule: RouteRule, products: Sequence[Product], organisation: OrganisationConfig
          ) -> tuple[RouteRule, dict[str, tuple[str, str, str]]]:
    """The rule and, for each product it may carry, its (role, channel, organisation) —
    per product for role default, the rule's own otherwise."""
    targets = {}
    for p in products:
        if route_allows(rule, p, organisation):
            targets[p.code] = (default_route(p, organisation) if rule.role == DEFAULT_ROLE
                               else (rule.role, rule.channel, rule.organisation))
    return rule, targets


def _match(match: RouteMatch) -> Column:
    cond = F.lit(True)
    for key, column in _MATCH_COLUMNS.items():
        wanted = getattr(match, key)
        if wanted is not None:
            cond = cond & F.col(column).isin(*wanted)
    if match.customer_type is not None:
        cond = cond & (F.col("customer_type") == match.customer_type)
    if match.when:
        cond = cond & F.expr(match.when)
    return cond


def _matched_columns(routing: RoutingConfig) -> list[str]:
    used = set()
    for rule in routing.rules:
        used |= {col for key, col in _MATCH_COLUMNS.items()
                 if getattr(rule.match, key) is not None}
        if rule.match.customer_type is not None:
            used.add("customer_type")
    return sorted(used)


def _centres(organisation: OrganisationConfig) -> dict[str, str]:
    """product -> the first specialist centre (organisation.yaml order) that covers it."""
    out: dict[str, str] = {}
    for centre in organisation.specialist_centres:
        for code in centre.products:
            out.setdefault(code, centre.code)
    return out


def staff_capacity(staff: DataFrame, organisation: OrganisationConfig) -> DataFrame:
    """Active staff: (staff_id, role, org_id, capacity); capacity is silver.staff
    daily_capacity, or the role's organisation.yaml daily_capacity when null."""
    default = {r.name: r.daily_capacity for r in organisation.roles}
    return (staff.where(F.coalesce(F.col("active"), F.lit(False)))
            .select("staff_id", "role", "org_id",
                    F.coalesce(F.col("daily_capacity"), lookup(default, F.col("role")))
                    .cast("int").alias("capacity")))


def assign(routed: DataFrame, staff: DataFrame, organisation: OrganisationConfig
           ) -> tuple[DataFrame, DataFrame]:
    """(assigned, deferred): an assignee for each routed prompt, within capacity.

    `routed`: `route` output (customer_id, product_code, value, role, channel, org_id,
    manager_id). `staff`: silver.staff of the day (staff_id, role, org_id, daily_capacity,
    active).

    The algorithm, greedy by value (order: value desc, customer_id, product_code):
      1. Channel capacity (organisation.yaml channels daily_capacity; null = unlimited): per
         channel, prompts beyond the capacity are deferred (channel_capacity).
      2. Electronic channels (role electronic): the channel is the assignee.
      3. Own manager: when the customer's manager_id is an active member of staff with the
         routed role in the routed organisation, they get the prompt — their best prompts up to
         their capacity; the rest go to step 4 like everyone else's.
      4. Load balance: the remaining prompts of each (organisation, role), best first, each go
         to the least-loaded active member of staff there with capacity left (load counts the
         own-manager prompts of step 3; ties: staff_id). What does not fit is deferred
         (staff_capacity), or no_staff when the organisation has no active staff in the role.
    Guarantees: no person and no channel exceeds its capacity; within a channel, and within an
    organisation x role's pool, every deferred prompt is worth no more than every prompt kept
    there (lowest value deferred first); each pool prompt goes to whoever is least loaded at
    that point, so loads are as even as the own-manager prompts allow; a customer x product
    keeps its single row; same input -> same output.

    `assigned` adds assignee_id (staff_id, or the channel), assignee_type (staff | channel) and
    assigned_by (own_manager | load_balance | channel); `deferred` adds `reason`.

    `routed` is read by several branches of the plan: persist or checkpoint it first, or
    Spark replays its whole lineage for each.
    """
    require(routed.columns, ("customer_id", "product_code", "value", "role", "channel",
                             "org_id", "manager_id"), "assign")
    columns = list(routed.columns)
    caps = {c.name: c.daily_capacity for c in organisation.channels
            if c.daily_capacity is not None}
    capped = F.col("channel").isin(*caps) if caps else F.lit(False)
    rank = F.row_number().over(Window.partitionBy("channel").orderBy(*value_order()))
    ranked = routed.where(capped).withColumn("_over", rank > lookup(caps, F.col("channel")))
    over = (ranked.where("_over").select(*columns)
            .withColumn("reason", F.lit("channel_capacity")))
    rows = ranked.where(~F.col("_over")).select(*columns).unionByName(
        routed.where(~capped | F.col("channel").isNull()))

    electronic = (rows.where(F.col("role") == ELECTRONIC_ROLE)
                  .withColumn("assignee_id", F.col("channel"))
                  .withColumn("assignee_type", F.lit("channel"))
                  .withColumn("assigned_by", F.lit("channel")))
    team = staff_capacity(staff, organisation)
    managers = team.select(F.col("staff_id").alias("manager_id"), F.col("role").alias("_m_role"),
                           F.col("org_id").alias("_m_org"), F.col("capacity").alias("_m_cap"))
    people = (rows.where(F.col("role") != ELECTRONIC_ROLE)
              .join(managers, "manager_id", "left"))
    own = F.coalesce((F.col("_m_role") == F.col("role")) & (F.col("_m_org") == F.col("org_id")),
                     F.lit(False))
    managed = people.where(own).withColumn("_own_rank", F.row_number().over(
        Window.partitionBy("manager_id").orderBy(*value_order())))
    by_manager = (managed.where(F.col("_own_rank") <= F.col("_m_cap")).select(*columns)
                  .withColumn("assignee_id", F.col("manager_id"))
                  .withColumn("assignee_type", F.lit("staff"))
                  .withColumn("assigned_by", F.lit("own_manager")))
    loads = by_manager.groupBy(F.col("assignee_id").alias("staff_id")) \
        .agg(F.count(F.lit(1)).cast("int").alias("_load"))
    unmanaged = (managed.where(F.col("_own_rank") > F.col("_m_cap")).select(*columns)
                 .unionByName(people.where(~own).select(*columns)))

    pool = unmanaged.withColumn(
        "_slot", F.row_number().over(Window.partitionBy("org_id", "role")
                                     .orderBy(*value_order())))
    level = F.coalesce(F.col("_load"), F.lit(0))
    slots = (team.join(loads, "staff_id", "left")
             .select("staff_id", "role", "org_id", F.explode(
                 F.when(F.col("capacity") > level, F.sequence(level, F.col("capacity") - 1))
                 .otherwise(F.array().cast("array<int>"))).alias("_level"))
             .withColumn("_slot", F.row_number().over(
                 Window.partitionBy("org_id", "role").orderBy("_level", "staff_id")))
             .select("org_id", "role", "_slot", F.col("staff_id").alias("assignee_id")))
    teams = team.select("org_id", "role", F.lit(True).alias("_has_staff")).distinct()
    filled = (pool.join(slots, ["org_id", "role", "_slot"], "left")
              .join(teams, ["org_id", "role"], "left"))
    balanced = (filled.where(F.col("assignee_id").isNotNull()).select(*columns, "assignee_id")
                .withColumn("assignee_type", F.lit("staff"))
                .withColumn("assigned_by", F.lit("load_balance")))
    unfilled = (filled.where(F.col("assignee_id").isNull())
                .withColumn("reason", F.when(F.col("_has_staff"), F.lit("staff_capacity"))
                            .otherwise(F.lit("no_staff")))
                .select(*columns, "reason"))
    out = [*columns, *ASSIGN_COLUMNS]
    assigned = (electronic.select(*out).unionByName(by_manager.select(*out))
                .unionByName(balanced.select(*out)))
    return assigned, over.unionByName(unfilled)
