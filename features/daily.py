"""gold.customer_daily: one customer's transaction aggregates of one business date.

Every measure of `features.columns.DAILY_MEASURES` is a count (`_count`) or a CNY sum (`_cny`)
of the customer's legs that meet one condition: a channel and direction, a salary credit (the
same rule as `crosslink.linkage`: payroll type or a salary word in the memo) and whether the
payer banks with us, card spending by merchant category, transfers with persons or companies,
small WeChat payments, repayments to and drawdowns from lenders at other institutions, rent and
property-agent payments, payments to equipment vendors and to securities firms (each such
counterparty is known by words of its name: `MARKED`), and, for companies, payroll, supplier
payments, customer receipts, trade and money arriving from other banks. One more measure is seen
from the other side: salary credits our customers receive from one of our companies' accounts at
another bank (`payroll_elsewhere_*`, booked on the company) — the sign that it pays its staff
elsewhere.

A customer without a transaction that day has no row: the daily table grows with the day's
data, not with the customer count, and the window roll-up treats a missing row as zeros.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.linkage import _is_salary, contains_any  # the salary rule of link inference
from crosslink.sources import MERCHANT_CATEGORIES
from features.columns import CHANNELS, DAILY_KEYS, DAILY_MEASURES, column_type

# Counterparty names that belong to companies, whoever they bank with (upper-cased text).
COMPANY_NAME_PATTERN = r"(公司|集团|企业|LTD|LIMITED|INC\b|GMBH|LLC|S\.A\.|PTE|CORP|CO\.)"
ELSEWHERE = ("payroll_elsewhere_count", "payroll_elsewhere_cny")
# Counterparties known by words of their name (pipeline.yaml features.<kind>_markers): a
# consumer-finance or factoring lender, a rental platform or property agent, an equipment vendor,
# a securities firm or fund manager
MARKED = ("lender", "housing", "equipment", "securities")


def customer_daily(txns: DataFrame, customers: DataFrame, *, salary_markers: Sequence[str],
                   small_payment_max_cny: float,
                   markers: Mapping[str, Sequence[str]]) -> DataFrame:
    """One row per (business_date, customer_id) with every daily measure, zeros filled.

    `txns`: silver.transactions of the day; `customers`: silver.customers of the same date
    (who is a company, on either side of a leg). `small_payment_max_cny`: the largest WeChat
    payment that still counts as small (everyday spending). `markers`: for each kind of
    `MARKED`, the words of such a counterparty's name (`FeaturesConfig.counterparty_markers`).
    """
    missing = set(MARKED) - set(markers)
    if missing:
        raise ValueError(f"customer_daily: no markers for counterparty kinds {sorted(missing)}")
    legs = _classify(txns, customers, salary_markers, markers)
    own = legs.groupBy(*DAILY_KEYS).agg(*_aggregates(small_payment_max_cny))
    seen = _payroll_seen_elsewhere(legs)
    both = own.join(seen, list(DAILY_KEYS), "full")
    return both.select(*DAILY_KEYS, *(_filled(m) for m in DAILY_MEASURES))


def _classify(txns: DataFrame, customers: DataFrame, salary_markers: Sequence[str],
              markers: Mapping[str, Sequence[str]]) -> DataFrame:
    """Each leg with its direction, salary, counterparty-kind flags (`_lender`, ... of
    `MARKED`), its CNY amount."""
    kinds = customers.select("customer_id", "customer_type")
    holder = kinds.select(F.col("customer_id").alias("_holder_id"),
                          (F.col("customer_type") == "company").alias("_company"))
    counterparty = kinds.select(F.col("customer_id").alias("_cp_id"),
                                F.col("customer_type").alias("_cp_type"))
    named_company = F.upper(F.col("counterparty_name")).rlike(COMPANY_NAME_PATTERN)
    cp_kind = F.coalesce(F.col("_cp_type"), F.when(F.col("counterparty_name").isNull(), None)
                         .when(named_company, "company").otherwise("person"))
    incoming = F.col("direction") == "C"
    return (txns
            .join(holder, F.col("customer_id") == F.col("_holder_id"), "left")
            .join(counterparty, F.col("counterparty_customer_id") == F.col("_cp_id"), "left")
            .select("business_date", "customer_id", "channel", "txn_type", "currency",
                    "merchant_category", "counterparty_customer_id", "counterparty_bank",
                    incoming.alias("_in"), (F.col("direction") == "D").alias("_out"),
                    (_is_salary(salary_markers) & incoming).alias("_salary"),
                    F.coalesce("counterparty_is_ours", F.lit(False)).alias("_ours"),
                    F.coalesce("_company", F.lit(False)).alias("_company"),
                    cp_kind.alias("_cp_kind"),
                    *(contains_any("counterparty_name", markers[kind]).alias(f"_{kind}")
                      for kind in MARKED),
                    F.coalesce("amount_cny", F.lit(0.0)).alias("_amount")))


def _conditions(small_payment_max_cny: float) -> dict[str, Column]:
    """Measure stem -> the legs it counts (`x` feeds `x_count` and `x_cny`)."""
    c = F.col
    kind, channel = c("txn_type"), c("channel")
    transfer = (kind == "transfer") & ~c("_salary")
    found = {"txn": F.lit(True), "in": c("_in"), "out": c("_out")}
    for name in CHANNELS:
        found |= {name: channel == name, f"{name}_in": (channel == name) & c("_in"),
                  f"{name}_out": (channel == name) & c("_out")}
    found |= {
        "salary_credit": c("_salary"), "salary_ours": c("_salary") & c("_ours"),
        "salary_elsewhere": c("_salary") & ~c("_ours"),
        "wechat_small_payment": (channel == "wechat") & c("_out") & (kind == "payment")
        & (c("_amount") <= small_payment_max_cny),
        "invest_out": (kind == "invest") & c("_out"),
        "fx": (kind == "fx") | (c("currency") != "CNY"),
        "payroll_out": (kind == "payroll") & c("_out"),
        "supplier_payment": c("_company") & c("_out") & (kind == "payment"),
        "customer_receipt": c("_company") & c("_in") & kind.isin("transfer", "payment")
        & ~c("_salary") & ~c("_lender") & ~c("_securities"),
        "trade": kind == "trade", "trade_in": (kind == "trade") & c("_in"),
        "trade_out": (kind == "trade") & c("_out"),
        "inflow_other_bank": c("_in") & c("counterparty_bank").isNotNull() & ~c("_ours"),
        "loan_repayment_elsewhere": c("_lender") & c("_out") & ~c("_ours"),
        "loan_drawdown_elsewhere": c("_lender") & c("_in") & ~c("_ours"),
        "housing_payment": c("_housing") & c("_out") & ~c("_ours"),
        "equipment_payment": c("_equipment") & c("_out") & ~c("_ours"),
        "securities_payment": c("_securities") & c("_out") & ~c("_ours"),
    }
    for way in ("in", "out"):
        for party in ("person", "company"):
            found[f"transfer_{way}_{party}"] = transfer & c(f"_{way}") & (c("_cp_kind") == party)
    found |= {f"spend_{cat}": (channel == "pos") & c("_out") & (c("merchant_category") == cat)
              for cat in MERCHANT_CATEGORIES}
    return found


def _stem(measure: str) -> tuple[str, bool]:
    """`salary_credit_cny` -> ("salary_credit", True); `atm_count` -> ("atm", False)."""
    if measure.endswith("_count"):
        return measure.removesuffix("_count"), False
    return measure.removesuffix("_cny"), True


def _aggregate(measure: str, condition: Column) -> Column:
    hit = F.coalesce(condition, F.lit(False))
    stem, money = _stem(measure)
    if money:
        return F.round(F.sum(F.when(hit, F.col("_amount")).otherwise(0.0)), 2).alias(measure)
    return F.sum(F.when(hit, 1).otherwise(0)).cast("bigint").alias(measure)


def _aggregates(small_payment_max_cny: float) -> list[Column]:
    conditions = _conditions(small_payment_max_cny)
    return [_aggregate(m, conditions[_stem(m)[0]]) for m in DAILY_MEASURES
            if m not in ELSEWHERE]


def _payroll_seen_elsewhere(legs: DataFrame) -> DataFrame:
    """Per company: salary credits our customers got from its account at another bank."""
    paid = legs.where(F.col("_salary") & ~F.col("_ours")
                      & F.col("counterparty_customer_id").isNotNull()
                      & (F.col("_cp_kind") == "company"))
    return (paid.groupBy("business_date", F.col("counterparty_customer_id").alias("customer_id"))
            .agg(F.count(F.lit(1)).alias("payroll_elsewhere_count"),
                 F.round(F.sum("_amount"), 2).alias("payroll_elsewhere_cny")))


def _filled(measure: str) -> Column:
    zero = F.lit(0.0) if column_type(measure) == "double" else F.lit(0)
    return F.coalesce(F.col(measure), zero).cast(column_type(measure)).alias(measure)
