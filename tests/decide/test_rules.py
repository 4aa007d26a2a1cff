"""decide.rules: every active-list rule of conf/base/rules.yaml fires on what it describes,
and only there."""

from __future__ import annotations

import pytest

from crosslink.decide.rules import HIT_COLUMNS, rule_hits
from tests.features.frames import features_row, frame


def _company(cid: str, **values) -> dict:
    return features_row(cid, "company", is_company=1, **values)


FEATURES = [
    # owner banks with us, money comes from other banks -> basic settlement
    _company("C1", linked_owner_count=1, inflow_other_bank_share_90d=0.5),
    _company("C2", linked_owner_count=1, inflow_other_bank_share_90d=0.5,
             holds_basic_settlement=1),                                   # settles here
    _company("C3", linked_owner_count=1, inflow_other_bank_share_90d=0.1),   # mostly ours
    # salaries to our customers through another bank -> payroll agency
    _company("C4", payroll_elsewhere_count_90d=5),
    _company("C5", payroll_elsewhere_count_90d=2),
    # trade flows -> cash management and trade finance; counterparty flows -> cash only
    _company("C6", trade_count_90d=8),
    _company("C7", supplier_payment_count_90d=30, customer_receipt_count_90d=20),
    # finances receivables with factoring houses -> working-capital loan (corporate RM)
    _company("C9", loan_drawdown_elsewhere_count_90d=1, loan_repayment_elsewhere_count_90d=2),
    _company("C10", loan_drawdown_elsewhere_count_90d=1, loan_repayment_elsewhere_count_90d=1),
    # buys machinery -> financial leasing (specialist centre), unless it leases already
    _company("C11", equipment_payment_count_90d=2),
    _company("C12", equipment_payment_count_90d=4, holds_financial_leasing=1),
    # subscribes to bonds and funds through securities firms -> custody (specialist centre)
    _company("C13", securities_payment_count_90d=2),
    _company("C14", securities_payment_count_90d=1),
    _company("C15", securities_payment_count_90d=5, holds_custody=1),
    # person columns on a company row never fire a person rule
    _company("C8", wechat_small_payment_count_30d=50, age=55, salary_credit_count_90d=5),
    # employee of a payroll client without a card -> credit card via the teller
    features_row("P1", is_employee=1, employer_payroll_here=1),
    features_row("P2", is_employee=1, employer_payroll_here=0),     # employer pays elsewhere
    features_row("P3", is_employee=1, employer_payroll_here=1, holds_credit_card=1),
    # executive with a high balance -> wealth management (wealth advisor)
    features_row("P4", is_executive=1, balance_total_cny=500_000.0),
    features_row("P5", is_executive=1, balance_total_cny=100_000.0),
    # large idle balance -> wealth management (retail RM), unless they already invest
    features_row("P6", balance_settlement_cny=300_000.0),
    features_row("P7", balance_settlement_cny=300_000.0, invest_out_cny_90d=50_000.0),
    # frequent small WeChat payments, not bound -> WeChat banking
    features_row("P8", wechat_small_payment_count_30d=20),
    features_row("P9", wechat_small_payment_count_30d=5),
    features_row("P10", wechat_small_payment_count_30d=20, holds_wechat_banking=1),
    # near retirement with a salary -> personal pension
    features_row("P11", age=55, salary_credit_count_90d=3),
    features_row("P12", age=45, salary_credit_count_90d=3),
    features_row("P13", age=63, salary_credit_count_90d=3),
    # repays consumer lenders elsewhere -> personal loan (retail RM)
    features_row("P14", loan_repayment_elsewhere_count_90d=3),
    features_row("P15", loan_repayment_elsewhere_count_90d=2),
    features_row("P16", loan_repayment_elsewhere_count_90d=6, holds_personal_loan=1),
    # pays rent and property agents -> mortgage (retail RM)
    features_row("P17", housing_payment_count_90d=3),
    features_row("P18", housing_payment_count_90d=2),
    features_row("P19", housing_payment_count_90d=5, holds_mortgage=1),
]

EXPECTED = {
    ("C1", "owner_company_settles_elsewhere", "basic_settlement"),
    ("C4", "payroll_through_other_bank", "payroll_agency"),
    ("C6", "trade_flows_cash_management", "cash_management"),
    ("C6", "trade_flows_trade_finance", "trade_finance"),
    ("C7", "trade_flows_cash_management", "cash_management"),
    ("C9", "factoring_instead_of_credit", "working_capital_loan"),
    ("C11", "buys_equipment", "financial_leasing"),
    ("C13", "invests_through_securities_firms", "custody"),
    ("P1", "payroll_employee_no_card", "credit_card"),
    ("P4", "client_executive_high_balance", "wealth_management"),
    ("P6", "large_idle_balance", "wealth_management"),
    ("P8", "wechat_payer_not_bound", "wechat_banking"),
    ("P11", "near_retirement_pension", "personal_pension"),
    ("P14", "borrows_from_consumer_lenders", "personal_loan"),
    ("P17", "renter_looking_for_a_home", "mortgage"),
}


@pytest.fixture(scope="module")
def hits(spark, config):
    features = frame(spark, "gold.customer_features", FEATURES)
    return rule_hits(features, config.rules).collect()


def test_each_rule_fires_exactly_where_it_should(hits):
    assert {(h["customer_id"], h["rule_id"], h["product_code"]) for h in hits} == EXPECTED


def test_every_base_rule_is_exercised(config):
    assert {r.id for r in config.rules.rules} == {rule for _, rule, _ in EXPECTED}


def test_a_hit_carries_the_rule_constants(hits, config):
    assert list(hits[0].asDict()) == list(HIT_COLUMNS)
    rule = next(r for r in config.rules.rules if r.id == "payroll_employee_no_card")
    hit = next(h for h in hits if h["rule_id"] == rule.id)
    assert (hit["kind"], hit["owner_role"], hit["confidence"], hit["evidence_en"],
            hit["evidence_zh"], hit["customer_type"]) == (
        "linkage", "teller", rule.confidence, rule.evidence_en, rule.evidence_zh, "person")


def test_params_are_the_thresholds(spark, config):
    """Lowering a param widens its rule: P9's five WeChat payments now qualify."""
    features = frame(spark, "gold.customer_features", FEATURES)
    params = {**config.rules.params, "min_wechat_small_payments_30d": 5}
    lowered = config.rules.model_copy(update={"params": params})
    fired = {(h["customer_id"], h["rule_id"]) for h in rule_hits(features, lowered).collect()}
    assert ("P9", "wechat_payer_not_bound") in fired
    assert ("P10", "wechat_payer_not_bound") not in fired
