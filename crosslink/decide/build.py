"""gold.prompts rows from assigned opportunities: id, dates, pitch and reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink.config import ContactConfig, Product, RoutingConfig
from crosslink.decide.columns import PROMPT_COLUMNS
from crosslink.decide.ids import prompt_id
from crosslink.decide.pitch import pitch


def expiry_date(business_date: dt.date, cfg: ContactConfig) -> dt.date:
    """The last day a prompt of `business_date` is open: business_date + prompt_ttl_days."""
    return business_date + dt.timedelta(days=cfg.prompt_ttl_days)


def build_prompts(assigned: DataFrame, business_date: dt.date, routing: RoutingConfig,
                  products: Sequence[Product], contact: ContactConfig) -> DataFrame:
    """`route.assign` output as gold.prompts rows (`columns.PROMPT_COLUMNS`, in that order):
    prompt_id (`ids.prompt_id`), business_date, expiry_date (`expiry_date`), pitch_en/zh and
    reasons_en/zh (`pitch.pitch`); the rest is carried through."""
    rows = pitch(assigned, routing, products)
    return rows.select(
        prompt_id(business_date).alias("prompt_id"),
        F.lit(business_date).alias("business_date"),
        F.lit(expiry_date(business_date, contact)).alias("expiry_date"),
        *(c for c in PROMPT_COLUMNS
          if c not in ("prompt_id", "business_date", "expiry_date"))).select(*PROMPT_COLUMNS)
