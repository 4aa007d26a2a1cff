"""Arbitration: what an opportunity is worth, and each customer's best K.

    value = propensity x product points (products.yaml) x campaign weight (policy.yaml)

The campaign weight is the product's weight, else its category's, else the default: the
business lever that pushes a product or a category up or down the lists without touching a
model or a rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from crosslink.config import ArbitrationConfig, Product
from crosslink.decide._catalogue import lookup, product_attr, require

BELOW_TOP_K = "below_top_k"


def value(opps: DataFrame, products: Sequence[Product], cfg: ArbitrationConfig) -> DataFrame:
    """`opps` (product_code, propensity) plus category (when absent), points,
    campaign_weight and value."""
    require(opps.columns, ("product_code", "propensity"), "value")
    weights = {p.code: float(cfg.campaign_weights.weight(p)) for p in products}
    rows = opps
    if "category" not in rows.columns:
        rows = rows.withColumn("category", product_attr(products, "category"))
    return (rows.withColumn("points", product_attr(products, "points").cast("int"))
            .withColumn("campaign_weight", lookup(weights, F.col("product_code"),
                                                  float(cfg.campaign_weights.default)))
            .withColumn("value", F.col("propensity") * F.col("points")
                        * F.col("campaign_weight")))


def ranking() -> list:
    """The order of a customer's opportunities: value desc, then product_code."""
    return [F.col("value").desc(), F.col("product_code")]


def top_k(opps: DataFrame, k: int) -> tuple[DataFrame, DataFrame]:
    """(kept, dropped): each customer's `k` best opportunities by value (ties: product_code).

    Adds customer_rank (1 = best) to both; `dropped` adds reason "below_top_k".
    """
    require(opps.columns, ("customer_id", "product_code", "value"), "top_k")
    ranked = opps.withColumn("customer_rank", F.row_number().over(
        Window.partitionBy("customer_id").orderBy(*ranking())).cast("int"))
    kept = ranked.where(F.col("customer_rank") <= k)
    dropped = ranked.where(F.col("customer_rank") > k).withColumn("reason", F.lit(BELOW_TOP_K))
    return kept, dropped
