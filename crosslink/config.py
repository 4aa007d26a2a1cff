"""Typed configuration: `conf/base/*.yaml`, deep-merged with `conf/local/*.yaml`, validated.

Every file maps to one pydantic model. A bad value fails here, before Spark starts, with a
`ConfigError` that names the file, the key and the problem. Nothing else in the project reads
YAML from `conf/`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from crosslink.sources import CORPORATE_SEGMENTS, RETAIL_SEGMENTS

CATEGORIES = ("settlement", "wealth", "insurance", "financing", "custody", "leasing", "pension",
              "e_channel")
ROLES = ("teller", "lobby_manager", "retail_rm", "wealth_advisor", "corporate_rm",
         "specialist_centre")
CHANNELS = ("branch_counter", "branch_rm", "mobile_app", "wechat", "online_banking", "phone")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A config file is missing, unreadable or invalid; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- pipeline.yaml ---------------------------------------------------------------------------
class QualityConfig(_Strict):
    max_quarantine_rate: float = Field(ge=0, le=1)
    build_data_docs: bool = True
    max_amount: float = Field(default=50_000_000.0, gt=0)  # gate: largest believable amount


class IngestConfig(_Strict):
    future_tolerance_days: int = Field(ge=0)
    max_amount: float = Field(gt=0)


class ConformConfig(_Strict):
    fx_to_cny: dict[str, float]
    salary_markers: list[str] = Field(min_length=1)

    @field_validator("fx_to_cny")
    @classmethod
    def _cny_is_one(cls, value: dict[str, float]) -> dict[str, float]:
        if value.get("CNY") != 1.0:
            raise ValueError("fx_to_cny must map CNY to 1.0")
        if any(rate <= 0 for rate in value.values()):
            raise ValueError("fx rates must be positive")
        return value


class LinkageConfig(_Strict):
    lookback_days: int = Field(ge=1)
    payroll_min_months: int = Field(ge=1)
    payroll_min_payees: int = Field(ge=1)
    owner_transfer_min_amount: float = Field(ge=0)
    owner_transfer_min_count: int = Field(ge=1)


class FeaturesConfig(_Strict):
    """gold.customer_features and its labels (features/, jobs/customer_features.py)."""

    windows: list[int] = [30, 90]          # days per rolling window; must match the table
    label_horizon_days: int = Field(default=30, ge=1)   # label: opened within (d, d + this]
    small_payment_max_cny: float = Field(default=200.0, gt=0)   # a "small" WeChat payment
    # counterparty-name words that mark a lender at another institution (consumer finance,
    # factoring), a rental platform or property agent, an equipment vendor, a securities firm
    # or fund manager
    lender_markers: list[str] = Field(min_length=1)
    housing_markers: list[str] = Field(min_length=1)
    equipment_markers: list[str] = Field(min_length=1)
    securities_markers: list[str] = Field(min_length=1)

    def counterparty_markers(self) -> dict[str, list[str]]:
        """Counterparty kind -> the name words that mark it (`features.daily.MARKED`)."""
        return {"lender": self.lender_markers, "housing": self.housing_markers,
                "equipment": self.equipment_markers, "securities": self.securities_markers}

    @field_validator("windows")
    @classmethod
    def _table_windows(cls, value: list[int]) -> list[int]:
        from features.columns import WINDOWS  # lazy: features.columns imports this module

        if list(value) != list(WINDOWS):
            raise ValueError(f"windows are part of gold.customer_features' schema "
                             f"(columns like txn_count_{WINDOWS[0]}d): they must be "
                             f"{list(WINDOWS)}; to change them, change features/columns.py "
                             f"WINDOWS, the table contract, in the same commit")
        return value


class MaintenanceConfig(_Strict):
    """The weekly maintenance DAG: Delta compaction and vacuum, clean-up of old files."""

    schedule: str = "0 3 * * 0"            # cron, in `AirflowConfig.timezone`
    vacuum_retention_hours: int = Field(default=168, ge=0)
    landing_keep_days: int = Field(default=30, ge=1)      # landing/<date>/ older than this go
    exports_keep_days: int = Field(default=30, ge=1)      # exports/<date>/
    validations_keep_days: int = Field(default=30, ge=1)  # gx validation results, docs pages

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _check_cron(value)


class RetrainConfig(_Strict):
    """The weekly crosslink_retrain DAG: challengers as of the business date, then the gate."""

    schedule: str = "0 4 * * 6"            # cron, in `AirflowConfig.timezone`
    products: list[str] = []               # product codes; empty: every offerable product

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _check_cron(value)


class AirflowConfig(_Strict):
    """How Airflow runs the jobs: when, for which business date, with what retries."""

    schedule: str = "30 1 * * *"           # cron, in `timezone`
    timezone: str = "Asia/Shanghai"
    business_date_offset_days: int = Field(default=-1, ge=-7, le=0)
    retries: int = Field(default=2, ge=0)
    retry_delay_minutes: float = Field(default=5, gt=0)
    task_timeout_minutes: int = Field(default=60, ge=1)
    max_active_tasks: int = Field(default=4, ge=1)   # Spark jobs of one DAG run at a time
    spark_conn_id: str = Field(default="spark_default", pattern=r"^[A-Za-z0-9_]+$")
    ingest_task_per_source: bool = True    # false: one ingest task (one Spark JVM) for all
    maintenance: MaintenanceConfig = MaintenanceConfig()
    retrain: RetrainConfig = RetrainConfig()

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _check_cron(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _check_timezone(value)


def _check_cron(value: str) -> str:
    """Five cron fields or an @preset; Airflow checks the rest when it parses the DAG."""
    if not (value.startswith("@") or len(value.split()) == 5):
        raise ValueError(f"not a cron expression (5 fields or @preset): {value!r}")
    return value


def _check_timezone(value: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


class PipelineConfig(_Strict):
    home: str
    timezone: str
    quality: QualityConfig
    ingest: IngestConfig
    conform: ConformConfig
    linkage: LinkageConfig
    airflow: AirflowConfig = AirflowConfig()
    features: FeaturesConfig

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _gate_admits_what_ingest_admits(self) -> PipelineConfig:
        if self.quality.max_amount < self.ingest.max_amount:
            raise ValueError("quality.max_amount must be >= ingest.max_amount, or records "
                             "ingest accepts would fail the bronze gate")
        return self


# --- spark.yaml ------------------------------------------------------------------------------
class SparkConfig(_Strict):
    master: str
    app_name: str
    driver_memory: str = Field(pattern=r"^\d+[kmgt]$")
    shuffle_partitions: int = Field(ge=1)
    conf: dict[str, str] = {}

    @field_validator("conf", mode="before")
    @classmethod
    def _stringify(cls, value: dict) -> dict:
        return {str(k): str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in (value or {}).items()}


# --- products.yaml ---------------------------------------------------------------------------
class Product(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_zh: str
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    segment: Literal["retail", "corporate"]
    risk_level: int = Field(ge=1, le=5)
    points: int = Field(ge=0)
    channels: list[Literal[CHANNELS]]  # type: ignore[valid-type]
    roles: list[Literal[ROLES]]  # type: ignore[valid-type]
    offerable: bool = True


class ProductsConfig(_Strict):
    products: list[Product] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> ProductsConfig:
        codes = [p.code for p in self.products]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate product codes: {dupes}")
        return self

    def by_code(self) -> dict[str, Product]:
        return {p.code: p for p in self.products}


# --- organisation.yaml -----------------------------------------------------------------------
class Role(_Strict):
    name: Literal[ROLES]  # type: ignore[valid-type]
    daily_capacity: int = Field(ge=0)
    channels: list[Literal[CHANNELS]]  # type: ignore[valid-type]


class Channel(_Strict):
    name: Literal[CHANNELS]  # type: ignore[valid-type]
    electronic: bool
    daily_capacity: int | None = Field(default=None, ge=0)


class SpecialistCentre(_Strict):
    code: str
    name: str
    products: list[str]


class OrganisationConfig(_Strict):
    roles: list[Role]
    channels: list[Channel]
    specialist_centres: list[SpecialistCentre]

    @model_validator(mode="after")
    def _every_role_and_channel(self) -> OrganisationConfig:
        missing = sorted(set(ROLES) - {r.name for r in self.roles})
        missing += sorted(set(CHANNELS) - {c.name for c in self.channels})
        if missing:
            raise ValueError(f"roles/channels without an entry: {missing}")
        return self


# --- generator.yaml --------------------------------------------------------------------------
DEFECT_KINDS = ("duplicate", "null_key", "unknown_code", "negative_amount", "absurd_amount",
                "malformed_date", "future_date", "bad_encoding", "truncated_line",
                "extra_column", "missing_column")


class DefectRates(_Strict):
    """Per-record rate of each injected defect kind, per source file and day (see
    crosslink.generate.defects for how records are chosen)."""

    duplicate: float = Field(ge=0, le=0.2)
    null_key: float = Field(ge=0, le=0.2)
    unknown_code: float = Field(ge=0, le=0.2)
    negative_amount: float = Field(ge=0, le=0.2)
    absurd_amount: float = Field(ge=0, le=0.2)
    malformed_date: float = Field(ge=0, le=0.2)
    future_date: float = Field(ge=0, le=0.2)
    bad_encoding: float = Field(ge=0, le=0.2)
    truncated_line: float = Field(ge=0, le=0.2)
    extra_column: float = Field(ge=0, le=0.2)
    missing_column: float = Field(ge=0, le=0.2)


class FeedbackSimConfig(_Strict):
    """How the generated bank's staff and customers answer the prompts crosslink issued
    (crosslink/generate/feedback.py). Whether a customer accepts is not set here: it follows
    the generator's true propensities (the customer opens the product within the prompt's
    life or not)."""

    contact_rate: dict[Literal[ROLES], float]  # type: ignore[valid-type]
    view_rate: float = Field(ge=0, le=1)       # an electronic channel's offer is opened
    referral_rate: float = Field(ge=0, le=1)   # a contacted prompt on a referral path is referred
    decline_rate: float = Field(ge=0, le=1)    # a contacted customer who will not open says so
    max_delay_days: int = Field(ge=0, le=5)    # contact, and handling after a referral, within

    @field_validator("contact_rate")
    @classmethod
    def _rates(cls, rates: dict) -> dict:
        bad = {k: v for k, v in rates.items() if not 0 <= v <= 1}
        if bad or set(rates) != set(ROLES):
            raise ValueError(f"contact_rate needs a rate in [0, 1] for each of {list(ROLES)}")
        return rates


class GeneratorConfig(_Strict):
    """The synthetic bank (conf/base/generator.yaml); generate_bank's arguments override
    customers, days, seed and start."""

    customers: int = Field(ge=50)
    days: int = Field(ge=1)
    seed: int
    start: dt.date
    corporate_share: float = Field(gt=0, lt=0.5)
    branches_per_10k_customers: float = Field(gt=0)
    staff_per_branch: dict[Literal[ROLES], int]  # type: ignore[valid-type]
    specialists_per_centre: int = Field(ge=1)
    retail_txn_per_day: float = Field(gt=0)
    corporate_txn_per_day: float = Field(gt=0)
    employment_rate: float = Field(ge=0, le=1)
    payroll_through_us: float = Field(ge=0, le=1)
    payday: int | None = Field(default=None, ge=1, le=28)   # None: each company its own day
    open_rate_scale: float = Field(gt=0)
    defects: DefectRates
    feedback: FeedbackSimConfig


# --- conf/base/models.yaml --------------------------------------------------------------------
class TrainConfig(_Strict):
    """Which labelled snapshots a model learns from and is judged on (models/dataset.py)."""

    train_snapshots: int = Field(default=4, ge=1)    # latest labelable dates before the holdout
    # training customer-dates without an opening kept at this rate, weighing 1/rate
    # (models/sampling.py); 1.0 keeps every row
    negative_rate: float = Field(default=1.0, gt=0, le=1)
    holdout_snapshots: int = Field(default=1, ge=1)  # the latest labelable dates
    # drop training dates whose label window reaches past the holdout date: the same opening
    # must never be a positive in both sets
    purge: bool = True
    min_train_positives: int = Field(default=50, ge=1)    # fewer: the product gets no model
    min_holdout_positives: int = Field(default=20, ge=1)
    suitable_only: bool = False      # learn only from pairs the policy would let us offer
    num_boost_round: int = Field(default=300, ge=1)
    early_stopping_rounds: int = Field(default=30, ge=1)
    early_stopping_share: float = Field(default=0.2, gt=0, lt=1)  # of customers watched
    seed: int = 7
    # Platt-scale on the holdout and fold it into the trees (models/calibration.py)
    calibrate: bool = True
    params: dict[str, float | int | str] = {}   # XGBoost booster parameters


class PromotionConfig(_Strict):
    """When a challenger becomes champion (models/registry.py)."""

    metric: Literal["auc", "pr_auc", "lift_top_decile", "neg_brier"] = "auc"
    margin: float = Field(default=0.005, ge=0)   # challenger must beat champion by this
    auto: bool = True                            # promote at the end of `crosslink train`


class ScoringConfig(_Strict):
    """Nightly scoring with each product's champion (jobs/score.py)."""

    top_reasons: int = Field(default=3, ge=1, le=10)
    min_contribution: float = Field(default=0.05, ge=0)   # log-odds a reason must add
    # exact: TreeSHAP (~170x a prediction); approx: XGBoost's path attribution (~1.2x)
    contributions: Literal["exact", "approx"] = "approx"


class ReasonPhrase(_Strict):
    """Features whose name matches `match` (a glob) are explained by this phrase."""

    match: str = Field(min_length=1)
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class ModelsConfig(_Strict):
    """conf/base/models.yaml: training, promotion, scoring and reason phrases."""

    train: TrainConfig = TrainConfig()
    promotion: PromotionConfig = PromotionConfig()
    scoring: ScoringConfig = ScoringConfig()
    reasons: list[ReasonPhrase] = Field(min_length=1)


# --- rules.yaml, policy.yaml, routing.yaml: the opportunity engine (crosslink/decide) ---------
KINDS = ("retail", "corporate", "linkage")
CUSTOMER_TYPES = ("person", "company")
SEGMENT_CUSTOMER_TYPE = {"retail": "person", "corporate": "company"}   # product segment -> type
CUSTOMER_SEGMENTS = RETAIL_SEGMENTS + CORPORATE_SEGMENTS
TIERS = ("A", "B", "C")
ELECTRONIC_ROLE = "electronic"   # a prompt routed to an electronic channel: the channel is its
#                                  assignee and its organisation
DEFAULT_ROLE = "default"         # catch-all routing: the product's own role (`default_route`)
ORGANISATIONS = ("own_branch", "specialist_centre", "channel")
PITCH_PLACEHOLDERS = ("product", "evidence", "reasons")
# Columns a routing rule's `when` may read: the opportunity as `crosslink.decide` builds it
# before routing (see crosslink/decide/__init__.py).
ROUTE_COLUMNS = (
    "snapshot_date", "customer_id", "customer_type", "product_code", "category", "kind",
    "class", "tier", "value", "propensity", "rule_confidence", "model_propensity", "points",
    "campaign_weight", "customer_rank", "rule_ids", "sources", "owner_role", "model_name",
    "model_version", "segment", "age", "risk_rating", "kyc_complete", "branch_id",
    "manager_id", "risk_level")

# Words of a Spark SQL predicate that are neither columns nor params. Deliberately short: a
# predicate that needs more is probably doing too much for a screening rule.
_SQL_WORDS = frozenset({
    "and", "or", "not", "in", "is", "null", "true", "false", "between", "like", "rlike",
    "case", "when", "then", "else", "end", "cast", "as", "int", "bigint", "double", "string",
    "boolean", "date", "distinct", "from"})
_SQL_FUNCTIONS = frozenset({
    "coalesce", "greatest", "least", "abs", "round", "floor", "ceil", "nvl", "ifnull", "if",
    "nullif", "isnull", "isnotnull", "sqrt", "ln", "log", "log10", "exp", "pow", "power",
    "array_contains", "size", "lower", "upper", "length", "datediff", "cast"})
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDlLfF]?")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REFERRAL = re.compile(r"^[a-z_]+(?:(?:>|<>)[a-z_]+)+$")


def predicate_problems(expression: str, columns: set[str] | frozenset[str],
                       params: dict | None = None) -> list[str]:
    """What is wrong with a SQL predicate, without Spark: `{name}` params that do not exist,
    and identifiers that are neither columns, SQL words, known functions nor params.

    A cheap guard against typos (`holds_crdit_card`), not a parser: string and number literals
    are skipped, a word followed by `(` must be a known function, any other word a column.
    """
    params = params or {}
    problems = [f"unknown param {{{name}}} (params: {sorted(params)})"
                for name in _PARAM.findall(expression) if name not in params]
    text = _PARAM.sub(" 0 ", expression)
    text = _STRING_LITERAL.sub(" '' ", text).replace("`", " ")
    text = _NUMBER.sub(" 0 ", text)
    for match in _IDENTIFIER.finditer(text):
        word = match.group(0)
        lower = word.lower()
        called = text[match.end():].lstrip().startswith("(")
        if lower in _SQL_WORDS:
            continue
        if called:
            if lower not in _SQL_FUNCTIONS:
                problems.append(f"unknown function {word}() (known: {sorted(_SQL_FUNCTIONS)})")
        elif word not in columns:
            problems.append(f"unknown column {word!r}")
    return list(dict.fromkeys(problems))


def fill_params(expression: str, params: dict[str, float]) -> str:
    """The predicate with every `{name}` replaced by its number."""
    def _number(match: re.Match) -> str:
        value = params[match.group(1)]
        return str(int(value)) if float(value).is_integer() else repr(float(value))

    return _PARAM.sub(_number, expression)


class ActiveRule(_Strict):
    """One active-list screening rule: customers of `customer_type` whose features satisfy
    `when` are an opportunity for `product`, with this evidence and owner role."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    product: str
    kind: Literal[KINDS]  # type: ignore[valid-type]
    customer_type: Literal[CUSTOMER_TYPES]  # type: ignore[valid-type]
    when: str = Field(min_length=1)
    confidence: float = Field(ge=0, le=1)      # stands in for a propensity in value
    evidence_en: str = Field(min_length=1)
    evidence_zh: str = Field(min_length=1)
    owner_role: Literal[ROLES]  # type: ignore[valid-type]


class RulesConfig(_Strict):
    """conf/base/rules.yaml: named thresholds and the active-list rules that use them."""

    params: dict[str, float] = {}
    rules: list[ActiveRule] = Field(min_length=1)

    @field_validator("params")
    @classmethod
    def _param_names(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(k for k in value if not _IDENTIFIER.fullmatch(k))
        if bad:
            raise ValueError(f"param names must be identifiers: {bad}")
        return value

    @field_validator("rules")
    @classmethod
    def _predicates(cls, rules: list[ActiveRule], info: ValidationInfo) -> list[ActiveRule]:
        from features.columns import FEATURE_COLUMNS  # lazy: it imports this module

        ids = [r.id for r in rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {dupes}")
        params = info.data.get("params") or {}
        columns = frozenset(FEATURE_COLUMNS) | {"customer_id", "customer_type", "snapshot_date"}
        for i, rule in enumerate(rules):
            problems = predicate_problems(rule.when, columns, params)
            if problems:
                raise ValueError(f"rules[{i}] ({rule.id}).when: " + "; ".join(problems))
        return rules

    def predicate(self, rule: ActiveRule) -> str:
        """The rule's Spark SQL predicate with its params filled in."""
        return fill_params(rule.when, self.params)


class ProductEligibility(_Strict):
    """Per-product limits on who may be offered the product."""

    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    segments: list[Literal[CUSTOMER_SEGMENTS]] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _ages(self) -> ProductEligibility:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} > max_age {self.max_age}")
        return self


class EligibilityConfig(_Strict):
    require_kyc: bool = True
    products: dict[str, ProductEligibility] = {}


class Cooldown(_Strict):
    default: int = Field(ge=0)                 # days after a decline, every product
    products: dict[str, int] = {}              # per-product override

    @field_validator("products")
    @classmethod
    def _non_negative(cls, value: dict[str, int]) -> dict[str, int]:
        if any(days < 0 for days in value.values()):
            raise ValueError("cooldown days must be >= 0")
        return value

    def days(self, product: str) -> int:
        return self.products.get(product, self.default)


class ContactConfig(_Strict):
    max_prompts_per_customer_per_day: int = Field(ge=0)
    max_prompts_per_customer_per_week: int = Field(ge=0)   # last 7 days, today included
    cooldown_days_after_decline: Cooldown
    prompt_ttl_days: int = Field(ge=1)          # a prompt is open until business_date + this
    no_new_while_open: bool = True
    respect_do_not_disturb: bool = True


class CampaignWeights(_Strict):
    default: float = Field(default=1.0, ge=0)
    categories: dict[Literal[CATEGORIES], float] = {}  # type: ignore[valid-type]
    products: dict[str, float] = {}

    @model_validator(mode="after")
    def _non_negative(self) -> CampaignWeights:
        if any(w < 0 for w in (*self.categories.values(), *self.products.values())):
            raise ValueError("campaign weights must be >= 0")
        return self

    def weight(self, product: Product) -> float:
        """Product weight, else category weight, else the default."""
        if product.code in self.products:
            return self.products[product.code]
        return self.categories.get(product.category, self.default)


class ArbitrationConfig(_Strict):
    top_k_per_customer: int = Field(ge=1)
    min_model_propensity: float = Field(default=0.0, ge=0, le=1)
    min_model_lift: float = Field(default=0.0, ge=0)     # x the product's mean score that day
    rule_with_model: Literal["max", "model"] = "model"   # decide/combine.py
    campaign_weights: CampaignWeights = CampaignWeights()


class TierCuts(_Strict):
    a: float
    b: float

    @model_validator(mode="after")
    def _ordered(self) -> TierCuts:
        if self.a < self.b:
            raise ValueError(f"a ({self.a}) must be >= b ({self.b})")
        return self


class GradingConfig(_Strict):
    method: Literal["thresholds", "quantiles"]
    thresholds: TierCuts | None = None          # value >= a: A; >= b: B; else C
    quantiles: TierCuts | None = None           # of the day's values: >= q(a): A; >= q(b): B

    @model_validator(mode="after")
    def _method_has_cuts(self) -> GradingConfig:
        cuts = getattr(self, self.method)
        if cuts is None:
            raise ValueError(f"method {self.method} needs `{self.method}: {{a: .., b: ..}}`")
        if self.quantiles is not None and not (0 <= self.quantiles.b <= self.quantiles.a <= 1):
            raise ValueError("quantiles must be within 0..1")
        return self


class PolicyConfig(_Strict):
    """conf/base/policy.yaml: eligibility, contact policy, arbitration and grading."""

    eligibility: EligibilityConfig = EligibilityConfig()
    contact: ContactConfig
    arbitration: ArbitrationConfig
    grading: GradingConfig

    @model_validator(mode="after")
    def _caps(self) -> PolicyConfig:
        c = self.contact
        if c.max_prompts_per_customer_per_week < c.max_prompts_per_customer_per_day:
            raise ValueError("contact.max_prompts_per_customer_per_week must be >= "
                             "contact.max_prompts_per_customer_per_day")
        return self


class RouteMatch(_Strict):
    """Conditions of a routing rule, all of which must hold; an empty match matches all."""

    category: list[Literal[CATEGORIES]] | None = None  # type: ignore[valid-type]
    kind: list[Literal[KINDS]] | None = None  # type: ignore[valid-type]
    tier: list[Literal[TIERS]] | None = None  # type: ignore[valid-type]
    segment: list[Literal[CUSTOMER_SEGMENTS]] | None = None  # type: ignore[valid-type]
    customer_type: Literal[CUSTOMER_TYPES] | None = None  # type: ignore[valid-type]
    product: list[str] | None = None
    owner_role: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]
    when: str | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())


class RouteRule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    match: RouteMatch = RouteMatch()
    role: Literal[ROLES + (ELECTRONIC_ROLE, DEFAULT_ROLE)]  # type: ignore[valid-type]
    channel: Literal[CHANNELS] | None = None  # type: ignore[valid-type]
    organisation: Literal[ORGANISATIONS] | None = None  # type: ignore[valid-type]
    referral_path: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RouteRule:
        if self.role == DEFAULT_ROLE:
            if self.channel or self.organisation or self.referral_path:
                raise ValueError("role default takes channel, organisation and referral path "
                                 "from the product: leave them out")
            return self
        if self.channel is None or self.organisation is None:
            raise ValueError(f"role {self.role} needs a channel and an organisation")
        if (self.role == ELECTRONIC_ROLE) != (self.organisation == "channel"):
            raise ValueError("role electronic goes with organisation channel, and only it")
        if (self.role == "specialist_centre") != (self.organisation == "specialist_centre"):
            raise ValueError("role specialist_centre goes with organisation specialist_centre, "
                             "and only it")
        if self.referral_path is not None:
            if self.role == ELECTRONIC_ROLE:
                raise ValueError("an electronic channel takes no referral path")
            roles = referral_roles(self.referral_path)
            if not _REFERRAL.match(self.referral_path) or not set(roles) <= set(ROLES):
                raise ValueError(f"referral_path {self.referral_path!r}: roles joined by > "
                                 f"(refers to) or <> (works with), e.g. teller>retail_rm")
            if self.role not in roles:
                raise ValueError(f"referral_path {self.referral_path!r} must include the "
                                 f"rule's role {self.role}")
        return self


class PitchTemplate(_Strict):
    """A one-sentence pitch; the most specific template of a prompt wins: product x role,
    product, category x role, category, role, then the catch-all (none of the three)."""

    product: str | None = None
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    role: Literal[ROLES + (ELECTRONIC_ROLE,)] | None = None  # type: ignore[valid-type]
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> PitchTemplate:
        if self.product and self.category:
            raise ValueError("a pitch names a product or a category, not both")
        for text in (self.en, self.zh):
            unknown = sorted(set(re.findall(r"\{([^{}]*)\}", text)) - set(PITCH_PLACEHOLDERS))
            if unknown:
                raise ValueError(f"unknown placeholders {unknown}; known: "
                                 f"{list(PITCH_PLACEHOLDERS)}")
        return self

    def specificity(self) -> tuple[bool, bool, bool]:
        return (self.product is not None, self.category is not None, self.role is not None)


class Phrase(_Strict):
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class RoutingConfig(_Strict):
    """conf/base/routing.yaml: ordered routing rules (first match wins) and pitch templates."""

    rules: list[RouteRule] = Field(min_length=1)
    # a prompt deferred for capacity tries the rules after its own this many times
    fallback_passes: int = Field(default=1, ge=0, le=5)
    pitches: list[PitchTemplate] = Field(min_length=1)
    no_evidence: Phrase = Phrase(en="it fits their profile", zh="符合客户画像")
    reason_separator: Phrase = Phrase(en="; ", zh="；")

    @field_validator("rules")
    @classmethod
    def _ordered_rules(cls, rules: list[RouteRule]) -> list[RouteRule]:
        ids = [r.id for r in rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate routing rule ids: {dupes}")
        if not rules[-1].match.empty:
            raise ValueError(f"rules[{len(rules) - 1}] ({rules[-1].id}): the last routing rule "
                             f"must be a catch-all (no `match`)")
        for i, rule in enumerate(rules[:-1]):
            if rule.match.empty:
                raise ValueError(f"rules[{i}] ({rule.id}) matches everything: the rules after "
                                 f"it can never match")
        for i, rule in enumerate(rules):
            if rule.match.when:
                problems = predicate_problems(rule.match.when, frozenset(ROUTE_COLUMNS))
                if problems:
                    raise ValueError(f"rules[{i}] ({rule.id}).match.when: "
                                     + "; ".join(problems))
        return rules

    @field_validator("pitches")
    @classmethod
    def _catch_all_pitch(cls, pitches: list[PitchTemplate]) -> list[PitchTemplate]:
        if not any(p.specificity() == (False, False, False) for p in pitches):
            raise ValueError("pitches need a catch-all template (no product, category or role)")
        keys = [(p.product, p.category, p.role) for p in pitches]
        dupes = sorted({str(k) for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"several pitches for the same (product, category, role): {dupes}")
        return pitches

    def pitch(self, product: Product, role: str) -> PitchTemplate:
        """The most specific template for a product and a routed role."""
        fits = [p for p in self.pitches
                if p.product in (None, product.code) and p.category in (None, product.category)
                and p.role in (None, role)]
        return max(fits, key=PitchTemplate.specificity)


def referral_roles(path: str | None) -> list[str]:
    """The roles of a referral path, in order: "teller>retail_rm" -> [teller, retail_rm]."""
    return [r for r in re.split(r"<>|>", path) if r] if path else []


def _electronic(organisation: OrganisationConfig) -> set[str]:
    return {c.name for c in organisation.channels if c.electronic}


def _centre_products(organisation: OrganisationConfig) -> set[str]:
    return {p for centre in organisation.specialist_centres for p in centre.products}


def default_route(product: Product, organisation: OrganisationConfig
                  ) -> tuple[str, str, str] | None:
    """(role, channel, organisation) of the catch-all role `default` for a product: its first
    role (products.yaml order) that works on one of its non-electronic channels (organisation
    .yaml role channels), on the first such channel; specialists sit in a specialist centre
    (one must cover the product), everyone else in the customer's own branch. None: no such
    role."""
    works_on = {r.name: r.channels for r in organisation.roles}
    electronic = _electronic(organisation)
    for role in product.roles:
        if role == "specialist_centre" and product.code not in _centre_products(organisation):
            continue
        for channel in product.channels:
            if channel not in electronic and channel in works_on.get(role, ()):
                org = "specialist_centre" if role == "specialist_centre" else "own_branch"
                return role, channel, org
    return None


def route_allows(rule: RouteRule, product: Product, organisation: OrganisationConfig) -> bool:
    """Whether a routing rule may carry a product at all, whatever its `match` says:

    - role default: the product has a `default_route`;
    - an electronic channel carries only products whose products.yaml channels include it;
    - a specialist centre takes only products a centre of organisation.yaml covers;
    - with a referral path, some role on the path sells the product (products.yaml roles):
      the first role only pitches and refers, so its channel need not be the product's;
    - without one, the role sells it and the channel is one of the product's channels.
    """
    if rule.role == DEFAULT_ROLE:
        return default_route(product, organisation) is not None
    if rule.channel in _electronic(organisation):
        return rule.channel in product.channels
    if rule.organisation == "specialist_centre" and product.code not in _centre_products(
            organisation):
        return False
    path = referral_roles(rule.referral_path)
    if path:
        return any(r in product.roles for r in path)
    return rule.role in product.roles and rule.channel in product.channels


def _decide_references(config: Config) -> None:
    """Cross-file checks of rules.yaml, policy.yaml and routing.yaml against the product
    catalogue and the organisation; raises ValueError naming the file and the key."""
    catalogue = config.products.by_code()
    org = config.organisation
    electronic = _electronic(org)
    works_on = {r.name: set(r.channels) for r in org.roles}

    def _product(where: str, code: str) -> Product:
        if code not in catalogue:
            raise ValueError(f"{where}: unknown product {code!r}")
        return catalogue[code]

    for i, rule in enumerate(config.rules.rules):
        where = f"rules.yaml rules[{i}] ({rule.id})"
        product = _product(f"{where}.product", rule.product)
        if not product.offerable:
            raise ValueError(f"{where}.product: {rule.product} is not offerable")
        if SEGMENT_CUSTOMER_TYPE[product.segment] != rule.customer_type:
            raise ValueError(f"{where}.customer_type: {rule.product} is a {product.segment} "
                             f"product, offered to a {SEGMENT_CUSTOMER_TYPE[product.segment]}, "
                             f"not a {rule.customer_type}")
        if rule.owner_role not in product.roles:
            raise ValueError(f"{where}.owner_role: {rule.owner_role} does not sell "
                             f"{rule.product} (products.yaml roles: {product.roles})")
    policy = config.policy
    for key, codes in (("eligibility.products", policy.eligibility.products),
                       ("contact.cooldown_days_after_decline.products",
                        policy.contact.cooldown_days_after_decline.products),
                       ("arbitration.campaign_weights.products",
                        policy.arbitration.campaign_weights.products)):
        for code in codes:
            _product(f"policy.yaml {key}", code)
    routing = config.routing
    offerable = [p for p in config.products.products if p.offerable]
    for i, rule in enumerate(routing.rules):
        where = f"routing.yaml rules[{i}] ({rule.id})"
        for code in rule.match.product or ():
            _product(f"{where}.match.product", code)
        if rule.role == DEFAULT_ROLE:
            continue
        if (rule.channel in electronic) != (rule.role == ELECTRONIC_ROLE):
            raise ValueError(f"{where}.role: electronic channels (organisation.yaml) take role "
                             f"electronic, and only they do (channel {rule.channel})")
        if rule.role != ELECTRONIC_ROLE and rule.channel not in works_on[rule.role]:
            raise ValueError(f"{where}.channel: {rule.role} does not work on {rule.channel} "
                             f"(organisation.yaml: {sorted(works_on[rule.role])})")
        admitted = [p for p in offerable
                    if (rule.match.product is None or p.code in rule.match.product)
                    and (rule.match.category is None or p.category in rule.match.category)]
        carried = [p.code for p in admitted if route_allows(rule, p, org)]
        if rule.match.product:
            refused = sorted(set(rule.match.product) - set(carried))
            if refused:
                raise ValueError(f"{where}.match.product: {rule.role} on {rule.channel} may "
                                 f"not carry {refused} (products.yaml channels / roles, "
                                 f"organisation.yaml specialist centres)")
        if not carried:
            raise ValueError(f"{where}: can carry none of the products it matches")
    last = routing.rules[-1]
    lost = [p.code for p in offerable if not route_allows(last, p, org)]
    if lost:
        raise ValueError(f"routing.yaml rules[{len(routing.rules) - 1}] ({last.id}): the "
                         f"catch-all cannot carry {lost}; use role default")
    for i, pitch in enumerate(routing.pitches):
        if pitch.product is not None:
            _product(f"routing.yaml pitches[{i}].product", pitch.product)
    paths = {r.referral_path for r in routing.rules if r.referral_path}
    for i, split in enumerate(config.credit.splits):
        if split.referral_path not in paths:
            raise ValueError(f"credit.yaml splits[{i}].referral_path: no routing rule uses "
                             f"{split.referral_path!r} (routing.yaml: {sorted(paths)})")
    for code in config.pipeline.airflow.retrain.products:
        if not _product("pipeline.yaml airflow.retrain.products", code).offerable:
            raise ValueError(f"pipeline.yaml airflow.retrain.products: {code} is not offerable")


# --- the whole configuration -----------------------------------------------------------------
ATTRIBUTION_RULES = ("last_touch", "first_touch", "highest_value")
PERIODS = ("month", "quarter")


class AttributionConfig(_Strict):
    """Which prompt a product opening is credited to (crosslink/credit/attribution.py)."""

    window_days: int = Field(ge=1)            # prompts issued up to this many days before
    rule: Literal[ATTRIBUTION_RULES]  # type: ignore[valid-type]


class CreditSplit(_Strict):
    """Shares of a credited sale per participant role, for prompts on one referral path
    (and, when given, of some product categories only)."""

    referral_path: str
    categories: list[Literal[CATEGORIES]] | None = None  # type: ignore[valid-type]
    shares: dict[Literal[ROLES], float]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _shares_of_the_path(self) -> CreditSplit:
        roles = referral_roles(self.referral_path)
        if not _REFERRAL.match(self.referral_path) or not set(roles) <= set(ROLES):
            raise ValueError(f"referral_path {self.referral_path!r}: roles joined by > or <>")
        if set(self.shares) != set(roles):
            raise ValueError(f"shares {sorted(self.shares)} must name exactly the roles of "
                             f"{self.referral_path} ({sorted(set(roles))})")
        if any(v <= 0 for v in self.shares.values()) or abs(sum(self.shares.values()) - 1) > 1e-9:
            raise ValueError(f"shares of {self.referral_path} must be > 0 and sum to 1, "
                             f"got {self.shares}")
        return self

    def applies(self, referral_path: str | None, category: str) -> bool:
        return (referral_path == self.referral_path
                and (self.categories is None or category in self.categories))


class ThresholdConfig(_Strict):
    """Base-product points a person must reach in a period before linked-marketing points
    count (crosslink/credit/scorecard.py)."""

    period: Literal[PERIODS]  # type: ignore[valid-type]
    base_points: dict[Literal[ROLES], float]  # type: ignore[valid-type]


class TeamConfig(_Strict):
    """Team targets: a person's counted points are scaled by the branch's achievement."""

    target_points_per_branch: float = Field(gt=0)
    min_factor: float = Field(ge=0, le=1)     # the scale never falls below this


class CreditConfig(_Strict):
    attribution: AttributionConfig
    splits: list[CreditSplit] = []
    thresholds: ThresholdConfig
    team: TeamConfig

    def split_for(self, referral_path: str | None, category: str) -> dict[str, float] | None:
        """The first split that applies; None: no path, or one without a split (the
        prompt's assignee takes the whole sale)."""
        return next((s.shares for s in self.splits if s.applies(referral_path, category)), None)


class Config(_Strict):
    pipeline: PipelineConfig
    spark: SparkConfig
    products: ProductsConfig
    organisation: OrganisationConfig
    generator: GeneratorConfig
    models: ModelsConfig
    rules: RulesConfig
    policy: PolicyConfig
    routing: RoutingConfig
    credit: CreditConfig

    @model_validator(mode="after")
    def _cross_references(self) -> Config:
        codes = set(self.products.by_code())
        for centre in self.organisation.specialist_centres:
            unknown = sorted(set(centre.products) - codes)
            if unknown:
                raise ValueError(f"specialist centre {centre.code} names unknown products "
                                 f"{unknown}")
        return self

    @model_validator(mode="after")
    def _decide_cross_references(self) -> Config:
        _decide_references(self)
        return self

    @property
    def home(self) -> Path:
        return Path(os.environ.get("CROSSLINK_HOME") or self.pipeline.home).resolve()


FILES: dict[str, type[BaseModel]] = {
    "pipeline": PipelineConfig, "spark": SparkConfig, "products": ProductsConfig,
    "organisation": OrganisationConfig, "generator": GeneratorConfig, "models": ModelsConfig,
    "rules": RulesConfig, "policy": PolicyConfig, "routing": RoutingConfig,
    "credit": CreditConfig,
}


def deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping, got {type(data).__name__}")
    return data


def _describe(exc: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid configuration"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"  key {key}: {err['msg']}")
    return "\n".join(lines)


def conf_dir() -> Path:
    return Path(os.environ.get("CROSSLINK_CONF") or PROJECT_ROOT / "conf")


def load_config(conf: Path | str | None = None, overrides: dict | None = None) -> Config:
    """Load and validate every config file; `overrides` (by file, then key) win over both
    base and local files — tests and the CLI use it for one-off values."""
    root = Path(conf) if conf else conf_dir()
    sections = {}
    for name, model in FILES.items():
        base_path = root / "base" / f"{name}.yaml"
        if not base_path.exists():
            raise ConfigError(f"{base_path}: missing config file")
        data = _read_yaml(base_path)
        shown = base_path
        local_path = root / "local" / f"{name}.yaml"
        if local_path.exists():
            data = deep_merge(data, _read_yaml(local_path))
            shown = local_path
        data = deep_merge(data, (overrides or {}).get(name, {}))
        try:
            sections[name] = model.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, shown)) from None
    try:
        return Config(**sections)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root / "base")) from None
