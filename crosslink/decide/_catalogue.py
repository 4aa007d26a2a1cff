"""Product catalogue lookups as Spark columns: small literal maps, no joins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain

from pyspark.sql import Column
from pyspark.sql import functions as F

from crosslink.config import Product


def lookup(mapping: Mapping, key: Column, default=None) -> Column:
    """`mapping[key]` as a column (null, or `default`, when the key is absent)."""
    if not mapping:
        return F.lit(default)
    pairs = F.create_map(*chain.from_iterable((F.lit(k), F.lit(v)) for k, v in mapping.items()))
    found = F.try_element_at(pairs, key)
    return found if default is None else F.coalesce(found, F.lit(default))


def product_attr(products: Sequence[Product], attr: str, key: Column | None = None) -> Column:
    """A products.yaml attribute of each row's product (`product_code` by default)."""
    return lookup({p.code: getattr(p, attr) for p in products},
                  F.col("product_code") if key is None else key)


def require(frame_columns: Sequence[str], needed: Sequence[str], step: str) -> None:
    """Fail early, naming the step, when a frame lacks columns the step reads."""
    missing = [c for c in needed if c not in frame_columns]
    if missing:
        raise ValueError(f"{step}: input is missing columns {missing}")
