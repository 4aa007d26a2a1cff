"""features.columns: the column contract of the gold feature tables."""

from __future__ import annotations

import pytest

import features
from crosslink.config import ConfigError, load_config
from crosslink.tables import table
from expectations._build import ddl_columns
from features.columns import (
    DAILY_MEASURES,
    FEATURE_COLUMNS,
    FEATURE_KEYS,
    PRODUCT_CODES,
    WINDOWS,
    column_type,
)


def test_product_flags_follow_the_catalogue(config):
    """A product added to products.yaml needs its holds_* column (a schema change)."""
    assert tuple(p.code for p in config.products.products) == PRODUCT_CODES


def test_feature_list_is_the_table_minus_keys():
    assert features.FEATURE_COLUMNS == FEATURE_COLUMNS
    assert len(set(FEATURE_COLUMNS)) == len(FEATURE_COLUMNS)
    columns = ddl_columns(table("gold.customer_features").ddl)
    assert tuple(columns) == FEATURE_KEYS + FEATURE_COLUMNS
    assert not {"snapshot_date", "customer_id", "customer_type"} & set(FEATURE_COLUMNS)


def test_every_feature_is_numeric():
    assert {column_type(c) for c in FEATURE_COLUMNS} <= {"bigint", "int", "double"}


def test_window_columns_carry_their_window():
    for m in DAILY_MEASURES:
        for w in WINDOWS:
            assert f"{m}_{w}d" in FEATURE_COLUMNS
    assert "salary_credit_count_30d" in FEATURE_COLUMNS
    assert column_type("salary_credit_cny_90d") == "double"
    assert column_type("salary_credit_count_90d") == "bigint"


def test_config_windows_must_be_the_table_windows():
    assert load_config().pipeline.features.windows == list(WINDOWS)
    with pytest.raises(ConfigError, match="windows"):
        load_config(overrides={"pipeline": {"features": {"windows": [7, 30]}}})
