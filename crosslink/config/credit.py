"""credit.yaml: attribution of openings to prompts, split ratios per referral path, base-point
thresholds and team targets (crosslink/credit)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from crosslink.config.base import Strict
from crosslink.config.routing import REFERRAL, referral_roles
from crosslink.config.vocab import CATEGORIES, ROLES

ATTRIBUTION_RULES = ("last_touch", "first_touch", "highest_value")
PERIODS = ("month", "quarter")


class AttributionConfig(Strict):
    """Which prompt a product opening is credited to (crosslink/credit/attribution.py)."""

    window_days: int = Field(ge=1)            # prompts issued up to this many days before
    rule: Literal[ATTRIBUTION_RULES]  # type: ignore[valid-type]


class CreditSplit(Strict):
    """Shares of a credited sale per participant role, for prompts on one referral path
    (and, when given, of some product categories only)."""

    referral_path: str
    categories: list[Literal[CATEGORIES]] | None = None  # type: ignore[valid-type]
    shares: dict[Literal[ROLES], float]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _shares_of_the_path(self) -> CreditSplit:
        roles = referral_roles(self.referral_path)
        if not REFERRAL.match(self.referral_path) or not set(roles) <= set(ROLES):
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


class ThresholdConfig(Strict):
    """Base-product points a person must reach in a period before linked-marketing points
    count (crosslink/credit/scorecard.py)."""

    period: Literal[PERIODS]  # type: ignore[valid-type]
    base_points: dict[Literal[ROLES], float]  # type: ignore[valid-type]


class TeamConfig(Strict):
    """Team targets: a person's counted points are scaled by the branch's achievement."""

    target_points_per_branch: float = Field(gt=0)
    min_factor: float = Field(ge=0, le=1)     # the scale never falls below this


class CreditConfig(Strict):
    attribution: AttributionConfig
    splits: list[CreditSplit] = []
    thresholds: ThresholdConfig
    team: TeamConfig

    def split_for(self, referral_path: str | None, category: str) -> dict[str, float] | None:
        """The first split that applies; None: no path, or one without a split (the
        prompt's assignee takes the whole sale)."""
        return next((s.shares for s in self.splits if s.applies(referral_path, category)), None)
