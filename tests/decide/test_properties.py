"""Property: whatever the customers, consent, history, staff and capacities, the prompts of
the whole decide chain break no invariant (policy, capacity, suitability, duplicates)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosslink.tables import table
from expectations._build import ddl_columns
from tests.decide import chain
from tests.decide.frames import (
    CONSENT_CHANNELS,
    DAY,
    consent,
    customers,
    days,
    history,
    organisation,
    staff,
)
from tests.features.frames import features_row, frame

PERSON_SIGNALS = {           # feature values that make the base rules fire
    "card": {"is_employee": 1, "employer_payroll_here": 1},
    "executive": {"is_executive": 1, "balance_total_cny": 900_000.0},
    "idle": {"balance_settlement_cny": 400_000.0},
    "wechat": {"wechat_small_payment_count_30d": 30},
    "pension": {"age": 56, "salary_credit_count_90d": 3},
    "has_card": {"holds_credit_card": 1},
}
COMPANY_SIGNALS = {
    "settles_elsewhere": {"linked_owner_count": 1, "inflow_other_bank_share_90d": 0.7},
    "payroll_elsewhere": {"payroll_elsewhere_count_90d": 6},
    "trade": {"trade_count_90d": 9},
}
MODEL_PRODUCTS = ("credit_card", "mutual_fund", "mobile_banking", "life_insurance")
STATUSES = ("open", "declined", "accepted", "expired")
ROLES = ("teller", "lobby_manager", "retail_rm", "wealth_advisor", "corporate_rm")


@st.composite
def banks(draw):
    n_persons = draw(st.integers(2, 6))
    n_companies = draw(st.integers(0, 2))
    ids = [f"P{i}" for i in range(n_persons)] + [f"C{i}" for i in range(n_companies)]
    features, people, scores, earlier = [], [], [], []
    for cid in ids:
        company = cid.startswith("C")
        signals = COMPANY_SIGNALS if company else PERSON_SIGNALS
        values = {}
        for name in draw(st.sets(st.sampled_from(sorted(signals)), min_size=1)):
            values.update(signals[name])
        age = None if company else values.get("age", draw(st.integers(16, 80)))
        if not company:
            values["age"] = age
        features.append(features_row(cid, "company" if company else "person",
                                     is_company=int(company), **values))
        people.append({
            "customer_id": cid, "customer_type": "company" if company else "person",
            "segment": draw(st.sampled_from(("micro", "sme", "large") if company
                                            else ("mass", "affluent", "private"))),
            "age": age, "risk_rating": draw(st.sampled_from((5, 3, 5, 1))),
            "kyc_complete": draw(st.sampled_from((True, True, True, False))),
            "branch_id": draw(st.sampled_from(("B1", "B2"))),
            "manager_id": draw(st.sampled_from((None, "S0", "S2", "S3", "S7", "S8")))})
        if not company:
            for product in draw(st.sets(st.sampled_from(MODEL_PRODUCTS), max_size=2)):
                scores.append((cid, product, draw(st.floats(0.0, 1.0))))
        for _ in range(draw(st.integers(0, 2))):
            earlier.append({
                "customer_id": cid, "status": draw(st.sampled_from(STATUSES)),
                "product_code": draw(st.sampled_from(("credit_card", "wealth_management",
                                                      "wechat_banking", "basic_settlement"))),
                "business_date": DAY - days(draw(st.integers(1, 12)))})
    grants = {cid: tuple(ch for ch in CONSENT_CHANNELS if draw(st.integers(0, 3)) < 3)
              for cid in ids}
    dnd = tuple(cid for cid in ids if draw(st.integers(0, 9)) == 9)
    team = [{"staff_id": f"S{i}", "role": role, "org_id": branch,
             "daily_capacity": draw(st.sampled_from((None, 2, 1, 0))),
             "active": draw(st.sampled_from((True, True, False)))}
            for i, (branch, role) in enumerate((b, r) for b in ("B1", "B2") for r in ROLES)]
    team.append({"staff_id": "X0", "role": "specialist_centre", "org_id": "SC-TRADE",
                 "org_type": "centre", "daily_capacity": 1})
    capacities = {ch: draw(st.sampled_from((None, 5, 1, 0)))
                  for ch in ("mobile_app", "wechat", "online_banking", "phone")}
    return features, people, scores, earlier, grants, dnd, team, capacities


def _scores(spark, rows):
    columns = ddl_columns(table("gold.propensity_scores").ddl)
    full = [{"snapshot_date": DAY, "customer_id": c, "customer_type": "person",
             "product_code": p, "propensity": s, "suitable": True,
             "model_name": f"crosslink.{p}", "model_version": 1, "model_run_id": "r",
             "reason_features": ["x"], "reasons": ["a reason"], "reasons_zh": ["理由"]}
            for c, p, s in rows]
    return spark.createDataFrame([tuple(r[c] for c in columns) for r in full],
                                 table("gold.propensity_scores").ddl)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(bank=banks())
def test_no_invariant_is_ever_broken(spark, config, bank):
    features, people, scores, earlier, grants, dnd, team, capacities = bank
    day = chain.Day(features=frame(spark, "gold.customer_features", features),
                    customers=customers(spark, people), consent=consent(spark, grants, dnd),
                    history=history(spark, earlier), staff=staff(spark, team),
                    business_date=DAY, scores=_scores(spark, scores))
    org = organisation(config, **capacities)
    out = chain.prompts(day, config, org).localCheckpoint()
    assert chain.violations(out, day, config, org) == []
