"""Typed configuration: `conf/base/*.yaml`, deep-merged with `conf/local/*.yaml`, validated.

Every file maps to one pydantic model. A bad value fails here, before Spark starts, with a
`ConfigError` that names the file, the key and the problem. Nothing else in the project reads
YAML from `conf/`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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
    features: FeaturesConfig = FeaturesConfig()

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


# --- the whole configuration -----------------------------------------------------------------
class Config(_Strict):
    pipeline: PipelineConfig
    spark: SparkConfig
    products: ProductsConfig
    organisation: OrganisationConfig
    generator: GeneratorConfig

    @model_validator(mode="after")
    def _cross_references(self) -> Config:
        codes = set(self.products.by_code())
        for centre in self.organisation.specialist_centres:
            unknown = sorted(set(centre.products) - codes)
            if unknown:
                raise ValueError(f"specialist centre {centre.code} names unknown products "
                                 f"{unknown}")
        return self

    @property
    def home(self) -> Path:
        return Path(os.environ.get("CROSSLINK_HOME") or self.pipeline.home).resolve()


FILES: dict[str, type[BaseModel]] = {
    "pipeline": PipelineConfig, "spark": SparkConfig, "products": ProductsConfig,
    "organisation": OrganisationConfig, "generator": GeneratorConfig,
}


def _deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
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
            data = _deep_merge(data, _read_yaml(local_path))
            shown = local_path
        data = _deep_merge(data, (overrides or {}).get(name, {}))
        try:
            sections[name] = model.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, shown)) from None
    try:
        return Config(**sections)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root / "base")) from None
