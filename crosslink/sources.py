"""The landing contract: what each source system delivers, in which format, with which fields.

One extract per source system per business date, at
`$CROSSLINK_HOME/landing/<business_date>/<source>.<ext>` (e.g. `landing/2026-01-05/atm_txn.csv`).
The generator writes exactly these files and the ingest jobs read exactly these specs, so this
module is the single place that defines them.

Field types: string, int, double, date (YYYY-MM-DD), timestamp (ISO 8601, `YYYY-MM-DD HH:MM:SS`
or with a `T`), bool (CSV: Y/N; JSON: true/false). CSV files are UTF-8, comma-separated,
RFC-4180 quoting, with a header line. JSON-lines files hold one object per line; `path` names a
nested field (`counterparty.account`). Parquet files carry these names with native types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["csv", "jsonl", "parquet"]
Kind = Literal["transactions", "snapshot", "events"]

CUSTOMER_TYPES = ("P", "C")                       # person, company
RETAIL_SEGMENTS = ("mass", "affluent", "private")
CORPORATE_SEGMENTS = ("micro", "sme", "large")
LINK_TYPES = ("owner", "legal_rep", "shareholder", "executive", "employee")
STAFF_ROLES = ("teller", "lobby_manager", "retail_rm", "wealth_advisor", "corporate_rm",
               "specialist_centre")
CONSENT_CHANNELS = ("branch_counter", "branch_rm", "mobile_app", "wechat", "online_banking",
                    "phone")
HOLDING_STATUS = ("active", "closed", "dormant")
INDUSTRIES = ("manufacturing", "retail_trade", "wholesale_trade", "construction", "logistics",
              "technology", "hospitality", "healthcare", "education", "agriculture",
              "real_estate", "professional_services")
CURRENCIES = ("CNY", "USD", "EUR", "HKD")
COUNTER_CODES = ("DEP", "WDL", "TRF", "PAY", "FX")     # deposit, withdrawal, transfer, bill, FX
ATM_CODES = ("WDL", "DEP", "TRF", "INQ")               # INQ: balance inquiry, amount 0
ONLINE_TYPES = ("transfer", "payment", "payroll", "bill", "fx", "invest", "trade")
MOBILE_TYPES = ("transfer", "payment", "bill", "invest", "topup")
MOBILE_CHANNELS = ("mobile_app", "wechat")
DIRECTIONS = ("D", "C")                                # debit (money out), credit (money in)
MERCHANT_CATEGORIES = ("groceries", "dining", "travel", "fuel", "luxury", "education",
                       "healthcare", "electronics", "utilities", "entertainment")
OUR_BANK = "CLB"                                       # bank code of crosslink's bank
# a prompt's workflow, as the downstream systems report it (feedback extracts)
EVENT_TYPES = ("delivered", "contacted", "referred", "handled", "accepted", "declined",
               "expired")
ELECTRONIC_CHANNELS = ("mobile_app", "wechat", "online_banking")


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    required: bool = False            # null or empty -> quarantine (null_key for key fields)
    domain: tuple[str, ...] | None = None   # allowed codes -> unknown_code otherwise
    path: str | None = None           # JSON path, dotted; defaults to name
    amount: bool = False              # checked for negative and absurd values
    event_date: bool = False          # checked against the business date (future_date)

    @property
    def json_path(self) -> str:
        return self.path or self.name


@dataclass(frozen=True)
class SourceSpec:
    name: str                         # also the bronze table name: bronze.<name>
    system: str                       # the source system that delivers it
    format: Format
    kind: Kind
    fields: tuple[Field, ...]
    key: tuple[str, ...]              # natural key: duplicates are removed by it
    description: str = ""
    channel: str | None = None        # the channel of a transaction source (None: per record)
    optional: bool = False            # a missing file means "nothing today", not an error
    extra: dict = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return f"{self.name}.{self.format}"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def get_field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _key(name: str, type_: str = "string", **kw) -> Field:
    return Field(name, type_, required=True, **kw)


_COUNTERPARTY = (
    Field("counterparty_account", path="counterparty.account"),
    Field("counterparty_name", path="counterparty.name"),
    Field("counterparty_bank", path="counterparty.bank"),
)

SOURCES: dict[str, SourceSpec] = {s.name: s for s in (
    SourceSpec(
        "branches", "core_banking", "csv", "snapshot",
        (_key("branch_id"), Field("branch_name", required=True), Field("city", required=True),
         Field("opened_date", "date")),
        key=("branch_id",), description="Branch master"),
    SourceSpec(
        "staff", "hr", "csv", "snapshot",
        (_key("staff_id"), Field("staff_name", required=True),
         Field("role", required=True, domain=STAFF_ROLES),
         Field("branch_id", required=True),   # a branch id, or a specialist centre code
         Field("daily_capacity", "int", required=True), Field("hired_date", "date"),
         Field("active", "bool", required=True)),
        key=("staff_id",), description="Staff and their organisation; specialists sit in centres"),
    SourceSpec(
        "customers", "crm", "csv", "snapshot",
        (_key("customer_id"), Field("customer_type", required=True, domain=CUSTOMER_TYPES),
         Field("customer_name", required=True), Field("birth_date", "date"),
         Field("founded_date", "date"),
         Field("segment", required=True, domain=RETAIL_SEGMENTS + CORPORATE_SEGMENTS),
         Field("branch_id", required=True), Field("manager_id"),
         Field("risk_rating", "int", required=True), Field("kyc_complete", "bool", required=True),
         Field("industry", domain=INDUSTRIES), Field("employees", "int"),
         Field("annual_turnover", "double", amount=True),
         Field("customer_since", "date", required=True)),
        key=("customer_id",), description="Customer master: people (P) and companies (C)"),
    SourceSpec(
        "holdings", "core_banking", "csv", "snapshot",
        (_key("holding_id"), Field("customer_id", required=True),
         Field("product_code", required=True), Field("account_id"),
         Field("opened_date", "date", required=True, event_date=True),
         Field("closed_date", "date"), Field("status", required=True, domain=HOLDING_STATUS),
         Field("balance", "double", amount=True)),
        key=("holding_id",),
        description="Product holdings with end-of-day balance; account_id for account products"),
    SourceSpec(
        "consent", "crm", "jsonl", "snapshot",
        (_key("customer_id"), _key("channel", domain=CONSENT_CHANNELS),
         Field("consent", "bool", required=True), Field("do_not_disturb", "bool"),
         Field("updated_at", "timestamp", event_date=True)),
        key=("customer_id", "channel"), description="Marketing consent per customer and channel"),
    SourceSpec(
        "crm_links", "crm", "csv", "snapshot",
        (_key("link_id"), Field("person_id", required=True), Field("company_id", required=True),
         Field("link_type", required=True, domain=LINK_TYPES), Field("share_pct", "double"),
         Field("since_date", "date")),
        key=("link_id",), description="Person-company relations recorded by relationship managers"),
    SourceSpec(
        "counter_txn", "teller_system", "csv", "transactions",
        (_key("txn_id"), Field("txn_ts", "timestamp", required=True, event_date=True),
         Field("branch_id", required=True), Field("teller_id"),
         Field("customer_id", required=True), Field("account_id", required=True),
         Field("txn_code", required=True, domain=COUNTER_CODES),
         Field("amount", "double", required=True, amount=True),
         Field("currency", required=True, domain=CURRENCIES),
         Field("counterparty_account"), Field("counterparty_name"), Field("counterparty_bank"),
         Field("memo")),
        key=("txn_id",), channel="branch_counter", description="Branch counter transactions"),
    SourceSpec(
        "atm_txn", "atm_switch", "csv", "transactions",
        (_key("txn_id"), Field("txn_ts", "timestamp", required=True, event_date=True),
         Field("atm_id", required=True), Field("customer_id", required=True),
         Field("account_id", required=True), Field("txn_code", required=True, domain=ATM_CODES),
         Field("amount", "double", required=True, amount=True),
         Field("currency", required=True, domain=CURRENCIES)),
        key=("txn_id",), channel="atm", description="ATM transactions"),
    SourceSpec(
        "online_txn", "online_banking", "jsonl", "transactions",
        (_key("txn_id"), Field("txn_ts", "timestamp", required=True, event_date=True, path="ts"),
         Field("customer_id", required=True), Field("account_id", required=True),
         Field("txn_type", required=True, domain=ONLINE_TYPES, path="type"),
         Field("direction", required=True, domain=DIRECTIONS),
         Field("amount", "double", required=True, amount=True),
         Field("currency", required=True, domain=CURRENCIES),
         *_COUNTERPARTY, Field("memo"), Field("device")),
        key=("txn_id",), channel="online_banking",
        description="Online banking ledger view (retail and corporate): payments and payroll "
                    "batches (D) and inbound credits incl. salaries from other banks (C)"),
    SourceSpec(
        "mobile_txn", "mobile_platform", "jsonl", "transactions",
        (_key("txn_id"), Field("txn_ts", "timestamp", required=True, event_date=True, path="ts"),
         Field("channel", required=True, domain=MOBILE_CHANNELS),
         Field("customer_id", required=True), Field("account_id", required=True),
         Field("txn_type", required=True, domain=MOBILE_TYPES, path="type"),
         Field("direction", required=True, domain=DIRECTIONS),
         Field("amount", "double", required=True, amount=True),
         Field("currency", required=True, domain=CURRENCIES), Field("merchant"),
         *_COUNTERPARTY, Field("memo")),
        key=("txn_id",), description="Mobile app and WeChat transactions (channel per record)"),
    SourceSpec(
        "card_pos", "card_switch", "parquet", "transactions",
        (_key("txn_id"), Field("txn_ts", "timestamp", required=True, event_date=True),
         Field("card_no", required=True), Field("customer_id", required=True),
         Field("account_id", required=True), Field("merchant_id", required=True),
         Field("mcc", required=True),
         Field("merchant_category", required=True, domain=MERCHANT_CATEGORIES),
         Field("amount", "double", required=True, amount=True),
         Field("currency", required=True, domain=CURRENCIES)),
        key=("txn_id",), channel="pos", description="Card point-of-sale transactions"),
)}

TRANSACTION_SOURCES = tuple(n for n, s in SOURCES.items() if s.kind == "transactions")
SNAPSHOT_SOURCES = tuple(n for n, s in SOURCES.items() if s.kind == "snapshot")


# The downstream systems' reports on the prompts crosslink issued (issue: feedback loop). A
# system sends a file only on days it has events, so these are optional; otherwise they go
# through the same ingest, quarantine and bronze gate as every source (jobs/feedback.py).
_REFERRAL = (Field("referred_role", domain=STAFF_ROLES, path="referral.role"),
             Field("referred_staff_id", path="referral.staff_id"),
             Field("referred_org_id", path="referral.org_id"))

FEEDBACK_SOURCES: dict[str, SourceSpec] = {s.name: s for s in (
    SourceSpec(
        "teller_events", "teller_system", "csv", "events",
        (_key("event_id"), Field("prompt_id", required=True),
         Field("event_type", required=True, domain=EVENT_TYPES),
         Field("event_ts", "timestamp", required=True, event_date=True),
         Field("teller_id", required=True), Field("branch_id", required=True),
         Field("refer_to_role", domain=STAFF_ROLES), Field("refer_to_staff"),
         Field("refer_to_org"), Field("note")),
        key=("event_id",), optional=True,
        description="Counter work-list events of tellers and lobby managers (refer_to_*: whom "
                    "the customer was referred to)"),
    SourceSpec(
        "crm_events", "crm", "jsonl", "events",
        (_key("event_id"), Field("prompt_id", required=True),
         Field("event_type", required=True, domain=EVENT_TYPES),
         Field("event_ts", "timestamp", required=True, event_date=True, path="ts"),
         Field("actor_id", required=True, path="actor.staff_id"),
         Field("actor_role", required=True, domain=STAFF_ROLES, path="actor.role"),
         Field("actor_org_id", required=True, path="actor.org_id"),
         *_REFERRAL, Field("note")),
        key=("event_id",), optional=True,
        description="CRM workflow events of relationship managers, advisors and specialist "
                    "centres, including referrals between them"),
    SourceSpec(
        "channel_events", "digital_platform", "parquet", "events",
        (_key("event_id"), Field("prompt_id", required=True),
         Field("event_type", required=True, domain=EVENT_TYPES),
         Field("event_ts", "timestamp", required=True, event_date=True),
         Field("channel", required=True, domain=ELECTRONIC_CHANNELS), Field("session_id")),
        key=("event_id",), optional=True,
        description="Offer events of the mobile app, WeChat and online banking: shown "
                    "(delivered), opened (contacted), taken up or dismissed"),
)}

# every file that lands: the nightly sources and the feedback extracts (bronze tables of both)
ALL_SOURCES: dict[str, SourceSpec] = {**SOURCES, **FEEDBACK_SOURCES}
