"""pipeline.yaml (how the nightly pipeline runs, and Airflow with it) and spark.yaml."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from crosslink.config.base import Strict, check_cron, check_timezone


class QualityConfig(Strict):
    max_quarantine_rate: float = Field(ge=0, le=1)
    build_data_docs: bool = True
    max_amount: float = Field(default=50_000_000.0, gt=0)  # gate: largest believable amount


class IngestConfig(Strict):
    future_tolerance_days: int = Field(ge=0)
    max_amount: float = Field(gt=0)


class ConformConfig(Strict):
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


class LinkageConfig(Strict):
    lookback_days: int = Field(ge=1)
    payroll_min_months: int = Field(ge=1)
    payroll_min_payees: int = Field(ge=1)
    owner_transfer_min_amount: float = Field(ge=0)
    owner_transfer_min_count: int = Field(ge=1)


class FeaturesConfig(Strict):
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


class MaintenanceConfig(Strict):
    """The weekly maintenance DAG: Delta compaction and vacuum, clean-up of old files."""

    schedule: str = "0 3 * * 0"            # cron, in `AirflowConfig.timezone`
    vacuum_retention_hours: int = Field(default=168, ge=0)
    landing_keep_days: int = Field(default=30, ge=1)      # landing/<date>/ older than this go
    exports_keep_days: int = Field(default=30, ge=1)      # exports/<date>/
    validations_keep_days: int = Field(default=30, ge=1)  # gx validation results, docs pages

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        return check_cron(value)


class RetrainConfig(Strict):
    """The weekly crosslink_retrain DAG: challengers as of the business date, then the gate."""

    schedule: str = "0 4 * * 6"            # cron, in `AirflowConfig.timezone`
    products: list[str] = []               # product codes; empty: every offerable product

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        return check_cron(value)


class AirflowConfig(Strict):
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
        return check_cron(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return check_timezone(value)


class PipelineConfig(Strict):
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
        return check_timezone(value)

    @model_validator(mode="after")
    def _gate_admits_what_ingest_admits(self) -> PipelineConfig:
        if self.quality.max_amount < self.ingest.max_amount:
            raise ValueError("quality.max_amount must be >= ingest.max_amount, or records "
                             "ingest accepts would fail the bronze gate")
        return self


# --- spark.yaml ------------------------------------------------------------------------------
class SparkConfig(Strict):
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
