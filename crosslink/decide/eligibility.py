"""Eligibility and suitability: who may be offered which product at all.

Reasons, checked in this order (a dropped row carries the first that applies):

    unknown_customer     no silver.customers row for the customer
    unknown_product      the product is not in products.yaml
    not_offerable        products.yaml offerable: false (base products)
    held                 the customer already holds the product (`held` pairs)
    wrong_customer_type  a retail product for a company, or a corporate one for a person
    wrong_segment        the customer's segment is not in the product's policy `segments`
    age_unknown          the product has an age limit and the customer's age is null
    too_young / too_old  outside the product's policy min_age / max_age (inclusive limits)
    kyc_incomplete       policy require_kyc and kyc_complete is not true
    risk_above_rating    risk_rating (null counts as 0) < products.yaml risk_level
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import SEGMENT_CUSTOMER_TYPE, EligibilityConfig, Product
from crosslink.decide._catalogue import lookup, product_attr, require
from features.columns import PRODUCT_CODES
from features.snapshot import HELD_STATUSES

CUSTOMER_ATTRIBUTES = ("segment", "age", "risk_rating", "kyc_complete", "branch_id",
                       "manager_id")
REASONS = ("unknown_customer", "unknown_product", "not_offerable", "held",
           "wrong_customer_type", "wrong_segment", "age_unknown", "too_young", "too_old",
           "kyc_incomplete", "risk_above_rating")


def held_pairs(features: DataFrame) -> DataFrame:
    """(customer_id, product_code) of every product a customer holds, from the holds_<code>
    flags of gold.customer_features (active or dormant holdings at the snapshot)."""
    flags = F.array(*(F.struct(F.lit(code).alias("product_code"),
                               F.col(f"holds_{code}").alias("flag")) for code in PRODUCT_CODES))
    return (features.select("customer_id", F.explode(flags).alias("_h"))
            .where(F.col("_h.flag") == 1)
            .select("customer_id", F.col("_h.product_code").alias("product_code")))


def held_from_holdings(holdings: DataFrame) -> DataFrame:
    """(customer_id, product_code) held, from silver.holdings of one snapshot."""
    return (holdings.where(F.col("status").isin(*HELD_STATUSES))
            .select("customer_id", "product_code").distinct())


def eligibility(opps: DataFrame, customers: DataFrame, held: DataFrame,
                products: Sequence[Product], cfg: EligibilityConfig
                ) -> tuple[DataFrame, DataFrame]:
    """(kept, dropped) opportunities; see the module doc for the reasons.

    `opps`: at least customer_id, customer_type, product_code (`combine.opportunities`).
    `customers`: silver.customers of the snapshot (customer_id, segment, age, risk_rating,
    kyc_complete, branch_id, manager_id). `held`: (customer_id, product_code) pairs —
    `held_pairs(features)` or `held_from_holdings(holdings)`.

    Both outputs add the customer's segment, age, risk_rating, kyc_complete, branch_id,
    manager_id and the product's category and risk_level; `dropped` adds `reason`.
    """
    require(opps.columns, ("customer_id", "customer_type", "product_code"), "eligibility")
    attrs = customers.select("customer_id", *CUSTOMER_ATTRIBUTES,
                             F.lit(True).alias("_customer_known"))
    held_flag = held.select("customer_id", "product_code",
                            F.lit(True).alias("_held")).distinct()
    rows = (opps.drop(*CUSTOMER_ATTRIBUTES, "category", "risk_level")
            .join(attrs, "customer_id", "left")
            .join(held_flag, ["customer_id", "product_code"], "left")
            .withColumn("category", product_attr(products, "category"))
            .withColumn("risk_level", product_attr(products, "risk_level")))
    reason = _first_reason(products, cfg)
    out_columns = [*rows.columns]
    for private in ("_customer_known", "_held"):
        out_columns.remove(private)
    flagged = rows.withColumn("reason", reason)
    kept = flagged.where(F.col("reason").isNull()).select(*out_columns)
    dropped = flagged.where(F.col("reason").isNotNull()).select(*out_columns, "reason")
    return kept, dropped


def _first_reason(products: Sequence[Product], cfg: EligibilityConfig) -> Column:
    limits = cfg.products
    code = F.col("product_code")
    offerable = product_attr(products, "offerable")
    customer_type = lookup({p.code: SEGMENT_CUSTOMER_TYPE[p.segment] for p in products}, code)
    min_age = lookup({c: e.min_age for c, e in limits.items() if e.min_age is not None}, code)
    max_age = lookup({c: e.max_age for c, e in limits.items() if e.max_age is not None}, code)
    segments = lookup({c: ",".join(e.segments) for c, e in limits.items()
                       if e.segments is not None}, code)
    segment_ok = segments.isNull() | F.array_contains(
        F.split(F.coalesce(segments, F.lit("")), ","), F.coalesce("segment", F.lit("")))
    age = F.col("age")
    kyc_ok = F.coalesce(F.col("kyc_complete"), F.lit(False)) if cfg.require_kyc else F.lit(True)
    risk_ok = F.coalesce(F.col("risk_rating"), F.lit(0)) >= F.col("risk_level")
    checks = [
        ("unknown_customer", F.col("_customer_known").isNull()),
        ("unknown_product", offerable.isNull()),
        ("not_offerable", ~offerable),
        ("held", F.coalesce(F.col("_held"), F.lit(False))),
        ("wrong_customer_type", F.col("customer_type") != customer_type),
        ("wrong_segment", ~segment_ok),
        ("age_unknown", (min_age.isNotNull() | max_age.isNotNull()) & age.isNull()),
        ("too_young", min_age.isNotNull() & (age < min_age)),
        ("too_old", max_age.isNotNull() & (age > max_age)),
        ("kyc_incomplete", ~kyc_ok),
        ("risk_above_rating", ~risk_ok),
    ]
    reason = F.lit(None).cast("string")
    for name, failed in reversed(checks):
        reason = F.when(F.coalesce(failed, F.lit(False)), F.lit(name)).otherwise(reason)
    return reason
