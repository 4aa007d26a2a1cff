"""Public–private linkage features from silver.party_links of the snapshot date.

A person's links say what they are to our client companies (owner, legal representative,
shareholder, executive, employee) and what those companies are: how big, and whether they
already run payroll or settle with us — an employee of a company without payroll agency, or
the owner of one settling elsewhere, is a prospect on both sides. A company's links say how
many of its people bank with us, and whether its owners are affluent.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.sources import LINK_TYPES
from features.columns import AFFLUENT_SEGMENTS, OWNER_LINKS, PAID_LINKS


def link_features(links: DataFrame, customers: DataFrame, company_holdings: DataFrame
                  ) -> DataFrame:
    """Person and company linkage features in one frame keyed by customer_id.

    `customers`: silver.customers at the snapshot; `company_holdings`: the output of
    `snapshot.holding_features` (for holds_payroll_agency / holds_basic_settlement).
    Columns of the other kind of customer are null here and filled with 0 on assembly.
    """
    typed = _with_types(links)
    persons = person_links(typed, customers, company_holdings)
    companies = company_links(typed, customers)
    return persons.unionByName(companies, allowMissingColumns=True)


def _with_types(links: DataFrame) -> DataFrame:
    """links with `link_types` never null (older rows may only carry `link_type`)."""
    types = F.coalesce(F.col("link_types"), F.array(F.col("link_type")))
    return links.select("person_id", "company_id", types.alias("link_types"))


def _has_any(types: tuple[str, ...]) -> Column:
    found = F.lit(False)
    for t in types:
        found = found | F.array_contains(F.col("link_types"), t)
    return found


def person_links(links: DataFrame, customers: DataFrame, company_holdings: DataFrame
                 ) -> DataFrame:
    """Per person: a flag per link type, and size and products of the linked companies."""
    company = customers.select(F.col("customer_id").alias("company_id"), "employees",
                               "annual_turnover")
    products = company_holdings.select(F.col("customer_id").alias("company_id"),
                                       "holds_payroll_agency", "holds_basic_settlement")
    rows = links.join(company, "company_id", "left").join(products, "company_id", "left")
    payroll = F.coalesce(F.col("holds_payroll_agency"), F.lit(0))
    return rows.groupBy(F.col("person_id").alias("customer_id")).agg(
        *(F.max(_has_any((t,)).cast("int")).alias(f"is_{t}") for t in LINK_TYPES),
        F.count_distinct("company_id").cast("bigint").alias("linked_company_count"),
        F.max(F.coalesce("employees", F.lit(0))).cast("int")
        .alias("linked_company_max_employees"),
        F.max(F.coalesce("annual_turnover", F.lit(0.0))).alias("linked_company_max_turnover"),
        F.max(payroll).cast("int").alias("linked_company_payroll_agency"),
        F.max(F.coalesce("holds_basic_settlement", F.lit(0))).cast("int")
        .alias("linked_company_basic_settlement"),
        F.max(F.when(_has_any(PAID_LINKS), payroll).otherwise(0)).cast("int")
        .alias("employer_payroll_here"))


def company_links(links: DataFrame, customers: DataFrame) -> DataFrame:
    """Per company: its people who bank with us, its owners and employees among them."""
    person = customers.select(F.col("customer_id").alias("person_id"), "segment")
    rows = links.join(person, "person_id", "left")
    owner = _has_any(OWNER_LINKS)
    return rows.groupBy(F.col("company_id").alias("customer_id")).agg(
        F.count_distinct("person_id").cast("bigint").alias("linked_person_count"),
        F.count_distinct(F.when(owner, F.col("person_id"))).cast("bigint")
        .alias("linked_owner_count"),
        F.count_distinct(F.when(_has_any(PAID_LINKS), F.col("person_id"))).cast("bigint")
        .alias("linked_employee_count"),
        F.max((owner & F.col("segment").isin(*AFFLUENT_SEGMENTS)).cast("int"))
        .alias("linked_owner_affluent"))
