"""Typed configuration: `conf/base/*.yaml`, deep-merged with `conf/local/*.yaml`, validated.

Every file maps to one pydantic model, in a module of this package named after it (pipeline
and spark: `pipeline`; products and organisation: `catalogue`; rules, policy, routing, models,
generator, credit); `references` checks what the files name in each other. A bad value fails
here, before Spark starts, with a `ConfigError` that names the file, the key and the problem.
Nothing else in the project reads YAML from `conf/`. Import from `crosslink.config`: it
exports every model and vocabulary.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError, model_validator

from crosslink.config.base import ConfigError, Strict
from crosslink.config.catalogue import (
    Channel,
    OrganisationConfig,
    Product,
    ProductsConfig,
    Role,
    SpecialistCentre,
)
from crosslink.config.credit import (
    ATTRIBUTION_RULES,
    PERIODS,
    AttributionConfig,
    CreditConfig,
    CreditSplit,
    TeamConfig,
    ThresholdConfig,
)
from crosslink.config.generator import (
    DEFECT_KINDS,
    DefectRates,
    FeedbackSimConfig,
    GeneratorConfig,
)
from crosslink.config.models import (
    ModelsConfig,
    PromotionConfig,
    ReasonPhrase,
    ScoringConfig,
    TrainConfig,
)
from crosslink.config.pipeline import (
    AirflowConfig,
    ConformConfig,
    FeaturesConfig,
    IngestConfig,
    LinkageConfig,
    MaintenanceConfig,
    PipelineConfig,
    QualityConfig,
    RetrainConfig,
    SparkConfig,
)
from crosslink.config.policy import (
    ArbitrationConfig,
    CampaignWeights,
    ContactConfig,
    Cooldown,
    EligibilityConfig,
    GradingConfig,
    PolicyConfig,
    ProductEligibility,
    TierCuts,
)
from crosslink.config.predicates import fill_params, predicate_problems
from crosslink.config.references import check_references
from crosslink.config.routing import (
    ORGANISATIONS,
    PITCH_PLACEHOLDERS,
    ROUTE_COLUMNS,
    Phrase,
    PitchTemplate,
    RouteMatch,
    RouteRule,
    RoutingConfig,
    default_route,
    referral_roles,
    route_allows,
)
from crosslink.config.rules import ActiveRule, RulesConfig
from crosslink.config.vocab import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_SEGMENTS,
    CUSTOMER_TYPES,
    DEFAULT_ROLE,
    ELECTRONIC_ROLE,
    KINDS,
    ROLES,
    SEGMENT_CUSTOMER_TYPE,
    TIERS,
)

__all__ = [  # the models, vocabularies and helpers the rest of the project imports
    "ATTRIBUTION_RULES", "ActiveRule", "AirflowConfig", "ArbitrationConfig", "AttributionConfig",
    "CATEGORIES", "CHANNELS", "CUSTOMER_SEGMENTS", "CUSTOMER_TYPES", "CampaignWeights", "Channel",
    "Config", "ConfigError", "ConformConfig", "ContactConfig", "Cooldown", "CreditConfig",
    "CreditSplit", "DEFAULT_ROLE", "DEFECT_KINDS", "DefectRates", "ELECTRONIC_ROLE",
    "EligibilityConfig", "FILES", "FeaturesConfig", "FeedbackSimConfig", "GeneratorConfig",
    "GradingConfig", "IngestConfig", "KINDS", "LinkageConfig", "MaintenanceConfig", "ModelsConfig",
    "ORGANISATIONS", "OrganisationConfig", "PERIODS", "PITCH_PLACEHOLDERS", "PROJECT_ROOT",
    "Phrase", "PipelineConfig", "PitchTemplate", "PolicyConfig", "Product", "ProductEligibility",
    "ProductsConfig", "PromotionConfig", "QualityConfig", "ROLES", "ROUTE_COLUMNS", "ReasonPhrase",
    "RetrainConfig", "Role", "RouteMatch", "RouteRule", "RoutingConfig", "RulesConfig",
    "SEGMENT_CUSTOMER_TYPE", "ScoringConfig", "SparkConfig", "SpecialistCentre", "TIERS",
    "TeamConfig", "ThresholdConfig", "TierCuts", "TrainConfig", "conf_dir", "deep_merge",
    "default_route", "fill_params", "load_config", "predicate_problems", "referral_roles",
    "route_allows",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class Config(Strict):
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
        check_references(self)
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
