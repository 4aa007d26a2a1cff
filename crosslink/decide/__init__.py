"""The opportunity engine: pure `DataFrame -> DataFrame` steps from features and scores to
graded, routed, assigned prompts (issue 4). No session is created and nothing is read or
written here; the jobs do that.

All frames of one call belong to one business date (the snapshot date of the features and
scores); joins are on customer_id (and product_code), not on dates. Every step that removes
rows returns `(kept, dropped)`, where `dropped` carries the input's columns plus `reason`
(a short snake_case code listed in the step's docstring), so a job can count what went where.
Cache an input before calling a step whose two outputs are both used, and persist (or
write and read back) the opportunities before routing: `route.assign` reads its input in
several branches, and an unpersisted chain is replayed from the features for each of them.

The nightly order, with the config each step reads:

    hits = rules.rule_hits(features, cfg.rules)
    arbitration = cfg.policy.arbitration
    opps = combine.opportunities(hits, scores,
                                 min_model_propensity=arbitration.min_model_propensity,
                                 min_model_lift=arbitration.min_model_lift,
                                 rule_with_model=arbitration.rule_with_model)
    held = eligibility.held_pairs(features)
    opps, not_eligible = eligibility.eligibility(opps, customers, held, products,
                                                 cfg.policy.eligibility)
    opps = arbitrate.value(opps, products, cfg.policy.arbitration)
    opps, not_contactable = policy.apply_contact_policy(opps, consent, history, day,
                                                        cfg.policy.contact)
    opps, below_top_k = arbitrate.top_k(opps, cfg.policy.arbitration.top_k_per_customer)
    opps = grade.grade(opps, cfg.policy.grading)                      # -> gold.opportunities
    assigned, unrouted, deferred = route.route_and_assign(       # route, assign, then
        opps, cfg.routing, products, cfg.organisation, consent, staff)   # fallbacks
    prompts = build.build_prompts(assigned, day, cfg.routing, products,
                                  cfg.policy.contact)                 # -> gold.prompts
    violations = invariants.check_prompts(prompts, ...)               # any: do not publish

(`products` = `cfg.products.products`.) The contact policy runs before top-K so that a
customer's K slots go to opportunities that may be offered; it checks consent on *some*
channel there, and routing then takes only rules whose channel the customer consented to, so
every prompt has consent on its own channel (the strict guarantee, checked again by
`invariants`). Capacity deferral only ever removes prompts, and a fallback pass assigns
only within the capacity the passes before it left, so neither can break a cap.
Output columns are listed in `crosslink.decide.columns`.
"""
