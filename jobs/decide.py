"""Decide: the day's opportunities, checked, then written to gold.opportunities.

    spark-submit jobs/decide.py --date 2026-01-05

Reads, for the date: gold.customer_features, gold.propensity_scores (absent or empty: rules
only), silver.customers, silver.consent and the prompts of the days before (gold.prompts: the
contact history). Runs the first half of the opportunity engine in its documented order
(`crosslink.decide`): active-list rules and model scores combined, eligibility and
suitability, value, contact policy, top K per customer, class and tier. The rows pass the
gold.opportunities suite *before* they are written; a failure writes nothing. Routing them to
people and channels is the next job (`jobs/route.py`).

Until the feedback loop lands, the history's status is `open` for every earlier prompt (open
until its expiry date, then closed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pyspark.sql import DataFrame

from crosslink import quality
from crosslink.context import JobContext, run_for_date
from crosslink.decide import arbitrate, combine, eligibility, grade, policy
from crosslink.decide import rules as rules_mod
from crosslink.feedback import workflow

OPPORTUNITIES, PROMPTS, SCORES = "gold.opportunities", "gold.prompts", "gold.propensity_scores"
FEATURES = "gold.customer_features"


@dataclass
class DecideResult:
    opportunities: int = 0
    dropped: dict[str, int] = field(default_factory=dict)      # reason -> rows

    def describe(self) -> str:
        return f"opportunities={self.opportunities}; dropped: {describe_dropped(self.dropped)}"


def describe_dropped(dropped: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(dropped.items())) or "none"


def count_reasons(dropped: DataFrame, into: dict[str, int]) -> None:
    """Add a frame of dropped rows (with a `reason` column) to the per-reason counts."""
    for reason, rows in dropped.groupBy("reason").count().collect():
        into[reason] = into.get(reason, 0) + rows


def history_days(ctx: JobContext) -> int:
    """How far back the contact policy looks: a week, the prompt lifetime, the cooldowns."""
    contact = ctx.config.policy.contact
    cooldowns = contact.cooldown_days_after_decline
    longest = max([cooldowns.default, *cooldowns.products.values()])
    return max(7, contact.prompt_ttl_days, longest) + 1


def history_window(ctx: JobContext) -> tuple[dt.date, dt.date]:
    """The earlier days the contact policy reads: (first, yesterday)."""
    return ctx.days_ago(history_days(ctx)), ctx.days_ago(1)


def history(ctx: JobContext, prompts: DataFrame | None = None) -> DataFrame:
    """Earlier prompts of the look-back window with their workflow state as of the day before
    (`crosslink.feedback.workflow`: a lost prompt is a decline, a won or expired one closed;
    without feedback a prompt stays open until its expiry). `prompts`: another prompt history
    of the window than gold.prompts' (the evaluation's variants live with their own)."""
    from jobs.feedback import EVENTS

    first, yesterday = history_window(ctx)
    if prompts is None:
        prompts = ctx.between(PROMPTS, first, yesterday)
    events = ctx.between(EVENTS, first, yesterday)
    states = workflow.status(prompts, events, ctx.business_date - dt.timedelta(1))
    return workflow.policy_history(states)


@dataclass
class Inputs:
    """What deciding and routing a date read, and what the prompt invariants are checked
    against (the same frames: a check sees exactly what the decision saw)."""
    features: DataFrame
    scores: DataFrame
    customers: DataFrame
    consent: DataFrame
    staff: DataFrame
    history: DataFrame

    def unpersist(self) -> None:
        for df in (self.features, self.consent, self.history):
            df.unpersist()


def read_inputs(ctx: JobContext) -> Inputs:
    features = ctx.partition(FEATURES)
    if features.isEmpty():
        raise ValueError(f"{FEATURES} has no rows for {ctx.business_date}: run `features` "
                         f"first")
    return Inputs(features.persist(), ctx.partition(SCORES), ctx.partition("silver.customers"),
                  ctx.partition("silver.consent").persist(), ctx.partition("silver.staff"),
                  history(ctx).persist())


def find_candidates(ctx: JobContext, data: Inputs) -> DataFrame:
    """Active-list rule hits and model scores combined: one row per customer x product."""
    cfg = ctx.config
    hits = rules_mod.rule_hits(data.features, cfg.rules)
    arbitration = cfg.policy.arbitration
    return combine.opportunities(hits, data.scores,
                                 min_model_propensity=arbitration.min_model_propensity,
                                 min_model_lift=arbitration.min_model_lift,
                                 rule_with_model=arbitration.rule_with_model)


def decide(ctx: JobContext, data: Inputs, result: DecideResult,
           candidates: DataFrame | None = None) -> DataFrame:
    """The date's gold.opportunities rows, checkpointed; dropped rows counted by reason.
    `candidates` (combine.opportunities rows) replaces the rules and scores: the evaluation
    runs the same engine on an oracle's or a baseline's candidates."""
    cfg, day = ctx.config, ctx.business_date
    products = cfg.products.products
    opps = find_candidates(ctx, data) if candidates is None else candidates
    held = eligibility.held_pairs(data.features)
    opps, not_eligible = eligibility.eligibility(opps, data.customers, held, products,
                                                 cfg.policy.eligibility)
    opps = arbitrate.value(opps.localCheckpoint(), products, cfg.policy.arbitration)
    opps, not_contactable = policy.apply_contact_policy(opps, data.consent, data.history, day,
                                                        cfg.policy.contact)
    opps, below_top_k = arbitrate.top_k(opps.localCheckpoint(),
                                        cfg.policy.arbitration.top_k_per_customer)
    for dropped in (not_eligible, not_contactable, below_top_k):
        count_reasons(dropped, result.dropped)
    return grade.grade(opps, cfg.policy.grading).localCheckpoint()


def run(ctx: JobContext) -> DecideResult:
    day = ctx.business_date
    result = DecideResult()
    with ctx.run_log.step("decide") as rec:
        data = read_inputs(ctx)
        rec.rows_read = ctx.lake.count(FEATURES, where={"snapshot_date": day})
        try:
            opportunities = decide(ctx, data, result)
            quality.gate(opportunities, OPPORTUNITIES, home=ctx.home,
                         config=ctx.config.pipeline.quality, business_date=day)
            result.opportunities = ctx.lake.replace(opportunities, OPPORTUNITIES,
                                                    {"snapshot_date": day}).rows
        finally:
            data.unpersist()
        rec.rows_written = result.opportunities
        rec.message = result.describe()
    return result


def main(argv: list[str] | None = None) -> None:
    print(run_for_date(__doc__, run, argv).describe())


if __name__ == "__main__":
    main()
