"""Bronze suites, derived from the landing contract (`crosslink.sources`).

Bronze is gated *after* quarantine has taken out the rows the contract rejects, so each rule
here mirrors a quarantine rule: on a clean run they all pass, and a failure means a bad row got
past quarantine — a bug in ingest, not bad luck in the source. Deriving the rules from the
`SourceSpec` keeps the gate and the quarantine in step when a source changes.
"""

from __future__ import annotations

import great_expectations as gx

from crosslink.sources import ALL_SOURCES, SourceSpec
from crosslink.tables import table
from expectations._build import (
    COMPLETENESS,
    LINEAGE,
    amount,
    has_columns,
    in_set,
    key,
    no_rows_where,
    not_null,
    on_run_date,
    registered_columns,
    rows_at_least,
    suite,
    unique,
)

LINEAGE_COLUMNS = ("business_date", "source_file", "record_hash")
# rejections made after ingest, by the step that found them (jobs/feedback.py: events of
# prompts crosslink never issued)
CONFORM_REJECTS = ("prompt_events",)


def source_suite(spec: SourceSpec) -> gx.ExpectationSuite:
    """The suite of `bronze.<source>`: key, required fields, code lists, amounts, lineage."""
    name = f"bronze.{spec.name}"
    rules = [has_columns(registered_columns(name))]                   # conformity
    rules += key(spec.key)                                            # completeness, uniqueness
    rules += [not_null(f.name) for f in spec.fields                   # completeness
              if f.required and f.name not in spec.key]
    rules += [in_set(f.name, f.domain) for f in spec.fields if f.domain]         # validity
    rules += [amount(f.name) for f in spec.fields if f.amount]                   # validity
    rules += [not_null(c, LINEAGE) for c in LINEAGE_COLUMNS]                     # lineage
    rules.append(on_run_date("business_date"))                                   # consistency
    if spec.kind == "transactions":
        rules.append(rows_at_least(1))                                           # volume
    return suite(name, rules)


def quarantine_suite() -> gx.ExpectationSuite:
    """The suite of `bronze.quarantine`: every rejected row says where from, what and why."""
    name = "bronze.quarantine"
    return suite(name, [
        # conformity: the frame has the registered columns
        has_columns(registered_columns(name)),
        # uniqueness: one rejection per source line (null lines, e.g. Parquet, are not compared)
        unique(table(name).key),
        # completeness + validity: the rejecting source is named and is a known source
        not_null("source"),
        in_set("source", (*ALL_SOURCES, *CONFORM_REJECTS)),
        # lineage: the file (and run date) the rejected record came from
        not_null("source_file", LINEAGE),
        not_null("business_date", LINEAGE),
        # consistency: every rejection belongs to the run's partition
        on_run_date("business_date"),
        # completeness: the raw text is kept, so the record can be repaired and replayed
        not_null("raw", note="raw text of the rejected record"),
        # completeness: every rejection gives at least one reason
        no_rows_where("reasons IS NULL OR size(reasons) = 0", COMPLETENESS,
                      "every quarantined row carries at least one reason"),
    ])


def builders() -> dict:
    """Table name -> zero-argument suite builder, for every bronze table."""
    found = {f"bronze.{name}": (lambda spec=spec: source_suite(spec))
             for name, spec in ALL_SOURCES.items()}
    found["bronze.quarantine"] = quarantine_suite
    return found

