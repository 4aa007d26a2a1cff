"""Decide and route: the day's opportunities and prompts, checked, then published.

    spark-submit jobs/decide.py --date 2026-01-05

Reads, for the date: gold.customer_features, gold.propensity_scores (absent or empty: rules
only), silver.customers, silver.consent, silver.staff and the prompts of the days before
(gold.prompts: the contact history). Runs the opportunity engine in its documented order
(`crosslink.decide`): active-list rules and model scores combined, eligibility and
suitability, value, contact policy, top K per customer, class and tier -> gold.opportunities;
routing to role, channel and organisation, assignment within capacity, pitch and reasons ->
gold.prompts. Both pass their Great Expectations suites and the prompts pass every code
invariant (policy, capacity, held products, suitability, unique ids) *before* anything is
written: a failure stops the job and nothing of the day is published. Then the exports for
downstream systems are written (`jobs/export.py`'s functions).

Until the feedback loop lands, the history's status is `open` for every earlier prompt (open
until its expiry date, then closed).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass, field

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink import quality
from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.decide import arbitrate, combine, eligibility, grade, invariants, policy, route
from crosslink.decide import rules as rules_mod
from crosslink.decide.build import build_prompts
from crosslink.tables import table

OPPORTUNITIES, PROMPTS, SCORES = "gold.opportunities", "gold.prompts", "gold.propensity_scores"


@dataclass
class DecideResult:
    opportunities: int = 0
    prompts: int = 0
    dropped: dict[str, int] = field(default_factory=dict)      # reason -> rows

    def describe(self) -> str:
        dropped = ", ".join(f"{k}={v}" for k, v in sorted(self.dropped.items()))
        return (f"opportunities={self.opportunities}, prompts={self.prompts}; "
                f"dropped: {dropped or 'none'}")


def _partition(ctx: JobContext, name: str, day: dt.date | None = None) -> DataFrame:
    if not ctx.lake.exists(name):
        return ctx.spark.createDataFrame([], table(name).ddl)
    return ctx.lake.read(name, where={table(name).partition_by[0]: day or ctx.business_date})


def history_days(ctx: JobContext) -> int:
    """How far back the contact policy looks: a week, the prompt lifetime, the cooldowns."""
    contact = ctx.config.policy.contact
    cooldowns = contact.cooldown_days_after_decline
    longest = max([cooldowns.default, *cooldowns.products.values()])
    return max(7, contact.prompt_ttl_days, longest) + 1


def history(ctx: JobContext) -> DataFrame:
    """Earlier prompts of the look-back window with their status (see module doc)."""
    if not ctx.lake.exists(PROMPTS):
        return ctx.spark.createDataFrame([], "customer_id string, product_code string, "
                                             "business_date date, status string, "
                                             "expiry_date date")
    first = ctx.business_date - dt.timedelta(days=history_days(ctx))
    return (ctx.lake.read(PROMPTS)
            .where(F.col("business_date").between(F.lit(first),
                                                  F.lit(ctx.business_date - dt.timedelta(1))))
            .select("customer_id", "product_code", "business_date",
                    F.lit("open").alias("status"), "expiry_date"))


@dataclass
class Inputs:
    features: DataFrame
    scores: DataFrame
    customers: DataFrame
    consent: DataFrame
    staff: DataFrame
    history: DataFrame


def read_inputs(ctx: JobContext) -> Inputs:
    day = ctx.business_date
    features = _partition(ctx, "gold.customer_features", day)
    if features.isEmpty():
        raise ValueError(f"gold.customer_features has no rows for {day}: run `features` first")
    return Inputs(features.persist(), _partition(ctx, SCORES), _partition(ctx, "silver.customers"),
                  _partition(ctx, "silver.consent").persist(), _partition(ctx, "silver.staff"),
                  history(ctx).persist())


def _count_reasons(dropped: DataFrame, into: dict[str, int]) -> None:
    for reason, rows in dropped.groupBy("reason").count().collect():
        into[reason] = into.get(reason, 0) + rows


def decide(ctx: JobContext, data: Inputs, result: DecideResult) -> tuple[DataFrame, DataFrame]:
    """(gold.opportunities rows, gold.prompts rows) of the date, both checkpointed."""
    cfg, day = ctx.config, ctx.business_date
    products = cfg.products.products
    hits = rules_mod.rule_hits(data.features, cfg.rules)
    opps = combine.opportunities(hits, data.scores, min_model_propensity=cfg.policy.arbitration
                                 .min_model_propensity)
    held = eligibility.held_pairs(data.features)
    opps, not_eligible = eligibility.eligibility(opps, data.customers, held, products,
                                                 cfg.policy.eligibility)
    opps = arbitrate.value(opps.localCheckpoint(), products, cfg.policy.arbitration)
    opps, not_contactable = policy.apply_contact_policy(opps, data.consent, data.history, day,
                                                        cfg.policy.contact)
    opps, below_top_k = arbitrate.top_k(opps.localCheckpoint(),
                                        cfg.policy.arbitration.top_k_per_customer)
    opportunities = grade.grade(opps, cfg.policy.grading).localCheckpoint()
    routed, unrouted = route.route(opportunities, cfg.routing, products, cfg.organisation,
                                   data.consent)
    assigned, deferred = route.assign(routed.localCheckpoint(), data.staff, cfg.organisation)
    prompts = build_prompts(assigned, day, cfg.routing, products, cfg.policy.contact) \
        .localCheckpoint()
    for dropped in (not_eligible, not_contactable, below_top_k, unrouted, deferred):
        _count_reasons(dropped, result.dropped)
    return opportunities, prompts


def check(ctx: JobContext, data: Inputs, opportunities: DataFrame, prompts: DataFrame) -> None:
    """Suites and invariants; raises before anything is written."""
    day, cfg = ctx.business_date, ctx.config
    for name, df in ((OPPORTUNITIES, opportunities), (PROMPTS, prompts)):
        quality.gate(df, name, home=ctx.home, config=cfg.pipeline.quality, business_date=day)
    violations = invariants.check_prompts(
        prompts, business_date=day, consent=data.consent, history=data.history,
        held=eligibility.held_pairs(data.features), customers=data.customers, staff=data.staff,
        products=cfg.products.products, organisation=cfg.organisation, policy=cfg.policy)
    invariants.raise_on(violations)


def run(ctx: JobContext) -> DecideResult:
    from jobs import export

    day = ctx.business_date
    result = DecideResult()
    with ctx.run_log.step("decide") as rec:
        data = read_inputs(ctx)
        rec.rows_read = ctx.lake.count("gold.customer_features", where={"snapshot_date": day})
        try:
            opportunities, prompts = decide(ctx, data, result)
            check(ctx, data, opportunities, prompts)
            result.opportunities = ctx.lake.replace(opportunities, OPPORTUNITIES,
                                                    {"snapshot_date": day}).rows
            result.prompts = ctx.lake.replace(prompts, PROMPTS, {"business_date": day}).rows
        finally:
            for df in (data.features, data.consent, data.history):
                df.unpersist()
        rec.rows_written = result.opportunities + result.prompts
        rec.message = result.describe()
    export.run(ctx)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    args = parser.parse_args(argv)
    result = run_job(build_context(args.date), run)
    print(result.describe())


if __name__ == "__main__":
    main()
