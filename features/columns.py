"""The column contract of the two gold feature tables, as plain Python (no Spark import).

`crosslink.tables` builds the registered DDL of `gold.customer_daily`, `gold.customer_windows`
and `gold.customer_features` from these lists, the feature functions build exactly these columns,
and models read `FEATURE_COLUMNS`. Naming: counts end in `_count` (bigint), money in `_cny`
(double, rounded to the cent); window columns add the window, e.g. `salary_credit_cny_30d`;
flags are 0/1 ints; every feature is numeric and never null.

The lists are fixed code, not configuration, because they are a table schema: a new window,
channel, product or code changes `gold.customer_features` and is a contract change
(`FeaturesConfig.windows` must name these windows; a test holds `PRODUCT_CODES` to
`conf/base/products.yaml`).
"""

from __future__ import annotations

from crosslink.config import CATEGORIES
from crosslink.sources import (
    CORPORATE_SEGMENTS,
    INDUSTRIES,
    LINK_TYPES,
    MERCHANT_CATEGORIES,
    RETAIL_SEGMENTS,
)

WINDOWS: tuple[int, ...] = (30, 90)              # days, ending on (and including) the snapshot
LONG_WINDOW = max(WINDOWS)                       # shares are taken over the longest window
RECENCY_CAP = LONG_WINDOW                        # days_since_*: this many days or more / never
BALANCE_TREND_DAYS = 30                          # balance now vs the holdings snapshot then

CHANNELS = ("branch_counter", "atm", "online_banking", "mobile_app", "wechat", "pos")
DIGITAL_CHANNELS = ("online_banking", "mobile_app", "wechat")
SEGMENTS = RETAIL_SEGMENTS + CORPORATE_SEGMENTS
# Mirrors conf/base/products.yaml (tests/features/test_columns.py keeps them equal).
PRODUCT_CODES = (
    "debit_account", "general_account", "credit_card", "wealth_management", "mutual_fund",
    "life_insurance", "personal_loan", "mortgage", "personal_pension", "mobile_banking",
    "wechat_banking", "basic_settlement", "payroll_agency", "cash_management",
    "working_capital_loan", "trade_finance", "custody", "financial_leasing",
    "enterprise_annuity", "corporate_ebanking")
OWNER_LINKS = ("owner", "legal_rep")             # who controls a company
PAID_LINKS = ("employee", "executive")           # whom a company pays a salary
AFFLUENT_SEGMENTS = ("affluent", "private")


def _counted(*names: str) -> tuple[str, ...]:
    """`x` -> (`x_count`, `x_cny`): how often, and how much."""
    return tuple(f"{n}_{kind}" for n in names for kind in ("count", "cny"))


# --- gold.customer_daily: one customer's aggregates of one business date --------------------
DAILY_MEASURES: tuple[str, ...] = (
    "txn_count", "in_cny", "out_cny",
    *(f"{c}_{m}" for c in CHANNELS for m in ("count", "in_cny", "out_cny")),
    *_counted("salary_credit", "salary_ours", "salary_elsewhere"),
    *(f"spend_{cat}_cny" for cat in MERCHANT_CATEGORIES),
    *_counted("transfer_in_person", "transfer_in_company", "transfer_out_person",
              "transfer_out_company"),
    "wechat_small_payment_count",
    *_counted("invest_out", "fx"),
    # credit at other lenders (features.lender_markers): repaid, and drawn
    *_counted("loan_repayment_elsewhere", "loan_drawdown_elsewhere"),
    # rent to rental platforms and fees to property agents (features.housing_markers)
    *_counted("housing_payment"),
    # payments to machinery vendors (features.equipment_markers)
    *_counted("equipment_payment"),
    # subscriptions through securities firms and fund managers (features.securities_markers)
    *_counted("securities_payment"),
    # companies
    *_counted("payroll_out", "supplier_payment", "customer_receipt"),
    "trade_count", "trade_in_cny", "trade_out_cny",
    *_counted("inflow_other_bank"),
    # a company's salaries to our customers, paid from its account at another bank
    *_counted("payroll_elsewhere"),
)
DAILY_KEYS = ("business_date", "customer_id")

# --- gold.customer_windows: the rolling state, one active customer per snapshot ---------------
ROLLED_MEASURES = DAILY_MEASURES + ("active_days",)     # active_days: days with a transaction


def window_column(measure: str, window: int) -> str:
    return f"{measure}_{window}d"


WINDOW_COLUMNS = tuple(window_column(m, w) for w in WINDOWS for m in ROLLED_MEASURES)
RECENCY_COLUMNS = tuple(f"days_since_{c}" for c in CHANNELS) + ("days_since_txn",)
# days_since_<x> = snapshot date - last_<x>_date: the last day with <x>_count > 0
LAST_ACTIVE = {f"last_{c}_date": f"{c}_count" for c in (*CHANNELS, "txn")}

# --- gold.customer_features: one customer per snapshot -----------------------------------------
SHARE_COLUMNS = (
    *(f"share_{c}_{LONG_WINDOW}d" for c in CHANNELS),
    f"digital_share_{LONG_WINDOW}d",               # digital channels' share of transactions
    f"inflow_other_bank_share_{LONG_WINDOW}d",     # money in from other banks / all money in
    f"salary_elsewhere_share_{LONG_WINDOW}d",      # salary from other banks / all salary
    f"card_spend_share_{LONG_WINDOW}d",            # card purchases / all money out
    f"outflow_share_{LONG_WINDOW}d",               # money out / (money in + out): < 0.5 saves
    # each merchant category's share of card spending: what the money goes on, whatever the
    # volume (a heavy card spender's travel spend is not a traveller's)
    *(f"spend_{cat}_share_{LONG_WINDOW}d" for cat in MERCHANT_CATEGORIES),
)
ATTRIBUTE_COLUMNS = (
    "is_company", "age", "tenure_days", "risk_rating", "kyc_complete", "employees",
    "annual_turnover",
    *(f"segment_{s}" for s in SEGMENTS),
    *(f"industry_{i}" for i in INDUSTRIES),
)
HOLDING_COLUMNS = (
    *(f"holds_{p}" for p in PRODUCT_CODES), "products_held_count",
    "balance_total_cny", *(f"balance_{cat}_cny" for cat in CATEGORIES),
    f"balance_total_change_cny_{BALANCE_TREND_DAYS}d",
    f"balance_settlement_change_cny_{BALANCE_TREND_DAYS}d",
)
PERSON_LINK_COLUMNS = (
    *(f"is_{t}" for t in LINK_TYPES), "linked_company_count", "linked_company_max_employees",
    "linked_company_max_turnover", "linked_company_payroll_agency",
    "linked_company_basic_settlement", "employer_payroll_here",
)
COMPANY_LINK_COLUMNS = (
    "linked_person_count", "linked_owner_count", "linked_employee_count",
    "linked_owner_affluent",
)
# how the customer answered our prompts (feedback.prompt_events) in the long window: prompts
# delivered, contacted (or offer opened), won (accepted) and lost (declined) — the outcomes of
# earlier prompts, so retrained models learn who takes up an offer when asked
PROMPT_OUTCOMES = {"delivered": "prompt", "contacted": "prompt_contacted",
                   "accepted": "prompt_won", "declined": "prompt_lost"}
FEEDBACK_COLUMNS = tuple(f"{name}_count_{LONG_WINDOW}d" for name in PROMPT_OUTCOMES.values())
FEATURE_COLUMNS: tuple[str, ...] = (
    WINDOW_COLUMNS + RECENCY_COLUMNS + SHARE_COLUMNS + ATTRIBUTE_COLUMNS + HOLDING_COLUMNS
    + PERSON_LINK_COLUMNS + COMPANY_LINK_COLUMNS + FEEDBACK_COLUMNS)
FEATURE_KEYS = ("snapshot_date", "customer_id", "customer_type")    # not features
FLAG_COLUMNS = (
    "is_company", "kyc_complete", *(f"segment_{s}" for s in SEGMENTS),
    *(f"industry_{i}" for i in INDUSTRIES), *(f"holds_{p}" for p in PRODUCT_CODES),
    *(f"is_{t}" for t in LINK_TYPES), "linked_company_payroll_agency",
    "linked_company_basic_settlement", "employer_payroll_here", "linked_owner_affluent")

_DOUBLE_COLUMNS = frozenset(SHARE_COLUMNS + ("annual_turnover", "linked_company_max_turnover"))
_INT_COLUMNS = frozenset(RECENCY_COLUMNS + ATTRIBUTE_COLUMNS + HOLDING_COLUMNS
                         + PERSON_LINK_COLUMNS + COMPANY_LINK_COLUMNS)


def column_type(name: str) -> str:
    """Spark type of a measure or feature column, from its name (see module doc)."""
    base = name.rsplit("_", 1)[0] if name.endswith("d") and name[-2].isdigit() else name
    if name in _DOUBLE_COLUMNS or base.endswith("_cny"):
        return "double"
    if base.endswith("_count") or base == "active_days":
        return "bigint"
    if name in _INT_COLUMNS:
        return "int"
    raise KeyError(f"no type rule for column {name!r}")


def _ddl(columns: tuple[str, ...]) -> str:
    return ", ".join(f"{c} {column_type(c)}" for c in columns)


DAILY_DDL = "business_date date, customer_id string, " + _ddl(DAILY_MEASURES)
WINDOWS_DDL = ("snapshot_date date, customer_id string, " + _ddl(WINDOW_COLUMNS) + ", "
               + ", ".join(f"{c} date" for c in LAST_ACTIVE))
FEATURES_DDL = ("snapshot_date date, customer_id string, customer_type string, "
                + _ddl(FEATURE_COLUMNS))
