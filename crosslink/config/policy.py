"""policy.yaml: eligibility, contact limits, arbitration by value and grading."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from crosslink.config.base import Strict
from crosslink.config.catalogue import Product
from crosslink.config.vocab import CATEGORIES, CUSTOMER_SEGMENTS


class ProductEligibility(Strict):
    """Per-product limits on who may be offered the product."""

    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    segments: list[Literal[CUSTOMER_SEGMENTS]] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _ages(self) -> ProductEligibility:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} > max_age {self.max_age}")
        return self


class EligibilityConfig(Strict):
    require_kyc: bool = True
    products: dict[str, ProductEligibility] = {}


class Cooldown(Strict):
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


class ContactConfig(Strict):
    max_prompts_per_customer_per_day: int = Field(ge=0)
    max_prompts_per_customer_per_week: int = Field(ge=0)   # last 7 days, today included
    cooldown_days_after_decline: Cooldown
    prompt_ttl_days: int = Field(ge=1)          # a prompt is open until business_date + this
    no_new_while_open: bool = True
    respect_do_not_disturb: bool = True


class CampaignWeights(Strict):
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


class ArbitrationConfig(Strict):
    top_k_per_customer: int = Field(ge=1)
    min_model_propensity: float = Field(default=0.0, ge=0, le=1)
    min_model_lift: float = Field(default=0.0, ge=0)     # x the product's mean score that day
    rule_with_model: Literal["max", "model"] = "model"   # decide/combine.py
    campaign_weights: CampaignWeights = CampaignWeights()


class TierCuts(Strict):
    a: float
    b: float

    @model_validator(mode="after")
    def _ordered(self) -> TierCuts:
        if self.a < self.b:
            raise ValueError(f"a ({self.a}) must be >= b ({self.b})")
        return self


class GradingConfig(Strict):
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


class PolicyConfig(Strict):
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
