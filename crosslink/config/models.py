"""models.yaml: training, promotion, scoring and the phrases that explain a score."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from crosslink.config.base import Strict


class TrainConfig(Strict):
    """Which labelled snapshots a model learns from and is judged on (models/dataset.py)."""

    train_snapshots: int = Field(default=4, ge=1)    # latest labelable dates before the holdout
    # training customer-dates without an opening kept at this rate, weighing 1/rate
    # (models/sampling.py); 1.0 keeps every row
    negative_rate: float = Field(default=1.0, gt=0, le=1)
    # rows the driver may hold (~1 KB each); past it the negative rate drops to fit
    max_train_rows: int | None = Field(default=None, ge=1)
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


class PromotionConfig(Strict):
    """When a challenger becomes champion (models/registry.py)."""

    metric: Literal["auc", "pr_auc", "lift_top_decile", "neg_brier"] = "auc"
    margin: float = Field(default=0.005, ge=0)   # challenger must beat champion by this
    auto: bool = True                            # promote at the end of `crosslink train`


class ScoringConfig(Strict):
    """Nightly scoring with each product's champion (jobs/score.py)."""

    top_reasons: int = Field(default=3, ge=1, le=10)
    min_contribution: float = Field(default=0.05, ge=0)   # log-odds a reason must add
    # exact: TreeSHAP (~170x a prediction); approx: XGBoost's path attribution (~1.2x)
    contributions: Literal["exact", "approx"] = "approx"


class ReasonPhrase(Strict):
    """Features whose name matches `match` (a glob) are explained by this phrase."""

    match: str = Field(min_length=1)
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class ModelsConfig(Strict):
    """conf/base/models.yaml: training, promotion, scoring and reason phrases."""

    train: TrainConfig = TrainConfig()
    promotion: PromotionConfig = PromotionConfig()
    scoring: ScoringConfig = ScoringConfig()
    reasons: list[ReasonPhrase] = Field(min_length=1)
