"""What a customer is and holds on the snapshot date: attributes, products and balances.

Inputs are silver snapshots of one date (and, for the balance trend, the holdings snapshot
`BALANCE_TREND_DAYS` earlier), so these features are point-in-time by construction.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import CATEGORIES
from crosslink.sources import INDUSTRIES
from features.columns import BALANCE_TREND_DAYS, PRODUCT_CODES, SEGMENTS

HELD_STATUSES = ("active", "dormant")     # a dormant holding is still held; a closed one is not


def customer_attributes(customers: DataFrame) -> DataFrame:
    """One row per customer of a silver.customers snapshot, every attribute numeric.

    `age` is a person's age, or a company's years since its founding; unknown numbers are 0
    (a person has no employees or turnover).
    """
    company = F.col("customer_type") == "company"
    founded = F.floor(F.months_between(F.col("snapshot_date"), F.col("founded_date")) / 12)
    age = F.when(company, founded).otherwise(F.col("age"))
    return customers.select(
        "customer_id", "customer_type", _flag(company, "is_company"),
        F.coalesce(age, F.lit(0)).cast("int").alias("age"),
        F.greatest(F.coalesce("tenure_days", F.lit(0)), F.lit(0)).cast("int")
        .alias("tenure_days"),
        F.coalesce("risk_rating", F.lit(1)).cast("int").alias("risk_rating"),
        _flag(F.col("kyc_complete"), "kyc_complete"),
        F.coalesce("employees", F.lit(0)).cast("int").alias("employees"),
        F.coalesce("annual_turnover", F.lit(0.0)).cast("double").alias("annual_turnover"),
        *(_flag(F.col("segment") == s, f"segment_{s}") for s in SEGMENTS),
        *(_flag(F.col("industry") == i, f"industry_{i}") for i in INDUSTRIES))


def holding_features(holdings: DataFrame, earlier: DataFrame) -> DataFrame:
    """Per customer: a flag per product held, how many products, balances and their trend.

    `holdings`: silver.holdings at the snapshot; `earlier`: the snapshot BALANCE_TREND_DAYS
    before (an empty frame when there is none). Balances are summed over active holdings
    (`balance_total_cny` and one per product category); the trend is now minus then, and 0
    when there is no earlier figure for the customer (unknown, not a loss).
    """
    held = F.col("status").isin(*HELD_STATUSES)
    now = holdings.groupBy("customer_id").agg(
        *(F.max(F.when(held & (F.col("product_code") == p), 1).otherwise(0)).alias(f"holds_{p}")
          for p in PRODUCT_CODES),
        F.count_distinct(F.when(held, F.col("product_code"))).cast("bigint")
        .alias("products_held_count"),
        *_balances())
    then = earlier.groupBy("customer_id").agg(
        _active_sum(F.lit(True)).alias("_then_total"),
        _active_sum(F.col("category") == "settlement").alias("_then_settlement"))
    return now.join(then, "customer_id", "left").select(
        *now.columns,
        _change("balance_total_cny", "_then_total", "balance_total_change_cny"),
        _change("balance_settlement_cny", "_then_settlement", "balance_settlement_change_cny"))


def _balances() -> list[Column]:
    return [_active_sum(F.lit(True)).alias("balance_total_cny"),
            *(_active_sum(F.col("category") == cat).alias(f"balance_{cat}_cny")
              for cat in CATEGORIES)]


def _active_sum(condition: Column) -> Column:
    counted = F.coalesce(F.col("is_active"), F.lit(False)) & condition
    return F.round(F.sum(F.when(counted, F.coalesce("balance", F.lit(0.0))).otherwise(0.0)), 2)


def _change(now: str, then: str, name: str) -> Column:
    delta = F.col(now) - F.coalesce(F.col(then), F.col(now))
    return F.round(delta, 2).alias(f"{name}_{BALANCE_TREND_DAYS}d")


def _flag(condition: Column, name: str) -> Column:
    return F.coalesce(condition, F.lit(False)).cast("int").alias(name)
