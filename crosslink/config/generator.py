"""generator.yaml: the synthetic bank (crosslink/generate)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from crosslink.config.base import Strict
from crosslink.config.vocab import ROLES

DEFECT_KINDS = ("duplicate", "null_key", "unknown_code", "negative_amount", "absurd_amount",
                "malformed_date", "future_date", "bad_encoding", "truncated_line",
                "extra_column", "missing_column")


class DefectRates(Strict):
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


class FeedbackSimConfig(Strict):
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


class GeneratorConfig(Strict):
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
