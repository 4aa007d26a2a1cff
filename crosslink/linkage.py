"""silver.party_links: person-company links from the CRM and from what transactions reveal.

Evidence is read from the person's side of silver.transactions over a look-back window:
* payroll -> `employee`: salary-like credits (payroll type or a salary word in the memo) from a
  company that pays at least `payroll_min_payees` people that way in the window;
* owner transfers -> `owner`: at least `owner_transfer_min_count` transfers of at least
  `owner_transfer_min_amount` CNY between the person and one company, salary excluded.
CRM links win on type; a link found both ways has source `both` and the higher confidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import ConformConfig, LinkageConfig

CRM_CONFIDENCE = 1.0
# What infer_links reads of a leg: silver.link_evidence keeps these of the legs whose
# counterparty is one of our customers (~7% of all legs), so the look-back window is scanned
# narrow, and the nightly cost stays about the day's data (jobs/conform.py)
EVIDENCE_COLUMNS = ("business_date", "txn_id", "customer_id", "counterparty_customer_id",
                    "direction", "txn_type", "memo", "amount_cny")


def contains_any(text: str, markers: Sequence[str]) -> Column:
    """Whether column `text`, upper-cased, contains any of `markers` (a null text: no)."""
    upper = F.upper(F.coalesce(F.col(text), F.lit("")))
    return reduce(lambda a, b: a | b, (upper.contains(m.upper()) for m in markers), F.lit(False))


def _is_salary(markers: Sequence[str]) -> Column:
    return (F.col("txn_type") == "payroll") | contains_any("memo", markers)


def link_evidence(txns: DataFrame) -> DataFrame:
    """silver.link_evidence rows: the legs `infer_links` can use (a counterparty that is one
    of our customers; who is a person or a company is decided on the day links are inferred),
    in the columns it reads. `infer_links` over them equals `infer_links` over `txns`."""
    return txns.where(F.col("counterparty_customer_id").isNotNull()).select(*EVIDENCE_COLUMNS)


def _person_company_legs(txns: DataFrame, customers: DataFrame) -> DataFrame:
    """Transactions on a person's account whose counterparty is one of our companies."""
    kinds = customers.select("customer_id", "customer_type")
    persons = kinds.where("customer_type = 'person'").select(F.col("customer_id").alias("p"))
    companies = kinds.where("customer_type = 'company'").select(F.col("customer_id").alias("c"))
    return (txns.where(F.col("counterparty_customer_id").isNotNull())
            .join(persons, F.col("customer_id") == F.col("p"), "left_semi")
            .join(companies, F.col("counterparty_customer_id") == F.col("c"), "left_semi")
            .select(F.col("customer_id").alias("person_id"),
                    F.col("counterparty_customer_id").alias("company_id"), "business_date",
                    "direction", "txn_type", "memo", "amount_cny"))


def infer_links(txns: DataFrame, customers: DataFrame, cfg: LinkageConfig,
                conform: ConformConfig) -> DataFrame:
    """Links the legs of the look-back window reveal (`txns`: silver.transactions rows, or
    their `link_evidence`), between persons and companies of `customers`."""
    legs = _person_company_legs(txns, customers).withColumn(
        "is_salary", _is_salary(conform.salary_markers) & (F.col("direction") == "C"))
    salary = legs.where("is_salary")
    payers = (salary.groupBy("company_id").agg(F.countDistinct("person_id").alias("payees"))
              .where(F.col("payees") >= cfg.payroll_min_payees))
    payroll = (salary.join(payers, "company_id", "left_semi")
               .groupBy("person_id", "company_id").agg(
                   F.countDistinct(F.date_format("business_date", "yyyy-MM")).alias("months"),
                   F.count("*").alias("txn_count"), F.sum("amount_cny").alias("total_amount_cny"),
                   F.min("business_date").alias("first_seen_date"),
                   F.max("business_date").alias("last_seen_date"))
               .where(F.col("months") >= cfg.payroll_min_months)
               .select("person_id", "company_id", F.lit("employee").alias("link_type"),
                       F.least(F.lit(0.95), 0.7 + 0.1 * F.col("months")).alias("confidence"),
                       F.concat(F.lit("salary paid by the company in "), F.col("months"),
                                F.lit(" month(s)")).alias("evidence"),
                       "txn_count", "total_amount_cny", "first_seen_date", "last_seen_date"))
    transfers = (legs.where(~F.col("is_salary") & (F.col("txn_type") == "transfer")
                            & (F.col("amount_cny") >= cfg.owner_transfer_min_amount))
                 .groupBy("person_id", "company_id").agg(
                     F.count("*").alias("txn_count"),
                     F.sum("amount_cny").alias("total_amount_cny"),
                     F.min("business_date").alias("first_seen_date"),
                     F.max("business_date").alias("last_seen_date"))
                 .where(F.col("txn_count") >= cfg.owner_transfer_min_count)
                 .select("person_id", "company_id", F.lit("owner").alias("link_type"),
                         F.least(F.lit(0.9), 0.5 + 0.1 * F.col("txn_count")).alias("confidence"),
                         F.concat(F.col("txn_count"),
                                  F.lit(" large transfers between person and company"))
                         .alias("evidence"),
                         "txn_count", "total_amount_cny", "first_seen_date", "last_seen_date"))
    return payroll.unionByName(transfers)


def combine_links(crm: DataFrame, inferred: DataFrame, snapshot: dt.date) -> DataFrame:
    """One row per person-company pair: CRM type first, every type seen, best confidence."""
    crm_rows = crm.select(
        "person_id", "company_id", "link_type", F.lit("crm").alias("source"),
        F.lit(CRM_CONFIDENCE).alias("confidence"),
        F.concat(F.lit("recorded in CRM as "), F.col("link_type")).alias("evidence"),
        F.lit(0).cast("long").alias("txn_count"),
        F.lit(None).cast("double").alias("total_amount_cny"),
        F.col("since_date").alias("first_seen_date"),
        F.lit(None).cast("date").alias("last_seen_date"),
        F.lit(0).alias("_rank"))
    inferred_rows = inferred.select(
        "person_id", "company_id", "link_type", F.lit("inferred").alias("source"), "confidence",
        "evidence", F.col("txn_count").cast("long"), "total_amount_cny", "first_seen_date",
        "last_seen_date", F.lit(1).alias("_rank"))
    rows = crm_rows.unionByName(inferred_rows)
    # CRM first, then the most confident inference
    ordered = F.sort_array(F.collect_list(F.struct(
        "_rank", (-F.col("confidence")).alias("_neg_confidence"), "link_type", "evidence")))
    grouped = rows.groupBy("person_id", "company_id").agg(
        ordered.alias("_by_rank"),
        F.sort_array(F.collect_set("link_type")).alias("link_types"),
        F.collect_set("source").alias("_sources"), F.max("confidence").alias("confidence"),
        F.sum("txn_count").alias("txn_count"), F.sum("total_amount_cny").alias("total_amount_cny"),
        F.min("first_seen_date").alias("first_seen_date"),
        F.max("last_seen_date").alias("last_seen_date"))
    source = F.when(F.size("_sources") > 1, "both").otherwise(F.col("_sources")[0])
    evidence = F.array_join(F.transform("_by_rank", lambda s: s["evidence"]), "; ")
    return grouped.select(
        F.lit(snapshot).alias("snapshot_date"), "person_id", "company_id",
        F.col("_by_rank")[0]["link_type"].alias("link_type"), "link_types", source.alias("source"),
        "confidence", evidence.alias("evidence"), "txn_count", "total_amount_cny",
        "first_seen_date", "last_seen_date")
