"""Small builders shared by the bronze and silver suites.

Each builder returns one Great Expectations 1.x expectation tagged with the quality dimension it
protects (`meta["dimension"]`), so Data Docs and failure reports can say *why* a check exists,
not only what failed. Builders keep the suites short enough to read as a list of rules.

Thresholds that come from configuration or from the run are suite parameters (`$PARAMETER`),
not constants baked into the suite: the stored suite then never goes stale when
`quality.max_amount` changes, and one suite serves every business date.
`crosslink.quality.expectation_parameters` supplies their values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.core.metric_function_types import MetricPartialFunctionTypes
from great_expectations.execution_engine import SparkDFExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.metrics.metric_provider import metric_partial
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.expectations.row_conditions import Column, Condition

from crosslink.tables import table

# --- suite parameters (values come from crosslink.quality at validation time) ----------------
MAX_AMOUNT = "max_amount"            # quality.max_amount: the largest believable amount
DATE_FROM = "date_from"              # the partition date must lie in [date_from, date_to]:
DATE_TO = "date_to"                  # both are the business date when the run names one

# --- quality dimensions (the vocabulary of the `dimension` tag) ------------------------------
COMPLETENESS = "completeness"        # a value that must be there is there
UNIQUENESS = "uniqueness"            # one row per key
VALIDITY = "validity"                # a value is of the allowed kind, code list or range
CONSISTENCY = "consistency"          # values agree with each other and with the run
CONFORMITY = "conformity"            # the frame has the columns of the registered table
VOLUME = "volume"                    # the frame is not unexpectedly empty
LINEAGE = "lineage"                  # every row can be traced back to its source record
DIMENSIONS = (COMPLETENESS, UNIQUENESS, VALIDITY, CONSISTENCY, CONFORMITY, VOLUME, LINEAGE)

ColumnNames = Sequence[str]


def ddl_columns(ddl: str) -> list[str]:
    """Column names of a Spark DDL string, parsed without a JVM.

    `TableSpec.columns` asks Spark's parser and so needs an active SparkContext; suites must
    build without one (cheap unit tests, the registry test). Commas inside `<...>`/`(...)` of
    nested types do not split columns.
    """
    names, depth, start = [], 0, 0
    for i, char in enumerate(ddl + ","):
        if char in "<(":
            depth += 1
        elif char in ">)":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(ddl[start:i].split()[0].strip("`"))
            start = i + 1
    return names


def registered_columns(table_name: str) -> list[str]:
    """The registered columns a frame must carry; volatile ones may be stamped after the gate."""
    spec = table(table_name)
    return [c for c in ddl_columns(spec.ddl) if c not in spec.volatile]


def param(name: str) -> dict:
    """A reference to a suite parameter, resolved when the suite is run."""
    return {"$PARAMETER": name}


def _tag(dimension: str, note: str | None = None) -> dict:
    """Keyword arguments recording the protected dimension (and a note shown in Data Docs)."""
    return {"meta": {"dimension": dimension}, "notes": note}


def not_null(column: str, dimension: str = COMPLETENESS, *,
             when: Condition | None = None, note: str | None = None):
    """Values of `column` are present (optionally only on rows matching `when`)."""
    return gxe.ExpectColumnValuesToNotBeNull(column=column, row_condition=when,
                                             **_tag(dimension, note))


def unique(columns: ColumnNames, *, note: str | None = None):
    """One row per key (`ExpectUniqueKey`: an aggregate that rides in the suite's one job).

    Rows with a null key part are left to the not-null checks, so each defect is counted once.
    """
    return ExpectUniqueKey(column_list=list(columns), **_tag(UNIQUENESS, note))


def key(columns: ColumnNames) -> list:
    """The natural key: every part present, and unique as a whole."""
    return [not_null(c, note="part of the key") for c in columns] + [unique(columns)]


def in_set(column: str, values: Iterable[str], dimension: str = VALIDITY, *,
           when: Condition | None = None, note: str | None = None):
    """Values of `column` (nulls aside) come from a known code list."""
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(values),
                                           row_condition=when, **_tag(dimension, note))


def between(column: str, low=None, high=None, dimension: str = VALIDITY, *,
            when: Condition | None = None, note: str | None = None):
    """Values of `column` (nulls aside) lie in [low, high]; either bound may be a parameter."""
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high,
                                             row_condition=when, **_tag(dimension, note))


def amount(column: str, *, note: str | None = None):
    """A money amount: never negative, never above the configured believable maximum."""
    return between(column, 0, param(MAX_AMOUNT), note=note or "0 <= amount <= max_amount")


def not_before(later: str, earlier: str, *, note: str | None = None):
    """Where both values are known, `later` is on or after `earlier`."""
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later, column_B=earlier, or_equal=True,
        ignore_row_if="either_value_is_missing", **_tag(CONSISTENCY, note))


def pairs_in_set(column_a: str, column_b: str, pairs: Iterable[tuple], *,
                 note: str | None = None):
    """Where both are known, (column_a, column_b) is one of the allowed combinations.

    Cheaper than one conditional check per value of column_a: conditional checks each cost
    a Spark job of their own, a pair check shares the suite's main aggregation.
    """
    return gxe.ExpectColumnPairValuesToBeInSet(
        column_A=column_a, column_B=column_b, value_pairs_set=sorted(pairs),
        ignore_row_if="either_value_is_missing", **_tag(CONSISTENCY, note))


def matches(column: str, regex: str, dimension: str = VALIDITY, *, note: str | None = None):
    """Values of `column` (nulls aside) match a pattern, e.g. a code format."""
    return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex,
                                              **_tag(dimension, note))


def _none_found(count: int) -> dict:
    """The verdict of a check that counts offending rows: pass at zero; the count is its
    observed value (what the gate reports when it fails)."""
    return {"success": count == 0, "result": {"observed_value": count}}


class RowsMatchingCount(TableMetricProvider):
    """Rows of the batch for which a Spark SQL condition holds (SQL `WHERE` semantics: a null
    condition does not count). An aggregate, so GX folds every such count over one batch, with
    the batch's other table aggregates, into one Spark job (`resolve_metric_bundle`)."""

    metric_name = "crosslink.rows_matching.count"
    value_keys = ("condition",)

    @metric_partial(engine=SparkDFExecutionEngine,
                    partial_fn_type=MetricPartialFunctionTypes.AGGREGATE_FN,
                    domain_type=MetricDomainTypes.TABLE)
    def _spark(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics,
               runtime_configuration):
        from pyspark.sql import functions as F

        matching = F.when(F.expr(metric_value_kwargs["condition"]), 1)
        return F.count(matching), metric_domain_kwargs, {}


class ExpectNoRowsMatching(BatchExpectation):
    """No row of the batch satisfies a Spark SQL condition; the observed value is how many do.

    GX's UnexpectedRowsExpectation runs a query of its own per check — a Spark job each, and
    a second one fetching up to 200 rows it drops outside the COMPLETE result format. As an
    aggregate every check of a suite rides in one job: the gate of gold.customer_features
    (11 such checks) ran 51 Spark jobs with GX's class, 29 counting alone (ExpectNoRowsWhere).
    """

    condition: str
    metric_dependencies: ClassVar[tuple[str, ...]] = (RowsMatchingCount.metric_name,)
    success_keys: ClassVar[tuple[str, ...]] = ("condition",)

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None,
                  execution_engine=None) -> dict:
        return _none_found(metrics[RowsMatchingCount.metric_name])


class RepeatedKeyCount(TableMetricProvider):
    """Rows that repeat a key an earlier row already has (rows with every key part present,
    less their distinct keys): zero exactly when the key is unique. An aggregate, bundled like
    `RowsMatchingCount`; GX's uniqueness checks run a window or a group-by of their own."""

    metric_name = "crosslink.repeated_key.count"
    value_keys = ("column_list",)

    @metric_partial(engine=SparkDFExecutionEngine,
                    partial_fn_type=MetricPartialFunctionTypes.AGGREGATE_FN,
                    domain_type=MetricDomainTypes.TABLE)
    def _spark(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics,
               runtime_configuration):
        from functools import reduce

        from pyspark.sql import functions as F

        parts = [F.col(c) for c in metric_value_kwargs["column_list"]]
        complete = reduce(lambda a, b: a & b, (p.isNotNull() for p in parts))
        # count_distinct skips a combination with any null part, as `complete` does
        return (F.count(F.when(complete, 1)) - F.count_distinct(*parts), metric_domain_kwargs,
                {})


class ExpectUniqueKey(BatchExpectation):
    """No two rows share a key (rows with a null key part aside); the observed value is the
    number of repeated rows. When it fails, the gate's samples come from GX's own uniqueness
    check (`with_samples`), which lists the repeated values and counts every row that has one.
    """

    column_list: list[str]
    metric_dependencies: ClassVar[tuple[str, ...]] = (RepeatedKeyCount.metric_name,)
    success_keys: ClassVar[tuple[str, ...]] = ("column_list",)

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None,
                  execution_engine=None) -> dict:
        return _none_found(metrics[RepeatedKeyCount.metric_name])

    def with_samples(self):
        """GX's own check of the same rule: slower, but it names the offending values."""
        meta = {"meta": self.meta, "notes": self.notes}
        if len(self.column_list) == 1:
            return gxe.ExpectColumnValuesToBeUnique(column=self.column_list[0], **meta)
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=self.column_list,
                                                   ignore_row_if="any_value_is_missing", **meta)


class ExpectNoRowsWhere(gxe.UnexpectedRowsExpectation):
    """GX's UnexpectedRowsExpectation that only counts the rows its query returns: for checks
    that need the whole batch in a subquery, which no per-row condition can state. (Suites
    before ExpectNoRowsMatching used it for every check; stored results still name it.)"""

    metric_dependencies: ClassVar[tuple[str, ...]] = ("unexpected_rows_query.row_count",)

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None,
                  execution_engine=None) -> dict:
        return _none_found(metrics["unexpected_rows_query.row_count"])


def no_rows_where(sql_condition: str, dimension: str, note: str):
    """No row satisfies a Spark SQL condition: for rules no column check can state (arrays,
    sums across columns)."""
    return ExpectNoRowsMatching(condition=sql_condition, description=note,
                                **_tag(dimension, note))


def no_rows_in_query(sql_query: str, dimension: str, note: str):
    """A query over the whole batch (`{batch}`) returns no row: for rules about groups of rows.
    Costs a Spark job of its own; prefer `no_rows_where`."""
    return ExpectNoRowsWhere(unexpected_rows_query=sql_query, description=note,
                             **_tag(dimension, note))


def rows_at_least(minimum: int = 1):
    """The frame holds at least `minimum` rows: an empty extract is a failed delivery."""
    return gxe.ExpectTableRowCountToBeBetween(min_value=minimum, **_tag(VOLUME))


def has_columns(columns: ColumnNames):
    """Every listed column of the registered table is present (extra columns are tolerated)."""
    return gxe.ExpectTableColumnsToMatchSet(column_set=list(columns), exact_match=False,
                                            **_tag(CONFORMITY))


def on_run_date(column: str):
    """Every row belongs to the partition being gated (see DATE_FROM / DATE_TO)."""
    return between(column, param(DATE_FROM), param(DATE_TO), CONSISTENCY,
                   note=f"`{column}` is the business date of the run")


def is_(column: str, value) -> Condition:
    """Row condition `column == value`, for expectations that only apply to some rows."""
    return Column(column) == value


def suite(name: str, expectations: Iterable) -> gx.ExpectationSuite:
    """Assemble a suite; the name is the table name, so results and docs are found by table."""
    return gx.ExpectationSuite(name=name, expectations=list(expectations),
                               meta={"owner": "crosslink", "table": name})
