"""The quality gate: clean frames pass; one defect fails exactly its expectation, with the
right count named in the error; results and Data Docs land under home/gx/."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import yaml

import expectations
from crosslink import quality
from crosslink.config import QualityConfig
from crosslink.tables import table
from tests.expectations.rows import DAY, rows

N = 6


@pytest.fixture
def settings(config) -> QualityConfig:
    """The configured gate without Data Docs (rendering is tested once, on its own)."""
    return config.pipeline.quality.model_copy(update={"build_data_docs": False})


def _frame(spark, name: str, changes: dict[int, dict] | None = None, n: int = N):
    """`n` clean rows of `name`, with `changes` (row index -> column values) applied."""
    data = rows(name, n)
    for index, values in (changes or {}).items():
        data[index].update(values)
    return spark.createDataFrame(data, table(name).ddl)


def test_clean_frame_passes_quietly_and_leaves_the_frame_alone(spark, home, settings, capfd):
    df = _frame(spark, "silver.transactions")
    result = quality.gate(df, "silver.transactions", home=home, config=settings,
                          business_date=DAY)
    assert result.success and result.failed == []
    assert result.rows == N
    assert result.evaluated == len(expectations.suite_for("silver.transactions").expectations)
    assert not df.is_cached                      # GX would persist() it without persist=False
    assert "Calculating Metrics" not in capfd.readouterr().err   # no tqdm progress bars


# id: (table, row changes, failed expectation, its column(s), unexpected rows, rows checked)
DEFECTS = {
    "null key": ("silver.transactions", {1: {"txn_id": None}, 3: {"txn_id": None}},
                 "expect_column_values_to_not_be_null", "txn_id", 2, N),
    # the key check only counts; its details come from GX's own uniqueness check, which
    # counts every row of a duplicated key: one duplicate pair is 2 unexpected rows
    "duplicate key": ("silver.customers", {2: {"customer_id": "C0"}},
                      "expect_unique_key", "customer_id", 2, N),
    "duplicate compound key": ("bronze.consent",
                               {1: {"customer_id": "customer_id-0", "channel": "branch_counter"}},
                               "expect_unique_key", "customer_id, channel", 2, N),
    "out-of-domain code": ("bronze.atm_txn", {4: {"txn_code": "ZZZ"}},
                           "expect_column_values_to_be_in_set", "txn_code", 1, N),
    "negative amount": ("bronze.atm_txn", {0: {"amount": -1.0}},
                        "expect_column_values_to_be_between", "amount", 1, N),
    # a conditional check counts only the rows it applies to: the 3 persons of 6 customers
    "under-age person": ("silver.customers", {0: {"age": 12}, 1: {"age": 3}},  # row 1: company
                         "expect_column_values_to_be_between", "age", 1, N // 2),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_one_defect_fails_exactly_its_expectation(defect, spark, home, settings):
    name, changes, expectation, column, count, checked = DEFECTS[defect]
    with pytest.raises(quality.QualityGateError) as raised:
        quality.gate(_frame(spark, name, changes), name, home=home, config=settings,
                     business_date=DAY)
    (failure,) = raised.value.result.failed
    assert (failure.expectation, failure.column) == (expectation, column)
    assert (failure.unexpected_count, failure.element_count) == (count, checked)
    assert len(failure.sample) == count
    message = str(raised.value)
    assert message.startswith(f"gate failed for {name}: ")
    assert f"{expectation}({column}): {count} of {checked} rows unexpected" in message
    # the stored result (Data Docs) carries the failed check's counts and samples too
    (path,) = (home / "gx" / "uncommitted" / "validations").rglob("*.json")
    stored = [r for r in json.loads(path.read_text())["results"] if not r["success"]]
    assert [(r["expectation_config"]["type"], r["result"]["unexpected_count"],
             len(r["result"]["partial_unexpected_list"])) for r in stored] == [
        (expectation, count, count)]


def test_quarantine_rows_without_reasons_fail(spark, home, settings):
    df = _frame(spark, "bronze.quarantine", {0: {"reasons": []}, 2: {"reasons": None}})
    result = quality.validate(df, "bronze.quarantine", home=home, config=settings)
    (failure,) = result.failed
    assert (failure.expectation, failure.unexpected_count) == ("expect_no_rows_matching", 2)
    assert "at least one reason" in result.describe()


def test_rows_of_another_date_fail_only_when_the_run_names_its_date(spark, home, settings):
    df = _frame(spark, "bronze.branches")
    assert quality.validate(df, "bronze.branches", home=home, config=settings).success
    result = quality.validate(df, "bronze.branches", home=home, config=settings,
                              business_date=DAY + dt.timedelta(days=1))
    (failure,) = result.failed
    assert (failure.column, failure.unexpected_count, failure.dimension) == (
        "business_date", N, "consistency")


def test_the_amount_ceiling_comes_from_config(spark, home, settings):
    df = _frame(spark, "bronze.card_pos", {0: {"amount": 60_000_000.0}})
    assert not quality.validate(df, "bronze.card_pos", home=home, config=settings).success
    raised = settings.model_copy(update={"max_amount": 100_000_000.0})
    assert quality.validate(df, "bronze.card_pos", home=home, config=raised).success


def test_a_missing_column_is_named(spark, home, settings):
    df = _frame(spark, "silver.branches").drop("city")
    with pytest.raises(quality.QualityGateError, match=r"missing.*city"):
        quality.gate(df, "silver.branches", home=home, config=settings)


def test_results_are_stored_and_data_docs_built(spark, home, settings):
    docs = settings.model_copy(update={"build_data_docs": True})
    quality.validate(_frame(spark, "silver.staff"), "silver.staff", home=home, config=docs,
                     business_date=DAY)
    stored = list((home / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert [p for p in stored if "staff" in str(p)]
    index = quality.build_data_docs(home)
    assert index.name == "index.html" and index.is_file()
    assert index.is_relative_to(home / "gx")
    assert "silver.staff" in index.read_text(encoding="utf-8")


def test_a_batch_renders_the_docs_of_its_gates_once_on_the_way_out(spark, home, settings,
                                                                    monkeypatch):
    docs = settings.model_copy(update={"build_data_docs": True})
    renders = []
    render = quality._update_docs
    monkeypatch.setattr(quality, "_update_docs",
                        lambda h, results: renders.append(len(results)) or render(h, results))
    with quality.docs_batch(home):
        for name in ("silver.staff", "silver.branches"):
            quality.validate(_frame(spark, name), name, home=home, config=docs,
                             business_date=DAY)
        with quality.docs_batch(home):                      # a nested batch joins the outer
            quality.validate(_frame(spark, "silver.staff"), "silver.staff", home=home,
                             config=docs, business_date=DAY)
        assert renders == []
    assert renders == [3]
    pages = home / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations" / "silver"
    assert len(list((pages / "staff").rglob("*.html"))) == 2
    assert len(list((pages / "branches").rglob("*.html"))) == 1
    quality.validate(_frame(spark, "silver.staff"), "silver.staff", home=home, config=docs)
    assert renders == [3, 1]                                # outside a batch: at once


def test_a_row_query_check_counts_without_fetching_the_rows(spark, home):
    """The suites' `no_rows_where` checks run one Spark job where GX's own
    UnexpectedRowsExpectation runs two (it also fetches up to 200 rows it then drops)."""
    import great_expectations.expectations as gxe

    from expectations._build import ExpectNoRowsWhere

    gx_context = quality._import_gx().get_context(mode="ephemeral")
    batch = (gx_context.data_sources.add_spark("probe", persist=False)
             .add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")
             .get_batch(batch_parameters={"dataframe": spark.range(50).toDF("n")}))
    query = "SELECT * FROM {batch} WHERE n % 10 = 3"
    jobs = {}
    for kind in (gxe.UnexpectedRowsExpectation, ExpectNoRowsWhere):
        spark.sparkContext.setJobGroup(kind.__name__, kind.__name__)
        result = batch.validate(kind(unexpected_rows_query=query))
        spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
        jobs[kind] = len(spark.sparkContext.statusTracker().getJobIdsForGroup(kind.__name__))
        assert (result.success, result.result["observed_value"]) == (False, 5)
    assert jobs[ExpectNoRowsWhere] < jobs[gxe.UnexpectedRowsExpectation], jobs


def test_row_condition_checks_ride_in_one_spark_job(spark):
    """`no_rows_where` checks are aggregates: one check or four, with the row count, the batch
    costs the same Spark jobs; each counts its own rows, and a null condition counts as false
    (SQL `WHERE`)."""
    from expectations._build import VALIDITY, no_rows_where, rows_at_least

    frame = spark.createDataFrame([(n, None if n == 7 else n % 10) for n in range(50)],
                                  "n int, d int")
    gx_context = quality._import_gx().get_context(mode="ephemeral")
    batch = (gx_context.data_sources.add_spark("probe", persist=False)
             .add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")
             .get_batch(batch_parameters={"dataframe": frame}))
    expected = {"d = 3": 5, "d > 100": 0, "d IS NULL": 1, "n < 0 OR d = 9": 5, "d != 1": 44}
    jobs, observed = {}, {}
    for label, conditions in (("one", ["d = 3"]), ("five", list(expected))):
        suite = gx_context.suites.add(quality._import_gx().ExpectationSuite(
            name=label, expectations=[rows_at_least()] + [
                no_rows_where(c, VALIDITY, f"check {c}") for c in conditions]))
        spark.sparkContext.setJobGroup(label, label)
        results = batch.validate(suite).results
        spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
        jobs[label] = len(spark.sparkContext.statusTracker().getJobIdsForGroup(label))
        observed = {r.expectation_config.kwargs["condition"]: r.result["observed_value"]
                    for r in results if r.expectation_config.type == "expect_no_rows_matching"}
    assert observed == expected
    assert jobs["five"] == jobs["one"], jobs


def test_key_checks_count_repeats_and_ride_in_the_same_job(spark):
    """`unique` is an aggregate too: three key checks cost one Spark job more than none (the
    distinct counts' shuffle) — GX's own three uniqueness checks cost 15 to 21 here. Each
    observes the rows that repeat a key (a triple is two); rows with a null key part are left
    to the not-null checks."""
    import great_expectations.expectations as gxe

    from expectations._build import VALIDITY, no_rows_where, unique

    frame = spark.createDataFrame(
        [("A", 1), ("A", 1), ("A", 2), ("B", None), ("B", None), (None, 1), (None, 1), ("C", 3)],
        "k string, j int")
    gx = quality._import_gx()
    gx_context = gx.get_context(mode="ephemeral")
    batch = (gx_context.data_sources.add_spark("probe", persist=False)
             .add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")
             .get_batch(batch_parameters={"dataframe": frame}))
    gx_own = [gxe.ExpectColumnValuesToBeUnique(column="k"),
              gxe.ExpectCompoundColumnsToBeUnique(column_list=["k", "j"]),
              gxe.ExpectColumnValuesToBeUnique(column="j")]
    jobs, observed = {}, {}
    for label, checks in (("none", []),
                          ("three", [unique(["k"]), unique(["k", "j"]), unique(["j"])]),
                          ("gx", gx_own)):
        suite = gx_context.suites.add(gx.ExpectationSuite(
            name=label, expectations=[no_rows_where("j > 100", VALIDITY, "no big j"), *checks]))
        spark.sparkContext.setJobGroup(label, label)
        results = batch.validate(suite).results
        spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
        jobs[label] = len(spark.sparkContext.statusTracker().getJobIdsForGroup(label))
        observed.update({tuple(r.expectation_config.kwargs["column_list"]):
                         r.result["observed_value"] for r in results
                         if r.expectation_config.type == "expect_unique_key"})
    # k: 6 present, 3 distinct; (k, j): (A,1) twice, B and null rows aside; j: 6 present, 3
    assert observed == {("k",): 3, ("k", "j"): 1, ("j",): 3}
    assert jobs["three"] <= jobs["none"] + 1 < jobs["gx"], jobs


def test_reopening_a_project_writes_nothing(home, monkeypatch):
    """Get-or-add: a second process finds every object and rewrites no file."""
    quality._project(home)
    files = {p: p.stat().st_mtime_ns for p in (home / "gx").rglob("*") if p.is_file()}
    monkeypatch.setattr(quality, "_PROJECTS", {})      # as if in a new process
    quality._project(home)
    assert {p: p.stat().st_mtime_ns for p in files} == files


def test_a_new_project_writes_its_config_once_with_every_table(home, monkeypatch):
    """GX rewrites great_expectations.yml after each asset and batch definition it adds (58
    times for 29 tables); registration writes it once, and the file holds them all."""
    from great_expectations.data_context import FileDataContext

    saves = []
    save = FileDataContext._save_project_config
    monkeypatch.setattr(FileDataContext, "_save_project_config",
                        lambda context: (saves.append(context), save(context))[1])
    quality._project(home)
    assert len(saves) == 1
    written = yaml.safe_load((home / "gx" / "great_expectations.yml").read_text())
    assets = written["fluent_datasources"][quality.DATASOURCE]["assets"]
    assert sorted(assets) == sorted(expectations.SUITES)
    assert all(quality.BATCH_DEFINITION in a["batch_definitions"] for a in assets.values())


def test_a_changed_suite_in_code_updates_the_stored_suite(home, monkeypatch):
    quality._project(home)
    built = expectations.suite_for

    def with_extra_rule(name):
        suite = built(name)
        if name == "silver.branches":
            suite.expectations.append(expectations._build.in_set("city", ["Shanghai"]))
        return suite

    monkeypatch.setattr(expectations, "suite_for", with_extra_rule)
    monkeypatch.setattr(quality, "_PROJECTS", {})
    stored = quality._project(home).context.suites.get("silver.branches")
    assert len(stored.expectations) == len(built("silver.branches").expectations) + 1


def test_an_ungated_table_is_refused(spark, home, settings):
    with pytest.raises(KeyError, match="ops.runs"):
        quality.validate(spark.range(1), "ops.runs", home=home, config=settings)


@pytest.mark.parametrize(("read", "quarantined", "fails"),
                         [(1000, 50, False), (1000, 51, True), (0, 0, False)])
def test_quarantine_rate_gate(read, quarantined, fails, settings):
    assert settings.max_quarantine_rate == 0.05
    if not fails:
        quality.quarantine_rate_gate("atm_txn", read, quarantined, settings)
        return
    with pytest.raises(quality.QualityGateError) as raised:
        quality.quarantine_rate_gate("atm_txn", read, quarantined, settings)
    message = str(raised.value)
    assert "atm_txn" in message and "5.10%" in message and "5.00%" in message


def test_importing_the_gate_does_not_import_great_expectations():
    """GX takes seconds to import; jobs that never gate must not pay for it."""
    code = ("import sys, crosslink.quality, expectations; "
            "sys.exit('great_expectations' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
