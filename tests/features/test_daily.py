"""features.daily: one day's transactions -> one row per customer with every measure."""

from __future__ import annotations

import pytest

from features.columns import DAILY_KEYS, DAILY_MEASURES
from features.daily import customer_daily
from tests.features.frames import DAY, frame, row

MARKERS = ["SALARY", "PAYROLL", "工资", "代发"]
NAMED = {"lender": ["消费金融", "花呗", "保理", "供应链金融"], "housing": ["公寓", "REALTY"],
         "equipment": ["重工", "装备"], "securities": ["证券", "基金管理"]}


def _txn(i: int, customer: str, **values) -> dict:
    return row("silver.transactions", txn_id=f"T{i}", customer_id=customer, **values)


TXNS = [
    # P1: salary from our company C1 through us, and from C2's account at another bank
    _txn(1, "P1", txn_type="payroll", direction="C", amount_cny=8000.0,
         counterparty_is_ours=True, counterparty_bank="CLB", counterparty_customer_id="C1",
         memo="SALARY 工资 2026-03"),
    _txn(2, "P1", txn_type="transfer", direction="C", amount_cny=8000.0,
         counterparty_bank="ICBK", counterparty_customer_id="C2",
         counterparty_name="杭州恒泰贸易有限公司", memo="工资 SALARY 2026-03"),
    # P1: WeChat payments, one small; card spending; transfers to a person and a company
    _txn(3, "P1", channel="wechat", txn_type="payment", amount_cny=50.0),
    _txn(4, "P1", channel="wechat", txn_type="payment", amount_cny=500.0),
    _txn(5, "P1", channel="pos", txn_type="purchase", amount_cny=120.0,
         merchant_category="dining"),
    _txn(6, "P1", channel="pos", txn_type="purchase", amount_cny=3000.0,
         merchant_category="travel"),
    _txn(7, "P1", amount_cny=200.0, counterparty_name="张伟", counterparty_bank="CMBC"),
    _txn(8, "P1", amount_cny=1000.0, counterparty_name="Pacific Trading Ltd",
         counterparty_bank="HSBC"),
    # C1: payroll, a supplier payment, a customer receipt and an export receipt
    _txn(9, "C1", txn_type="payroll", amount_cny=8000.0, counterparty_is_ours=True,
         counterparty_bank="CLB", counterparty_customer_id="P1", memo="PAYROLL 代发工资"),
    _txn(10, "C1", txn_type="payment", amount_cny=5000.0, counterparty_bank="BKCH",
         counterparty_name="南京华信物流有限公司", memo="货款 GOODS PAYMENT"),
    _txn(11, "C1", direction="C", amount_cny=3000.0, counterparty_bank="ICBK",
         counterparty_name="苏州新凤商贸有限公司", memo="收款 RECEIPT"),
    _txn(12, "C1", txn_type="trade", direction="C", amount=1000.0, currency="USD",
         amount_cny=7100.0, counterparty_bank="HSBC", counterparty_name="Atlas Supply GmbH"),
    # C1: a factoring advance and a repayment to a supply-chain financier (lenders, not
    # customers); machinery from an equipment vendor, and goods from a machine-making client
    # (机械制造 in its name: a supplier, not an equipment vendor)
    _txn(20, "C1", direction="C", amount_cny=60000.0, counterparty_bank="PCBC",
         counterparty_name="平安国际商业保理有限公司 PING AN FACTORING", memo="保理融资款"),
    _txn(21, "C1", amount_cny=20000.0, counterparty_bank="CMBC", memo="融资还款",
         counterparty_name="联易融供应链金融 LINKLOGIS SUPPLY CHAIN FINANCE"),
    _txn(22, "C1", amount_cny=150000.0, counterparty_bank="ICBK", memo="设备采购款",
         counterparty_name="三一重工股份有限公司 SANY HEAVY MACHINERY"),
    _txn(23, "C1", txn_type="payment", amount_cny=900.0, counterparty_bank="BKCH",
         counterparty_name="宁波精工机械制造有限公司", memo="货款 GOODS PAYMENT"),
    # C1: a bond subscription through a securities firm, and a fund manager's redemption back
    # (money in: neither a subscription nor a customer paying)
    _txn(24, "C1", amount_cny=200000.0, counterparty_bank="ICBK", memo="债券认购",
         counterparty_name="中信证券股份有限公司 CITIC SECURITIES"),
    _txn(25, "C1", direction="C", amount_cny=50000.0, counterparty_bank="PCBC",
         counterparty_name="华夏基金管理有限公司 CHINAAMC FUND MANAGEMENT", memo="赎回"),
    # P2: one ATM withdrawal
    _txn(13, "P2", channel="atm", source="atm_txn", txn_type="withdrawal", amount_cny=300.0),
    # P2: a repayment to a consumer lender, a drawdown from a credit app, and a repayment to a
    # friend (a lender is told by its name, not by the memo)
    _txn(14, "P2", amount_cny=1500.0, counterparty_bank="CMBC", memo="还款 REPAYMENT",
         counterparty_name="招联消费金融有限公司 MERCHANTS UNION CONSUMER FINANCE"),
    _txn(15, "P2", direction="C", amount_cny=6000.0, counterparty_bank="PCBC",
         counterparty_name="蚂蚁花呗 HUABEI", memo="借款到账 LOAN DRAWDOWN"),
    _txn(16, "P2", amount_cny=800.0, counterparty_bank="ICBK", counterparty_name="李娜",
         memo="还款 REPAYMENT"),
    # P4: rent to a rental platform, a viewing deposit to a property agent, and a property-fee
    # bill (物业, the home they live in: not a housing-market payment)
    _txn(17, "P4", amount_cny=4200.0, counterparty_bank="CMBC", memo="房租 RENT",
         counterparty_name="泊寓公寓管理有限公司 BOYU APARTMENT"),
    _txn(18, "P4", amount_cny=2000.0, counterparty_bank="COMM", memo="看房意向金 VIEWING DEPOSIT",
         counterparty_name="贝壳找房 KE REALTY"),
    _txn(19, "P4", txn_type="payment", amount_cny=300.0, counterparty_bank="ICBK",
         counterparty_name="物业服务中心 PROPERTY FEE", memo="缴费 BILL"),
]
CUSTOMERS = [row("silver.customers", customer_id=c, customer_type=t)
             for c, t in [("P1", "person"), ("P2", "person"), ("P3", "person"), ("P4", "person"),
                          ("C1", "company"), ("C2", "company")]]


@pytest.fixture(scope="module")
def result(spark):
    out = customer_daily(frame(spark, "silver.transactions", TXNS),
                         frame(spark, "silver.customers", CUSTOMERS),
                         salary_markers=MARKERS, small_payment_max_cny=200.0,
                         markers=NAMED)
    return {r["customer_id"]: r.asDict() for r in out.collect()}


def test_one_row_per_customer_with_a_leg_or_named_as_payer(result):
    assert sorted(result) == ["C1", "C2", "P1", "P2", "P4"]      # P3 did nothing that day
    assert all(r["business_date"] == DAY for r in result.values())


def test_columns_are_the_registered_measures(spark):
    out = customer_daily(frame(spark, "silver.transactions", TXNS[:1]),
                         frame(spark, "silver.customers", CUSTOMERS),
                         salary_markers=MARKERS, small_payment_max_cny=200.0,
                         markers=NAMED)
    assert tuple(out.columns) == DAILY_KEYS + DAILY_MEASURES


def test_salary_credits_through_us_and_from_elsewhere(result):
    p1 = result["P1"]
    assert (p1["salary_credit_count"], p1["salary_credit_cny"]) == (2, 16000.0)
    assert (p1["salary_ours_count"], p1["salary_ours_cny"]) == (1, 8000.0)
    assert (p1["salary_elsewhere_count"], p1["salary_elsewhere_cny"]) == (1, 8000.0)
    # salary is not counted as a transfer, though the external one is booked as one
    assert p1["transfer_in_company_count"] == 0


def test_channels_directions_and_totals(result):
    p1 = result["P1"]
    assert p1["txn_count"] == 8
    assert (p1["in_cny"], p1["out_cny"]) == (16000.0, 4870.0)
    assert (p1["online_banking_count"], p1["online_banking_in_cny"],
            p1["online_banking_out_cny"]) == (4, 16000.0, 1200.0)
    assert (p1["wechat_count"], p1["wechat_out_cny"]) == (2, 550.0)
    assert (p1["pos_count"], p1["pos_out_cny"]) == (2, 3120.0)
    assert (result["P2"]["atm_count"], result["P2"]["atm_out_cny"]) == (1, 300.0)


def test_spending_small_payments_and_transfers(result):
    p1 = result["P1"]
    assert (p1["spend_dining_cny"], p1["spend_travel_cny"], p1["spend_fuel_cny"]) == \
        (120.0, 3000.0, 0.0)
    assert p1["wechat_small_payment_count"] == 1
    assert (p1["transfer_out_person_count"], p1["transfer_out_person_cny"]) == (1, 200.0)
    assert (p1["transfer_out_company_count"], p1["transfer_out_company_cny"]) == (1, 1000.0)
    assert p1["inflow_other_bank_cny"] == 8000.0      # the salary from C2's other bank


def test_consumer_credit_at_other_lenders(result):
    p2 = result["P2"]
    assert (p2["loan_repayment_elsewhere_count"], p2["loan_repayment_elsewhere_cny"]) == \
        (1, 1500.0)
    assert (p2["loan_drawdown_elsewhere_count"], p2["loan_drawdown_elsewhere_cny"]) == \
        (1, 6000.0)
    assert (p2["transfer_out_person_count"], p2["transfer_out_company_count"]) == (1, 1)
    assert result["P1"]["loan_repayment_elsewhere_count"] == 0     # 1000 to a trading company


def test_rent_and_property_agents_but_not_the_property_fee(result):
    p4 = result["P4"]
    assert (p4["housing_payment_count"], p4["housing_payment_cny"]) == (2, 6200.0)
    assert p4["out_cny"] == 6500.0
    assert result["P2"]["housing_payment_count"] == 0


def test_company_flows(result):
    c1 = result["C1"]
    assert (c1["payroll_out_count"], c1["payroll_out_cny"]) == (1, 8000.0)
    assert (c1["supplier_payment_count"], c1["supplier_payment_cny"]) == (2, 5900.0)
    assert (c1["customer_receipt_count"], c1["customer_receipt_cny"]) == (1, 3000.0)
    assert (c1["trade_count"], c1["trade_in_cny"], c1["trade_out_cny"]) == (1, 7100.0, 0.0)
    assert (c1["fx_count"], c1["fx_cny"]) == (1, 7100.0)
    assert (c1["inflow_other_bank_count"], c1["inflow_other_bank_cny"]) == (4, 120100.0)
    assert c1["payroll_elsewhere_count"] == 0


def test_company_financing_elsewhere_and_equipment_purchases(result):
    c1 = result["C1"]
    assert (c1["loan_drawdown_elsewhere_count"], c1["loan_drawdown_elsewhere_cny"]) == \
        (1, 60000.0)
    assert (c1["loan_repayment_elsewhere_count"], c1["loan_repayment_elsewhere_cny"]) == \
        (1, 20000.0)
    assert (c1["equipment_payment_count"], c1["equipment_payment_cny"]) == (1, 150000.0)
    assert result["P2"]["equipment_payment_count"] == 0
    assert (c1["securities_payment_count"], c1["securities_payment_cny"]) == (1, 200000.0)
    assert result["P4"]["securities_payment_count"] == 0


def test_salary_paid_from_another_bank_is_booked_on_the_company(result):
    c2 = result["C2"]
    assert (c2["payroll_elsewhere_count"], c2["payroll_elsewhere_cny"]) == (1, 8000.0)
    assert c2["txn_count"] == 0 and c2["out_cny"] == 0.0      # zeros, not nulls


def test_no_measure_is_null(result):
    for customer, values in result.items():
        assert all(values[m] is not None for m in DAILY_MEASURES), customer
