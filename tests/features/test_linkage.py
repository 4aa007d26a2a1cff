"""features.linkage: what a person is to our companies, and what a company's people are."""

from __future__ import annotations

import pytest

from features.linkage import link_features
from features.snapshot import holding_features
from tests.features.frames import frame, row


def _link(person: str, company: str, *types: str) -> dict:
    return row("silver.party_links", person_id=person, company_id=company, link_type=types[0],
               link_types=list(types))


@pytest.fixture(scope="module")
def features(spark):
    customers = [
        row("silver.customers", customer_id="P1", segment="private"),
        row("silver.customers", customer_id="P2", segment="mass"),
        row("silver.customers", customer_id="C1", customer_type="company", segment="large",
            employees=800, annual_turnover=2e8),
        row("silver.customers", customer_id="C2", customer_type="company", segment="micro",
            employees=6, annual_turnover=9e5),
    ]
    holdings = [row("silver.holdings", holding_id="H1", customer_id="C1",
                    product_code="payroll_agency", category="settlement", balance=None),
                row("silver.holdings", holding_id="H2", customer_id="C2",
                    product_code="basic_settlement", category="settlement")]
    links = [_link("P1", "C1", "owner", "legal_rep"), _link("P1", "C2", "shareholder"),
             _link("P2", "C1", "employee"), _link("P2", "C2", "executive")]
    company_holdings = holding_features(frame(spark, "silver.holdings", holdings),
                                        frame(spark, "silver.holdings", []))
    out = link_features(frame(spark, "silver.party_links", links),
                        frame(spark, "silver.customers", customers), company_holdings)
    return {r["customer_id"]: r.asDict() for r in out.collect()}


def test_person_link_types(features):
    p1, p2 = features["P1"], features["P2"]
    assert (p1["is_owner"], p1["is_legal_rep"], p1["is_shareholder"], p1["is_employee"]) == \
        (1, 1, 1, 0)
    assert (p2["is_employee"], p2["is_executive"], p2["is_owner"]) == (1, 1, 0)


def test_person_sees_the_size_and_products_of_linked_companies(features):
    p1 = features["P1"]
    assert p1["linked_company_count"] == 2
    assert (p1["linked_company_max_employees"], p1["linked_company_max_turnover"]) == (800, 2e8)
    assert (p1["linked_company_payroll_agency"], p1["linked_company_basic_settlement"]) == (1, 1)


def test_employer_payroll_here_only_through_a_paid_link(features):
    assert features["P2"]["employer_payroll_here"] == 1    # employee of C1, which runs payroll
    assert features["P1"]["employer_payroll_here"] == 0    # owns C1, is not paid by it


def test_company_counts_its_people(features):
    c1, c2 = features["C1"], features["C2"]
    assert (c1["linked_person_count"], c1["linked_owner_count"],
            c1["linked_employee_count"]) == (2, 1, 1)
    assert c1["linked_owner_affluent"] == 1                # P1 is a private-banking client
    assert (c2["linked_owner_count"], c2["linked_employee_count"]) == (0, 1)
    assert c2["linked_owner_affluent"] == 0                # a shareholder is not an owner


def test_person_and_company_columns_stay_apart(features):
    assert features["P1"]["linked_person_count"] is None   # filled with 0 on assembly
    assert features["C1"]["is_owner"] is None
