"""Quality gates: run a table's expectation suite on a DataFrame and stop the run if it fails.

    result = gate(df, "silver.transactions", home=cfg.home, config=cfg.pipeline.quality,
                  business_date=run_date)        # raises QualityGateError on failure

Suites live in code (`expectations/`); Great Expectations keeps a file-mode context under
`$CROSSLINK_HOME/gx/` that mirrors them and stores every validation result, from which Data
Docs are rendered (`gx/uncommitted/data_docs/local_site/index.html`).

Why it is built this way:
- GX is imported lazily (importing it takes ~3 s) and its context is created once per process
  and home; datasource, assets, suites, validation definitions and checkpoints are registered
  once (get-or-add), under a file lock, because several jobs may share one home at a time and
  GX rewrites `great_expectations.yml` whole.
- The Spark datasource is registered with `persist=False`: GX would otherwise `persist()` the
  caller's DataFrame and never release it.
- Progress bars and usage analytics are switched off: nightly logs stay readable and nothing
  leaves the bank.
- A clean gate stores pass/fail only; the failed expectations are run again for their counts,
  observed values and a few unexpected values, which go into the stored result and the error.
  Counting or sampling every expectation cost a round of Spark planning per check, pass or
  fail: over a third of a clean gate's time.
- Data Docs are updated incrementally (the job's results, their suites, the index), once per
  job (`docs_batch`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosslink.config import QualityConfig

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger(__name__)

DATASOURCE = "crosslink"                 # one Spark datasource; one dataframe asset per table
BATCH_DEFINITION = "whole_frame"
SAMPLE_SIZE = 5                          # unexpected values kept per failed expectation
# The checkpoint asks only pass or fail: in any richer format GX plans a query for the
# unexpected values of every column check, pass or fail — a fetch of none (count 0) still
# costs a round of Spark planning per check, over a third of a clean gate's time
# (bench/gate_bench.py). The failed expectations are then run again, unstored, for their
# counts and samples (`_with_samples`), and the stored result is rewritten with them.
RESULT_FORMAT = {"result_format": "BOOLEAN_ONLY"}
SAMPLE_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": SAMPLE_SIZE}
ANY_DATE = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))   # date check when no date is given
_LOCK_FILE = ".crosslink.lock"
# Checks whose observed value is the number of offending rows (expectations/_build.py)
ROW_COUNT_CHECKS = ("expect_no_rows_matching", "expect_no_rows_where",
                    "unexpected_rows_expectation")


@dataclass
class ExpectationFailure:
    """One failed expectation, with enough detail to act on it without opening Data Docs."""

    expectation: str                     # e.g. "expect_column_values_to_not_be_null"
    column: str | None                   # column(s) it checks, comma-separated; None: table
    unexpected_count: int | None         # rows breaking it (None: not a row-level check)
    element_count: int | None            # rows it looked at
    sample: list = field(default_factory=list)   # a few unexpected values
    dimension: str | None = None         # quality dimension it protects (expectation meta)
    detail: str = ""                     # condition, observed value or error text

    def describe(self) -> str:
        """`expect_x(col): 3 of 1200 rows unexpected [sample: ...]`, for logs and errors."""
        text = f"{self.expectation}({self.column})" if self.column else self.expectation
        if self.unexpected_count is not None:
            of = f" of {self.element_count}" if self.element_count is not None else ""
            text += f": {self.unexpected_count}{of} rows unexpected"
        if self.detail:
            text += f" ({self.detail})"
        if self.sample:
            text += f" [sample: {', '.join(_show(v) for v in self.sample)}]"
        return text


def _show(value) -> str:
    """A sample value as a reader wants it: quoted strings, plain dates and numbers."""
    return repr(value) if isinstance(value, str) else str(value)


@dataclass
class GateResult:
    """The outcome of one table's gate; `failed` is empty when `success`."""

    table: str
    success: bool
    evaluated: int
    failed: list[ExpectationFailure]
    rows: int
    seconds: float

    def describe(self) -> str:
        if self.success:
            return (f"gate passed for {self.table}: {self.evaluated} expectations on "
                    f"{self.rows} rows in {self.seconds:.1f} s")
        return f"gate failed for {self.table}: " + "; ".join(f.describe() for f in self.failed)


class QualityGateError(RuntimeError):
    """A quality gate failed; the message names the table and every failed expectation."""

    def __init__(self, message: str, result: GateResult | None = None):
        super().__init__(message)
        self.result = result


# --- public API ------------------------------------------------------------------------------
def validate(df: DataFrame, table_name: str, *, home: Path, config: QualityConfig,
             business_date: dt.date | None = None) -> GateResult:
    """Run the table's suite on `df`, store the result under `home/gx/`, never raise on failure.

    With `business_date` every row must belong to that date's partition; without it any date
    passes (backfills spanning several dates). The caller keeps ownership of `df`: nothing here
    caches or unpersists it.
    """
    started = time.perf_counter()
    business_date = _as_date(business_date)
    with _LOCK:                           # a GX context is not safe to share between threads
        checkpoint = _checkpoint_for(Path(home), table_name)
        run = checkpoint.run(batch_parameters={"dataframe": df},
                             expectation_parameters=expectation_parameters(config, business_date),
                             run_id=_run_id(business_date))
        (result_key, outcome), = run.run_results.items()
        if not outcome.success:
            outcome.results = _with_samples(checkpoint, df, outcome.results)
            _context(Path(home)).validation_results_store.set(result_key, outcome)
        if config.build_data_docs:
            _docs_for(Path(home), result_key, table_name)
        failed = [_failure(r) for r in outcome.results if not r.success]
    rows = df.count()                     # the results keep no row count when clean
    result = GateResult(table_name, outcome.success, len(outcome.results), failed, rows,
                        round(time.perf_counter() - started, 3))
    log.info(result.describe())
    return result


def _as_date(value: dt.date | None) -> dt.date | None:
    """A datetime is a date too, but compares badly with a date column: keep the date part."""
    return value.date() if isinstance(value, dt.datetime) else value


def _checkpoint_for(home: Path, table_name: str):
    checkpoints = _project(home).checkpoints
    if table_name not in checkpoints:
        raise KeyError(f"no quality gate for {table_name!r}; known: {sorted(checkpoints)}")
    return checkpoints[table_name]


def gate(df: DataFrame, table_name: str, *, home: Path, config: QualityConfig,
         business_date: dt.date | None = None) -> GateResult:
    """`validate`, then raise `QualityGateError` when any expectation failed."""
    result = validate(df, table_name, home=home, config=config, business_date=business_date)
    if not result.success:
        raise QualityGateError(result.describe(), result)
    return result


def quarantine_rate_gate(source: str, rows_read: int, rows_quarantined: int,
                         config: QualityConfig) -> None:
    """Stop the run when a source file quarantines more than `max_quarantine_rate` of its rows.

    A few bad records are normal and quarantined; many mean the extract itself is broken (wrong
    layout, truncated file), and loading the rest would publish a silently partial day.
    """
    if rows_read <= 0:
        return
    rate = rows_quarantined / rows_read
    if rate > config.max_quarantine_rate:
        raise QualityGateError(
            f"quarantine gate failed for source {source}: {rows_quarantined} of {rows_read} "
            f"rows quarantined, rate {rate:.2%} exceeds threshold "
            f"{config.max_quarantine_rate:.2%}")


@contextlib.contextmanager
def docs_batch(home: Path):
    """Gates inside store their results as usual, but their Data Docs pages are rendered once,
    on the way out (pass or fail), instead of after each gate. Every render reads the result
    store to rewrite the index, so its cost grows with the results kept
    (`airflow.maintenance.validations_keep_days`): with 189 stored results, 3.8 s a gate
    rendered each against 0.9 s for one render of 8 gates (bench/gate_bench.py); a night has
    20+ gates. Nested batches join the outermost one. Jobs run their gates in one
    (`crosslink.context.run_job`, `crosslink.pipeline`)."""
    home = Path(home).resolve()
    with _LOCK:
        outermost = home not in _DEFERRED_DOCS
        if outermost:
            _DEFERRED_DOCS[home] = []
    try:
        yield
    finally:
        if outermost:
            with _LOCK:
                pending = _DEFERRED_DOCS.pop(home)
                if pending:
                    _update_docs(home, pending)


def build_data_docs(home: Path) -> Path:
    """Render Data Docs for every stored result; return the local site's index.html."""
    with _LOCK:
        urls = _context(Path(home)).build_data_docs()
    return _index_path(urls)


def expectation_parameters(config: QualityConfig,
                           business_date: dt.date | None = None) -> dict[str, Any]:
    """Values of the suites' `$PARAMETER`s (see `expectations.PARAMETERS`) for one run."""
    business_date = _as_date(business_date)
    date_from, date_to = (business_date, business_date) if business_date else ANY_DATE
    return {"max_amount": config.max_amount, "date_from": date_from, "date_to": date_to}


# --- results ---------------------------------------------------------------------------------
def _with_samples(checkpoint, df: DataFrame, results: list) -> list:
    """`results` with each failed one replaced by a rerun of its expectation (or of the GX
    check that lists the offending values of the same rule: `_probe`), unstored, in the
    sample format: counts, observed values and a few unexpected values.

    Costs a Spark job or two on a failing night and nothing on a clean one. A problem here must
    not hide the failure itself, so it is logged and the bare results are kept.
    """
    failed = [r for r in results if not r.success]
    if not failed:
        return results
    gx = _import_gx()
    try:
        batch = checkpoint.validation_definitions[0].batch_definition.get_batch(
            batch_parameters={"dataframe": df})
        probes = {id(r): _probe(r) for r in failed}
        suite = gx.ExpectationSuite(name=f"{checkpoint.name}.samples",
                                    expectations=list(probes.values()))
        sampled = batch.validate(suite, result_format=SAMPLE_FORMAT).results
    except Exception:  # noqa: BLE001 - samples are a courtesy; the failure is what matters
        log.warning("could not fetch unexpected values for %s", checkpoint.name, exc_info=True)
        return results
    # GX does not keep the suite's order
    by_config = {_config_key(r.expectation_config): r for r in sampled}
    return [r if r.success else _sampled(r, by_config.get(_config_key(
        probes[id(r)].configuration))) for r in results]


def _sampled(stored, rerun):
    """The stored result with the rerun's details (its verdict stays the gate's)."""
    if rerun is not None:
        stored.result = rerun.result
        if rerun.exception_info and not stored.exception_info:
            stored.exception_info = rerun.exception_info
    return stored


def _config_key(config) -> tuple[str, str]:
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    return config.type, json.dumps(kwargs, sort_keys=True, default=str)


def _probe(result):
    """The expectation that details a failed result, free of its suite: the result's own, or
    for a check that only counts (ExpectUniqueKey) GX's check that lists the values."""
    expectation = result.expectation_config.to_domain_obj()
    expectation.id = None              # GX refuses to put a suite's expectation in another
    return expectation.with_samples() if hasattr(expectation, "with_samples") else expectation


def _exception_message(result) -> str | None:
    """The error behind a result, if any. GX 1.x reports metric errors as a dict keyed by
    metric id, and expectation-level errors as a flat dict."""
    info = result.exception_info or {}
    if "raised_exception" not in info:
        info = next((v for v in info.values() if isinstance(v, dict)), {})
    return info.get("exception_message") if info.get("raised_exception") else None


def _failure(result) -> ExpectationFailure:
    """Flatten one failed ExpectationValidationResult."""
    config = result.expectation_config
    details = result.result or {}
    exception = _exception_message(result)
    count = details.get("unexpected_count")
    if config.type in ROW_COUNT_CHECKS:                 # its observed value is the row count
        count = details.get("observed_value")
    return ExpectationFailure(
        expectation=config.type,
        column=_columns(config.kwargs),
        unexpected_count=count,
        element_count=details.get("element_count"),
        sample=list(details.get("partial_unexpected_list") or [])[:SAMPLE_SIZE],
        dimension=(config.meta or {}).get("dimension"),
        detail=_detail(config, details, exception),
    )


def _columns(kwargs: dict) -> str | None:
    if kwargs.get("column"):
        return kwargs["column"]
    if kwargs.get("column_list"):
        return ", ".join(kwargs["column_list"])
    if kwargs.get("column_A"):
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return None


def _detail(config, details: dict, exception: str | None) -> str:
    """What the counts do not say: the row condition, a table-level observation, an error."""
    parts = []
    condition = config.kwargs.get("row_condition")
    if condition:
        from great_expectations.expectations.row_conditions import deserialize_row_condition

        parts.append(f"where {deserialize_row_condition(condition)!r}")
    if exception:
        parts.append(f"error: {exception}")
    elif config.type in ROW_COUNT_CHECKS:
        parts.append(config.description or config.kwargs.get("condition")
                     or config.kwargs["unexpected_rows_query"])
    elif "unexpected_count" not in details and "observed_value" in details:
        mismatched = (details.get("details") or {}).get("mismatched")
        parts.append(f"observed {mismatched or details['observed_value']}")
    return "; ".join(parts)


def _run_id(business_date: dt.date | None):
    from great_expectations.core.run_identifier import RunIdentifier

    name = business_date.isoformat() if business_date else "adhoc"
    return RunIdentifier(run_name=name, run_time=dt.datetime.now(dt.UTC))


# --- the GX project under home/gx/, opened and registered once per process ------------------
@dataclass
class _Project:
    context: Any                       # great_expectations FileDataContext
    checkpoints: dict[str, Any]        # table name -> Checkpoint


_PROJECTS: dict[Path, _Project] = {}
_LOCK = threading.RLock()              # guards _PROJECTS and every use of a GX context
_DEFERRED_DOCS: dict[Path, list] = {}  # home -> (result key, table) awaiting its docs_batch


def _import_gx():
    """Import GX quietly: no usage analytics (set before the import, or it is read too late)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    return gx


def _project(home: Path) -> _Project:
    """Open the file-mode context at `home/gx/` and register every suite, once per process.

    Opening and registering happen in one section under a file lock: a second process then
    opens the context only after the first has written everything, finds it all, and writes
    nothing (GX rewrites `great_expectations.yml` whole, so concurrent writers lose updates).
    """
    home = Path(home).resolve()
    with _LOCK:
        if home not in _PROJECTS:
            gx = _import_gx()
            with _file_lock(home):
                context = gx.get_context(mode="file", project_root_dir=str(home))
                _quiet(context)
                _PROJECTS[home] = _Project(context, _register_all(context))
        return _PROJECTS[home]


def _context(home: Path):
    return _project(home).context


@contextlib.contextmanager
def _file_lock(home: Path):
    """Serialise GX project writes between processes sharing one home."""
    (home / "gx").mkdir(parents=True, exist_ok=True)
    with open(home / "gx" / _LOCK_FILE, "a") as handle:     # "a": never truncates
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _quiet(context) -> None:
    """Switch progress bars off in the project config (GX draws tqdm bars on stderr)."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    bars = context.variables.progress_bars or {}     # a dict once read back from the YAML
    current = bars if isinstance(bars, dict) else vars(bars)
    if current.get("globally", True) or current.get("metric_calculations", True):
        context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                             metric_calculations=False)
        context.variables.save()


def _register_all(context) -> dict[str, Any]:
    """Get-or-add the datasource and, per table, its asset, suite, validation and checkpoint."""
    import expectations

    with _one_config_save(context):
        datasource = _datasource(context)
        return {name: _checkpoint(context, datasource, expectations.suite_for(name))
                for name in expectations.SUITES}


@contextlib.contextmanager
def _one_config_save(context):
    """Write `great_expectations.yml` once on the way out instead of after every change.

    GX rewrites the whole file after each asset and batch definition it adds: 58 writes for
    29 tables, half of a new project's registration (cProfile: 5.5 of 10.7 s), paid by every
    new home. Nothing reads the file back in between: the context keeps the config in memory.
    A project that had everything already is not written at all.
    """
    save, asked = context._save_project_config, []
    context._save_project_config = lambda: asked.append(True)
    try:
        yield
    finally:
        del context._save_project_config          # the class's method again
        if asked:
            save()


def _datasource(context):
    """The Spark datasource; `persist=False` or GX persists (and never frees) every frame."""
    try:
        return context.data_sources.get(DATASOURCE)
    except KeyError:
        return context.data_sources.add_spark(DATASOURCE, persist=False)


def _batch_definition(datasource, table_name: str):
    try:
        asset = datasource.get_asset(table_name)
    except LookupError:
        asset = datasource.add_dataframe_asset(table_name)
    try:
        return asset.get_batch_definition(BATCH_DEFINITION)
    except KeyError:
        return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)


def _suite(context, code_suite):
    """The stored suite, rewritten from code when they differ (code is the source of truth)."""
    from great_expectations.exceptions import DataContextError

    try:
        stored = context.suites.get(code_suite.name)
    except DataContextError:
        return context.suites.add(code_suite)
    if _fingerprint(stored) != _fingerprint(code_suite):
        stored.expectations = list(code_suite.expectations)
        stored.save()
        log.info("expectation suite %s updated from code", code_suite.name)
    return stored


def _fingerprint(suite) -> list[str]:
    """The suite's expectations as sorted canonical JSON, ids aside.

    Not `sorted(suite.expectations)`: GX orders expectations by id, so a stored suite (ids) and
    one built in code (no ids) sort differently and look changed when they are not.
    """
    return sorted(json.dumps({k: v for k, v in e.configuration.to_json_dict().items()
                              if k not in ("id", "rendered_content")},
                             sort_keys=True, default=str)
                  for e in suite.expectations)


def _checkpoint(context, datasource, code_suite):
    """Get-or-add the validation definition and checkpoint that gate one table."""
    gx = _import_gx()
    from great_expectations.exceptions import DataContextError

    name = code_suite.name
    batch = _batch_definition(datasource, name)
    suite = _suite(context, code_suite)
    try:
        definition = context.validation_definitions.get(name)
    except DataContextError:
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite))
    try:
        checkpoint = context.checkpoints.get(name)
    except DataContextError:
        return context.checkpoints.add(gx.Checkpoint(
            name=name, validation_definitions=[definition], actions=[],
            result_format=RESULT_FORMAT))
    if checkpoint.result_format != RESULT_FORMAT:
        checkpoint.result_format = RESULT_FORMAT
        checkpoint.save()
    return checkpoint


def _docs_for(home: Path, result_key, table_name: str) -> None:
    """Render a stored result's docs now, or with its batch (`docs_batch`)."""
    pending = _DEFERRED_DOCS.get(home.resolve())
    if pending is None:
        _update_docs(home, [(result_key, table_name)])
    else:
        pending.append((result_key, table_name))


def _update_docs(home: Path, results: list[tuple[Any, str]]) -> None:
    """Render these results' pages, their suites' pages and the index — what
    UpdateDataDocsAction does — rather than the whole site, whose cost grows with every
    stored result."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    tables = sorted({name for _, name in results})
    identifiers = ([key for key, _ in results]
                   + [ExpectationSuiteIdentifier(name=name) for name in tables])
    try:
        _context(home).build_data_docs(resource_identifiers=identifiers)
    except Exception:  # noqa: BLE001 - docs are for reading; a rendering bug must not stop a run
        log.warning("could not update Data Docs for %s", ", ".join(tables), exc_info=True)


def _index_path(urls: dict[str, str]) -> Path:
    url = urls.get("local_site") or next(iter(urls.values()))
    return Path(url.removeprefix("file://"))
