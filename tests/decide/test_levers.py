"""Changing a policy or routing parameter in conf/ changes the prompts as documented; the
whole chain is deterministic and its output passes the invariants."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from crosslink.config import conf_dir, load_config
from tests.decide import chain
from tests.decide.frames import DAY, consent, customers, history, staff
from tests.features.frames import features_row, frame

FEATURES = [
    features_row("P1", is_employee=1, employer_payroll_here=1, age=30),        # card, teller
    features_row("P2", wechat_small_payment_count_30d=20, balance_settlement_cny=300_000.0,
                 age=55, salary_credit_count_90d=3),                            # three leads
    features_row("P3", is_executive=1, balance_total_cny=900_000.0, age=45),
    features_row("C1", "company", is_company=1, linked_owner_count=1,
                 inflow_other_bank_share_90d=0.6, payroll_elsewhere_count_90d=9,
                 trade_count_90d=12),                                           # four leads
]
CUSTOMERS = [{"customer_id": "P1", "age": 30}, {"customer_id": "P2", "age": 55},
             {"customer_id": "P3", "age": 45, "segment": "affluent"},
             {"customer_id": "C1", "customer_type": "company", "segment": "sme", "age": None,
              "risk_rating": 5}]
STAFF = [{"staff_id": s, "role": r} for s, r in (
    ("T1", "teller"), ("L1", "lobby_manager"), ("R1", "retail_rm"), ("W1", "wealth_advisor"),
    ("K1", "corporate_rm"))] + [{"staff_id": "X1", "role": "specialist_centre",
                                 "org_id": "SC-TRADE", "org_type": "centre"}]
THRESHOLDS = "grading:\n  method: thresholds\n"   # tiers that do not depend on the day's mix


@pytest.fixture
def conf(tmp_path):
    target = tmp_path / "conf"
    shutil.copytree(conf_dir() / "base", target / "base")
    (target / "local").mkdir()
    (target / "local" / "policy.yaml").write_text(THRESHOLDS)
    return target


@pytest.fixture(scope="module")
def day(spark):
    return chain.Day(
        features=frame(spark, "gold.customer_features", FEATURES),
        customers=customers(spark, CUSTOMERS),
        consent=consent(spark, {c["customer_id"]: "all" for c in CUSTOMERS}),
        history=history(spark, []), staff=staff(spark, STAFF), business_date=DAY)


def _run(day, conf):
    cfg = load_config(conf)
    out = chain.prompts(day, cfg)
    rows = sorted((r.asDict() for r in out.collect()), key=lambda r: r["prompt_id"])
    assert chain.violations(out, day, cfg) == []
    return rows


def test_lowering_the_daily_cap_halves_the_prompts_of_busy_customers(day, conf):
    """policy.yaml contact.max_prompts_per_customer_per_day: 2 -> 1."""
    before = Counter(r["customer_id"] for r in _run(day, conf))
    (conf / "local" / "policy.yaml").write_text(
        THRESHOLDS + "contact:\n  max_prompts_per_customer_per_day: 1\n")
    after = Counter(r["customer_id"] for r in _run(day, conf))
    assert before["P2"] == 2 and before["C1"] == 2
    assert after == Counter({c: n // 2 if n == 2 else n for c, n in before.items()})


def test_widening_a_routing_rules_tiers_moves_the_prompt(day, conf):
    """routing.yaml teller_owned_leads tier [A, B] -> [A, B, C]: the payroll employee's card
    lead (value 0.15 x 3 points = 0.45, tier C) goes to the teller instead of the app."""
    def p1(rows):
        return next((r["route_id"], r["role"], r["channel"], r["assignee_id"]) for r in rows
                    if r["customer_id"] == "P1")

    assert p1(_run(day, conf)) == ("simple_retail_low_tier_app", "electronic", "mobile_app",
                                   "mobile_app")
    path = conf / "base" / "routing.yaml"
    old = "match: {owner_role: [teller], tier: [A, B]}"
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(
        old, "match: {owner_role: [teller], tier: [A, B, C]}"), encoding="utf-8")
    assert p1(_run(day, conf)) == ("teller_owned_leads", "teller", "branch_counter", "T1")


def test_same_inputs_same_prompts(day, conf):
    first, again = _run(day, conf), _run(day, conf)
    assert first == again and len(first) >= 6
    assert {r["role"] for r in first} >= {"electronic", "specialist_centre", "corporate_rm"}
