"""Bronze -> silver: one transaction model across channels, and the day's master snapshots.

Pure `DataFrame -> DataFrame` functions; `jobs/conform.py` reads and writes the tables.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import ConformConfig, Product
from crosslink.sources import OUR_BANK

COUNTER_TYPES = {"DEP": ("deposit", "C"), "WDL": ("withdrawal", "D"), "TRF": ("transfer", "D"),
                 "PAY": ("payment", "D"), "FX": ("fx", "D")}
ATM_TYPES = {"DEP": ("deposit", "C"), "WDL": ("withdrawal", "D"), "TRF": ("transfer", "D"),
             "INQ": ("inquiry", "D")}
TXN_COLUMNS = ("txn_id", "business_date", "txn_ts", "channel", "source", "customer_id",
               "account_id", "txn_type", "direction", "amount", "currency",
               "counterparty_account", "counterparty_name", "counterparty_bank",
               "merchant_category", "memo", "branch_id", "record_hash")


def _code_map(column: str, mapping: dict[str, tuple[str, str]], index: int) -> Column:
    expr = F.lit(None).cast("string")
    for code, values in mapping.items():
        expr = F.when(F.col(column) == code, F.lit(values[index])).otherwise(expr)
    return expr


def _none(name: str) -> Column:
    return F.lit(None).cast("string").alias(name)


def _select(df: DataFrame, source: str, channel: Column, txn_type: Column, direction: Column,
            **overrides: Column) -> DataFrame:
    defaults = {"channel": channel, "source": F.lit(source), "txn_type": txn_type,
                "direction": direction}
    defaults.update(overrides)
    cols, present = [], set(df.columns)
    for name in TXN_COLUMNS:
        if name in defaults:
            cols.append(defaults[name].alias(name))
        elif name in present:
            cols.append(F.col(name))
        else:
            cols.append(_none(name))
    return df.select(*cols)


def counter_transactions(bronze: DataFrame) -> DataFrame:
    return _select(bronze, "counter_txn", F.lit("branch_counter"),
                   _code_map("txn_code", COUNTER_TYPES, 0),
                   _code_map("txn_code", COUNTER_TYPES, 1))


def atm_transactions(bronze: DataFrame) -> DataFrame:
    return _select(bronze, "atm_txn", F.lit("atm"), _code_map("txn_code", ATM_TYPES, 0),
                   _code_map("txn_code", ATM_TYPES, 1))


def online_transactions(bronze: DataFrame) -> DataFrame:
    return _select(bronze, "online_txn", F.lit("online_banking"), F.col("txn_type"),
                   F.col("direction"))


def mobile_transactions(bronze: DataFrame) -> DataFrame:
    return _select(bronze, "mobile_txn", F.col("channel"), F.col("txn_type"),
                   F.col("direction"),
                   counterparty_name=F.coalesce(F.col("counterparty_name"), F.col("merchant")))


def pos_transactions(bronze: DataFrame) -> DataFrame:
    return _select(bronze, "card_pos", F.lit("pos"), F.lit("purchase"), F.lit("D"),
                   counterparty_name=F.col("merchant_id"))


CHANNEL_BUILDERS = {"counter_txn": counter_transactions, "atm_txn": atm_transactions,
                    "online_txn": online_transactions, "mobile_txn": mobile_transactions,
                    "card_pos": pos_transactions}


def unify_transactions(bronze_by_source: dict[str, DataFrame]) -> DataFrame:
    frames = [CHANNEL_BUILDERS[name](df) for name, df in sorted(bronze_by_source.items())]
    unified = frames[0]
    for frame in frames[1:]:
        unified = unified.unionByName(frame)
    return unified


def _normalise_name(col: Column) -> Column:
    return F.upper(F.regexp_replace(F.trim(col), r"\s+", " "))


def resolve_counterparties(txns: DataFrame, accounts: DataFrame, customers: DataFrame,
                           fx: ConformConfig) -> DataFrame:
    """Counterparty -> our customer: by account when it is held with us, else by the exact
    (normalised) name of one of our companies, when that name is unique. Adds amount_cny."""
    account_owner = (accounts.where(F.col("account_id").isNotNull())
                     .select(F.col("account_id").alias("_cp_account"),
                             F.col("customer_id").alias("_cp_by_account")).distinct())
    companies = customers.where(F.col("customer_type") == "company").select(
        _normalise_name(F.col("customer_name")).alias("_cp_name"), "customer_id")
    unique_names = (companies.groupBy("_cp_name").agg(
        F.count("*").alias("_n"), F.first("customer_id").alias("_cp_by_name"))
        .where("_n = 1").drop("_n"))
    rate = F.create_map(*[x for cur, r in fx.fx_to_cny.items() for x in (F.lit(cur), F.lit(r))])
    ours = F.col("counterparty_bank") == OUR_BANK
    resolved = (txns
                .join(account_owner,
                      (F.col("counterparty_account") == F.col("_cp_account")) & ours, "left")
                .join(unique_names, _normalise_name(F.col("counterparty_name"))
                      == F.col("_cp_name"), "left"))
    match = (F.when(F.col("_cp_by_account").isNotNull(), F.lit("account"))
             .when(F.col("_cp_by_name").isNotNull(), F.lit("name")))
    return resolved.select(
        *[c for c in TXN_COLUMNS if c != "record_hash"],
        F.round(F.col("amount") * rate[F.col("currency")], 2).alias("amount_cny"),
        F.coalesce("_cp_by_account", "_cp_by_name").alias("counterparty_customer_id"),
        F.coalesce(ours, F.lit(False)).alias("counterparty_is_ours"),
        match.alias("counterparty_match"), "record_hash")


def customers_snapshot(bronze: DataFrame, snapshot: dt.date) -> DataFrame:
    snap = F.lit(snapshot)
    customer_type = F.when(F.col("customer_type") == "P", "person").otherwise("company")
    age = F.when(F.col("customer_type") == "P",
                 F.floor(F.months_between(snap, F.col("birth_date")) / 12).cast("int"))
    return bronze.select(
        snap.alias("snapshot_date"), "customer_id", customer_type.alias("customer_type"),
        "customer_name", "birth_date", "founded_date", age.alias("age"), "segment", "branch_id",
        "manager_id", "risk_rating", "kyc_complete", "industry", "employees", "annual_turnover",
        "customer_since", F.datediff(snap, F.col("customer_since")).alias("tenure_days"))


def holdings_snapshot(bronze: DataFrame, products: list[Product], snapshot: dt.date,
                      spark) -> DataFrame:
    catalogue = spark.createDataFrame([(p.code, p.category) for p in products],
                                      "product_code string, category string")
    return bronze.join(F.broadcast(catalogue), "product_code", "left").select(
        F.lit(snapshot).alias("snapshot_date"), "holding_id", "customer_id", "product_code",
        "category", "account_id", "opened_date", "closed_date", "status",
        F.coalesce("balance", F.lit(0.0)).alias("balance"),
        (F.col("status") == "active").alias("is_active"))


def staff_snapshot(bronze: DataFrame, centre_codes: list[str], snapshot: dt.date) -> DataFrame:
    org_type = F.when(F.col("branch_id").isin(*centre_codes), "centre").otherwise("branch")
    return bronze.select(
        F.lit(snapshot).alias("snapshot_date"), "staff_id", "staff_name", "role",
        F.col("branch_id").alias("org_id"), org_type.alias("org_type"), "daily_capacity",
        "hired_date", "active")


def branches_snapshot(bronze: DataFrame, snapshot: dt.date) -> DataFrame:
    return bronze.select(F.lit(snapshot).alias("snapshot_date"), "branch_id", "branch_name",
                         "city", "opened_date")


def consent_snapshot(bronze: DataFrame, snapshot: dt.date) -> DataFrame:
    return bronze.select(
        F.lit(snapshot).alias("snapshot_date"), "customer_id", "channel", "consent",
        F.coalesce("do_not_disturb", F.lit(False)).alias("do_not_disturb"), "updated_at")
