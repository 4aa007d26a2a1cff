"""The column contract of the decide steps' outputs, as plain Python (no Spark import).

The job that writes gold.opportunities and gold.prompts can take these DDL strings for the
table registry; each step's docstring says which columns it adds.
"""

from __future__ import annotations

# rules.rule_hits: one row per (customer, rule that fired)
HIT_DDL = ("snapshot_date date, customer_id string, customer_type string, product_code string, "
           "rule_id string, kind string, confidence double, evidence_en string, "
           "evidence_zh string, owner_role string")

# combine.opportunities: one row per (customer, product)
OPPORTUNITY_BASE_DDL = (
    "snapshot_date date, customer_id string, customer_type string, product_code string, "
    "kind string, sources array<string>, rule_ids array<string>, owner_role string, "
    "rule_confidence double, model_name string, model_version int, model_propensity double, "
    "propensity double, evidence array<string>, evidence_zh array<string>")
# added by eligibility (customer attributes and product facts) ...
ELIGIBILITY_ADDED_DDL = ("segment string, age int, risk_rating int, kyc_complete boolean, "
                         "branch_id string, manager_id string, category string, risk_level int")
# ... by arbitrate.value and arbitrate.top_k ...
VALUE_ADDED_DDL = "points int, campaign_weight double, value double"
RANK_ADDED_DDL = "customer_rank int"
# ... and by grade.grade: the row of gold.opportunities
GRADE_ADDED_DDL = "class string, tier string"
OPPORTUNITY_DDL = ", ".join((OPPORTUNITY_BASE_DDL, ELIGIBILITY_ADDED_DDL, VALUE_ADDED_DDL,
                             RANK_ADDED_DDL, GRADE_ADDED_DDL))

# route.route adds the route, route.assign the assignee
ROUTE_ADDED_DDL = ("route_id string, role string, channel string, org_type string, "
                   "org_id string, referral_path string")
ASSIGN_ADDED_DDL = "assignee_id string, assignee_type string, assigned_by string"

# build.build_prompts: the row of gold.prompts (grain: one prompt; key prompt_id; partition
# business_date)
PROMPT_DDL = (
    "prompt_id string, business_date date, snapshot_date date, expiry_date date, "
    "customer_id string, customer_type string, segment string, branch_id string, "
    "product_code string, category string, kind string, class string, tier string, "
    "value double, propensity double, customer_rank int, route_id string, role string, "
    "channel string, org_type string, org_id string, assignee_id string, "
    "assignee_type string, assigned_by string, referral_path string, pitch_en string, "
    "pitch_zh string, reasons_en array<string>, reasons_zh array<string>, "
    "sources array<string>, rule_ids array<string>, model_name string, model_version int")

# every `dropped` frame: the input's columns plus this
DROP_REASON_DDL = "reason string"


def ddl_names(ddl: str) -> list[str]:
    """Column names of a DDL string (top-level commas only; no nested struct types here)."""
    return [part.strip().split(" ", 1)[0] for part in ddl.split(",")]


PROMPT_COLUMNS = tuple(ddl_names(PROMPT_DDL))
OPPORTUNITY_COLUMNS = tuple(ddl_names(OPPORTUNITY_DDL))
