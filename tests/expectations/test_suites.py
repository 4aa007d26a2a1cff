"""The suites in code: one per gated table, in step with the table registry and the landing
contract, and satisfiable — clean data passes every one of them."""

from __future__ import annotations

import pytest

import expectations
from crosslink import quality
from crosslink.sources import ALL_SOURCES
from crosslink.tables import TABLES, table
from expectations import _build
from tests.expectations.rows import DAY, rows

GATED = sorted(name for name in TABLES if table(name).layer in ("bronze", "silver", "gold"))
# Gold rows are wide and derived: test_gold.py builds its clean rows with the feature code.
HAND_WRITTEN = [name for name in GATED if table(name).layer != "gold"]


def _kwargs(expectation) -> dict:
    return expectation.configuration.kwargs


def _condition_columns(condition) -> set[str]:
    """Column names inside a serialised row condition (comparison, nullity, and/or)."""
    if not isinstance(condition, dict):
        return set()
    names = {condition["column"]["name"]} if "column" in condition else set()
    for part in condition.get("conditions", []):
        names |= _condition_columns(part)
    return names


def _columns_named(expectation) -> set[str]:
    kwargs = _kwargs(expectation)
    names = {kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)}
    names |= set(kwargs.get("column_list") or []) | set(kwargs.get("column_set") or [])
    return names | _condition_columns(kwargs.get("row_condition"))


def _by_type(suite) -> dict[str, list]:
    found: dict[str, list] = {}
    for expectation in suite.expectations:
        found.setdefault(expectation.expectation_type, []).append(_kwargs(expectation))
    return found


def test_every_bronze_silver_and_gold_table_has_a_suite():
    assert sorted(expectations.SUITES) == GATED
    for name in GATED:
        assert expectations.suite_for(name).name == name


def test_an_unknown_table_is_refused_by_name():
    with pytest.raises(KeyError, match="gold.nothing"):
        expectations.suite_for("gold.nothing")


@pytest.mark.parametrize("name", GATED)
def test_suites_name_only_columns_of_the_table(name):
    """Catches drift: a column renamed or dropped in tables.py but still checked."""
    columns = set(_build.ddl_columns(table(name).ddl))
    for expectation in expectations.suite_for(name).expectations:
        unknown = _columns_named(expectation) - columns
        assert not unknown, f"{name}: {expectation.expectation_type} names {unknown}"


@pytest.mark.parametrize("name", GATED)
def test_every_expectation_names_the_dimension_it_protects(name):
    for expectation in expectations.suite_for(name).expectations:
        assert (expectation.meta or {}).get("dimension") in _build.DIMENSIONS, expectation


def test_ddl_parser_agrees_with_spark(spark):
    """Suites read column names without a JVM; they must match Spark's own parse."""
    for name in TABLES:
        assert _build.ddl_columns(table(name).ddl) == table(name).columns, name


@pytest.mark.parametrize("source", sorted(ALL_SOURCES))
def test_bronze_suite_follows_the_landing_contract(source):
    spec = ALL_SOURCES[source]
    found = _by_type(expectations.suite_for(f"bronze.{source}"))
    not_null = {kw["column"] for kw in found["expect_column_values_to_not_be_null"]}
    required = {f.name for f in spec.fields if f.required}
    assert not_null == required | set(spec.key) | {"business_date", "source_file",
                                                    "record_hash"}
    in_set = {kw["column"]: set(kw["value_set"])
              for kw in found.get("expect_column_values_to_be_in_set", [])}
    assert in_set == {f.name: set(f.domain) for f in spec.fields if f.domain}
    amounts = {kw["column"]: (kw["min_value"], kw["max_value"])
               for kw in found["expect_column_values_to_be_between"]
               if kw["column"] != "business_date"}
    assert amounts == {f.name: (0, {"$PARAMETER": "max_amount"})
                       for f in spec.fields if f.amount}
    (unique,) = found["expect_unique_key"]
    assert unique["column_list"] == list(spec.key)
    has_row_count = "expect_table_row_count_to_be_between" in found
    assert has_row_count == (spec.kind == "transactions")


@pytest.fixture(scope="module")
def gx_home(tmp_path_factory):
    """One GX project for the module: registering every suite once is enough here."""
    return tmp_path_factory.mktemp("gx_home")


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_clean_rows_pass_the_suite(name, spark, gx_home, config):
    """A suite that clean data cannot pass would stop every night's run."""
    df = spark.createDataFrame(rows(name, 3), table(name).ddl)
    settings = config.pipeline.quality.model_copy(update={"build_data_docs": False})
    result = quality.validate(df, name, home=gx_home, config=settings, business_date=DAY)
    assert result.success, result.describe()
    assert result.rows == 3
