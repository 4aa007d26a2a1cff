"""The decide steps chained in the documented nightly order (crosslink/decide/__init__.py),
for tests that look at the end result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import DataFrame

from crosslink.config import Config
from crosslink.decide import arbitrate, combine, eligibility, grade, invariants, policy, route
from crosslink.decide import rules as rules_mod
from crosslink.decide.build import build_prompts


@dataclass
class Day:
    features: DataFrame
    customers: DataFrame
    consent: DataFrame
    history: DataFrame
    staff: DataFrame
    business_date: dt.date
    scores: DataFrame | None = None


def prompts(day: Day, cfg: Config, organisation=None) -> DataFrame:
    org = organisation or cfg.organisation
    products = cfg.products.products
    hits = rules_mod.rule_hits(day.features, cfg.rules)
    arbitration = cfg.policy.arbitration
    opps = combine.opportunities(hits, day.scores,
                                 min_model_propensity=arbitration.min_model_propensity,
                                 min_model_lift=arbitration.min_model_lift,
                                 rule_with_model=arbitration.rule_with_model)
    held = eligibility.held_pairs(day.features)
    opps, _ = eligibility.eligibility(opps, day.customers, held, products,
                                      cfg.policy.eligibility)
    opps = arbitrate.value(opps, products, cfg.policy.arbitration)
    opps, _ = policy.apply_contact_policy(opps, day.consent, day.history, day.business_date,
                                          cfg.policy.contact)
    opps, _ = arbitrate.top_k(opps, cfg.policy.arbitration.top_k_per_customer)
    # a job writes gold.opportunities here and reads it back; checkpoints stand in for that,
    # so that Spark does not replay the whole lineage for every branch of assign
    opps = grade.grade(opps, cfg.policy.grading).localCheckpoint()
    assigned, _, _ = route.route_and_assign(opps, cfg.routing, products, org, day.consent,
                                            day.staff)
    return build_prompts(assigned, day.business_date, cfg.routing, products,
                         cfg.policy.contact)


def violations(out: DataFrame, day: Day, cfg: Config, organisation=None):
    return invariants.check_prompts(
        out, business_date=day.business_date, consent=day.consent, history=day.history,
        held=eligibility.held_pairs(day.features), customers=day.customers, staff=day.staff,
        products=cfg.products.products, organisation=organisation or cfg.organisation,
        policy=cfg.policy)
