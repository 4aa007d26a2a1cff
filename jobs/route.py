"""Route: the day's opportunities to roles, channels and people, checked, then gold.prompts.

    spark-submit jobs/route.py --date 2026-01-05

Reads the date's gold.opportunities (written by `jobs/decide.py`) and what decide read
(`decide.read_inputs`: consent, staff, customers, the contact history, held products). Runs
the second half of the opportunity engine (`crosslink.decide`): ordered routing rules to a
role, channel and organisation; assignment to the customer's own manager or the least loaded
colleague within each person's and channel's daily capacity (the rest deferred, lowest value
first); pitch and reasons. The prompts pass the gold.prompts suite and every code invariant
(policy, capacity, held products, suitability, unique ids) *before* anything is written: a
failure stops the job and nothing of the day is routed. Publishing the exports is the next
job (`jobs/export.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import DataFrame

from crosslink import quality
from crosslink.context import JobContext, run_for_date
from crosslink.decide import eligibility, invariants, route
from crosslink.decide.build import build_prompts
from jobs.decide import OPPORTUNITIES, PROMPTS, Inputs, count_reasons, describe_dropped, read_inputs


@dataclass
class RouteResult:
    opportunities: int = 0
    prompts: int = 0
    dropped: dict[str, int] = field(default_factory=dict)      # reason -> rows

    def describe(self) -> str:
        return (f"prompts={self.prompts} of {self.opportunities} opportunities; "
                f"not routed: {describe_dropped(self.dropped)}")


def route_prompts(ctx: JobContext, opportunities: DataFrame, data: Inputs,
                  result: RouteResult) -> DataFrame:
    """The date's gold.prompts rows, checkpointed; unrouted and deferred rows counted."""
    cfg = ctx.config
    products = cfg.products.products
    assigned, unrouted, deferred = route.route_and_assign(
        opportunities, cfg.routing, products, cfg.organisation, data.consent, data.staff)
    prompts = build_prompts(assigned, ctx.business_date, cfg.routing, products,
                            cfg.policy.contact).localCheckpoint()
    for dropped in (unrouted, deferred):
        count_reasons(dropped, result.dropped)
    return prompts


def violations(ctx: JobContext, data: Inputs, prompts: DataFrame) -> list:
    """Every invariant the day's prompts break (empty when all hold), against the inputs."""
    cfg = ctx.config
    return invariants.check_prompts(
        prompts, business_date=ctx.business_date, consent=data.consent, history=data.history,
        held=eligibility.held_pairs(data.features), customers=data.customers, staff=data.staff,
        products=cfg.products.products, organisation=cfg.organisation, policy=cfg.policy)


def run(ctx: JobContext) -> RouteResult:
    day = ctx.business_date
    result = RouteResult()
    with ctx.run_log.step("route") as rec:
        opportunities = ctx.partition(OPPORTUNITIES, required=True).localCheckpoint()
        result.opportunities = rec.rows_read = opportunities.count()
        data = read_inputs(ctx)
        try:
            prompts = route_prompts(ctx, opportunities, data, result)
            quality.gate(prompts, PROMPTS, home=ctx.home, config=ctx.config.pipeline.quality,
                         business_date=day)
            invariants.raise_on(violations(ctx, data, prompts))
            result.prompts = ctx.lake.replace(prompts, PROMPTS, {"business_date": day}).rows
        finally:
            data.unpersist()
        rec.rows_written = result.prompts
        rec.message = result.describe()
    return result


def main(argv: list[str] | None = None) -> None:
    print(run_for_date(__doc__, run, argv).describe())


if __name__ == "__main__":
    main()
