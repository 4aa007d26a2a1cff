"""decide.invariants: clean prompts pass; each kind of violation is caught and counted."""

from __future__ import annotations

import pytest

from crosslink.decide.columns import PROMPT_DDL, ddl_names
from crosslink.decide.invariants import CHECKS, InvariantError, check_prompts, raise_on
from tests.decide.frames import DAY, consent, customers, days, history, organisation, staff

PERSONS = [f"P{i}" for i in range(1, 17)]
CUSTOMERS = ([{"customer_id": c, "risk_rating": 5} for c in PERSONS if c not in ("P7", "P8")]
             + [{"customer_id": "P7", "risk_rating": 1},
                {"customer_id": "P8", "risk_rating": 5, "kyc_complete": False}])
STAFF = [{"staff_id": "S1", "role": "retail_rm", "daily_capacity": 2},
         {"staff_id": "T1", "role": "teller", "daily_capacity": 50}]
HISTORY = [{"customer_id": "P5", "product_code": "credit_card", "expiry_date": DAY + days(3)},
           {"customer_id": "P6", "product_code": "mortgage", "status": "declined"},
           *({"customer_id": "P9", "product_code": "x", "status": "accepted",
              "business_date": DAY - days(d)} for d in (1, 2, 3))]
HELD = [("P2", "mortgage")]


def _p(customer, product, role="teller", channel="branch_counter", assignee="T1",
       assignee_type="staff", org="B1", pid=None):
    values = {"prompt_id": pid or f"{customer}|{product}|{role}", "business_date": DAY,
              "customer_id": customer, "product_code": product, "role": role,
              "channel": channel, "org_id": org, "assignee_id": assignee,
              "assignee_type": assignee_type}
    return tuple(values.get(c) for c in ddl_names(PROMPT_DDL))


CLEAN = [_p("P1", "credit_card"),
         _p("P1", "mortgage", "retail_rm", "branch_rm", "S1"),
         _p("P2", "credit_card", "electronic", "mobile_app", "mobile_app", "channel",
            "mobile_app")]
BAD = CLEAN + [
    _p("P10", "credit_card", pid="DUP"), _p("P10", "mortgage", pid="DUP"),   # duplicate id
    _p("P11", "credit_card"), _p("P11", "credit_card", "retail_rm", "branch_rm", "S1"),  # twice
    _p("P3", "credit_card"),                                                 # no consent
    _p("P4", "credit_card"),                                                 # do not disturb
    *(_p("P12", p) for p in ("credit_card", "personal_pension", "mobile_banking")),  # daily
    _p("P9", "credit_card"), _p("P9", "mortgage"),                           # weekly (3 + 2)
    _p("P5", "credit_card"),                                                 # open prompt
    _p("P6", "mortgage"),                                                    # cooldown
    _p("P2", "mortgage"),                                                    # held
    _p("P7", "mutual_fund"),                                                 # risk 3 > 1
    _p("P8", "credit_card"),                                                 # KYC
    _p("P13", "mobile_banking", "electronic", "mobile_app", "mobile_app", "channel",
       "mobile_app"),                                 # not on mobile_app; mobile_app 2 > 1
    _p("P14", "credit_card", assignee="S9"),                                 # unknown
    _p("P15", "credit_card", "retail_rm", "branch_rm", "S1"),               # S1: 3 > 2
]


@pytest.fixture(scope="module")
def inputs(spark, config):
    grants = {c: ("all" if c != "P3" else ()) for c in PERSONS}
    return dict(
        business_date=DAY, consent=consent(spark, grants, dnd=("P4",)),
        history=history(spark, HISTORY),
        held=spark.createDataFrame(HELD, "customer_id string, product_code string"),
        customers=customers(spark, CUSTOMERS), staff=staff(spark, STAFF),
        products=config.products.products,
        organisation=organisation(config, mobile_app=1), policy=config.policy)


def test_clean_prompts_pass(spark, inputs):
    assert check_prompts(spark.createDataFrame(CLEAN, PROMPT_DDL), **inputs) == []
    raise_on([])


def test_every_kind_of_violation_is_caught(spark, inputs):
    found = check_prompts(spark.createDataFrame(BAD, PROMPT_DDL), **inputs)
    assert {v.check: v.count for v in found} == {check: 1 for check in CHECKS}
    examples = {v.check: v.example for v in found}
    assert examples["duplicate_prompt_id"] == "DUP"
    assert examples["routed_twice"] == "P11|credit_card"
    assert examples["staff_capacity"] == "S1"
    assert examples["channel_capacity"] == "mobile_app"
    with pytest.raises(InvariantError, match="held_product: 1"):
        raise_on(found)
