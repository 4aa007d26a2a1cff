"""Gold suites, written by hand: what models and scoring may take for granted, and what the
steps after scoring may take for granted of the scores.

Feature tables are wide (200+ columns), so rules that apply to many columns are stated once as
a row query over all of them (one Spark job each) rather than as one expectation per column;
the note names the rule, and a failure sample shows the offending rows. The column groups come
from `features.columns`, so a new feature is covered without touching this file.
"""

from __future__ import annotations

import great_expectations as gx
from annotated_types import Le

from crosslink.config import ScoringConfig
from crosslink.tables import table
from expectations._build import (
    COMPLETENESS,
    CONSISTENCY,
    VALIDITY,
    between,
    has_columns,
    in_set,
    key,
    matches,
    no_rows_in_query,
    no_rows_where,
    not_null,
    on_run_date,
    registered_columns,
    rows_at_least,
    suite,
    unique,
)
from features.columns import (
    CHANNELS,
    DAILY_MEASURES,
    FEATURE_COLUMNS,
    FLAG_COLUMNS,
    LAST_ACTIVE,
    LONG_WINDOW,
    PRODUCT_CODES,
    RECENCY_CAP,
    RECENCY_COLUMNS,
    ROLLED_MEASURES,
    SEGMENTS,
    SHARE_COLUMNS,
    WINDOW_COLUMNS,
    WINDOWS,
    column_type,
)

CUSTOMER_TYPES = ("person", "company")
# models.registry.model_name(product) is MODEL_PREFIX + product (not imported: every gate
# builds every suite, and the suites stay free of the model code's imports)
MODEL_PREFIX = "crosslink."


def _head(name: str) -> list:
    """Columns, key and partition date, as for every silver table."""
    spec = table(name)
    date_column = spec.partition_by[0]
    return [has_columns(registered_columns(name)), *key(spec.key), not_null(date_column),
            on_run_date(date_column)]


def _any(columns, template: str) -> str:
    return " OR ".join(template.format(c=c) for c in columns)


def _missing(columns) -> str:
    """SQL: some column is null, or NaN for doubles (a 0/0 that slipped through)."""
    return " OR ".join(f"{c} IS NULL" + (f" OR isnan({c})" if column_type(c) == "double" else "")
                       for c in columns)


def _channel_total(suffix: str = "") -> str:
    return " + ".join(f"{c}_count{suffix}" for c in CHANNELS)


def customer_daily() -> gx.ExpectationSuite:
    """gold.customer_daily: one customer's aggregates of one business date."""
    return suite("gold.customer_daily", [
        *_head("gold.customer_daily"),
        # completeness: every measure is filled (zeros, never null)
        no_rows_where(_missing(DAILY_MEASURES), COMPLETENESS, "every daily measure is filled"),
        # validity: counts and sums of unsigned amounts are never negative
        no_rows_where(_any(DAILY_MEASURES, "{c} < 0"), VALIDITY,
                      "daily counts and CNY sums are never negative"),
        # consistency: every leg is on exactly one channel; salary is ours or elsewhere
        no_rows_where(f"txn_count != {_channel_total()}", CONSISTENCY,
                      "channel counts add up to txn_count"),
        no_rows_where("salary_credit_count != salary_ours_count + salary_elsewhere_count",
                      CONSISTENCY, "salary credits are paid through us or from elsewhere"),
        # volume: a business day with transactions has aggregates
        rows_at_least(1),
    ])


def _window_order() -> str:
    """SQL: some measure is larger over the short window than over the long one holding it."""
    return _any(ROLLED_MEASURES, f"{{c}}_{WINDOWS[0]}d > {{c}}_{LONG_WINDOW}d")


def customer_windows() -> gx.ExpectationSuite:
    """gold.customer_windows: the rolling state of one active customer per snapshot."""
    first_day = f"date_sub(snapshot_date, {LONG_WINDOW - 1})"
    return suite("gold.customer_windows", [
        *_head("gold.customer_windows"),
        # completeness: every window sum is filled (zeros, never null)
        no_rows_where(_missing(WINDOW_COLUMNS), COMPLETENESS, "every window sum is filled"),
        # validity: sums of counts and unsigned amounts are never negative — a negative one
        # means a day left a window it never entered (state and daily rows out of step)
        no_rows_where(_any(WINDOW_COLUMNS, "{c} < 0"), VALIDITY,
                      "window counts and CNY sums are never negative"),
        # consistency: windows nest; last-active dates lie in the longest window
        no_rows_where(_window_order(), CONSISTENCY,
                      f"no measure is larger over {WINDOWS[0]} days than over {LONG_WINDOW}"),
        no_rows_where(_any(LAST_ACTIVE, f"{{c}} < {first_day} OR {{c}} > snapshot_date"),
                      CONSISTENCY, f"last-active dates lie in the last {LONG_WINDOW} days"),
        no_rows_where(f"(last_txn_date IS NULL) != (txn_count_{LONG_WINDOW}d = 0)", CONSISTENCY,
                      "a last transaction date exactly when there were transactions"),
    ])


def customer_features() -> gx.ExpectationSuite:
    """gold.customer_features: one customer of silver.customers per snapshot."""
    balances = [c for c in FEATURE_COLUMNS if c.startswith("balance_") and "_change_" not in c]
    long = LONG_WINDOW
    return suite("gold.customer_features", [
        *_head("gold.customer_features"),
        in_set("customer_type", CUSTOMER_TYPES),
        # completeness: models get a value for every feature of every customer
        no_rows_where(_missing(FEATURE_COLUMNS), COMPLETENESS,
                      "every feature is filled: no null, no NaN"),
        # validity: window sums and balances are never negative
        no_rows_where(_any(WINDOW_COLUMNS + tuple(balances), "{c} < 0"), VALIDITY,
                      "window counts, CNY sums and balances are never negative"),
        no_rows_where(_any(SHARE_COLUMNS, "{c} < 0 OR {c} > 1"), VALIDITY,
                      "shares lie in [0, 1]"),
        no_rows_where(_any(FLAG_COLUMNS, "{c} NOT IN (0, 1)"), VALIDITY, "flags are 0 or 1"),
        no_rows_where(_any(RECENCY_COLUMNS, f"{{c}} < 0 OR {{c}} > {RECENCY_CAP}"), VALIDITY,
                      f"days since last activity lie in [0, {RECENCY_CAP}]"),
        between("risk_rating", 1, 5),
        # consistency: windows nest, channels partition transactions, recency agrees
        no_rows_where(_window_order(), CONSISTENCY,
                      f"no measure is larger over {WINDOWS[0]} days than over {long}"),
        no_rows_where(_any(WINDOWS, "active_days_{c}d > {c}"), CONSISTENCY,
                      "a window has no more active days than days"),
        no_rows_where(f"txn_count_{long}d != {_channel_total(f'_{long}d')}", CONSISTENCY,
                      "channel counts add up to txn_count"),
        no_rows_where(f"days_since_txn != least({', '.join(RECENCY_COLUMNS[:-1])})",
                      CONSISTENCY, "the last transaction is the last on some channel"),
        # consistency: attributes agree with the customer's type and segment
        no_rows_where("(customer_type = 'company') != (is_company = 1)", CONSISTENCY,
                      "is_company matches customer_type"),
        no_rows_where(f"{' + '.join(f'segment_{s}' for s in SEGMENTS)} != 1", CONSISTENCY,
                      "exactly one segment flag is set"),
        # volume: a bank without customers is a failed run
        rows_at_least(1),
    ])


def _max_reasons() -> int:
    """The most reasons a score may carry: the upper bound of `scoring.top_reasons` (the
    configured value is not reachable from a suite builder; the scoring code keeps to it)."""
    field = ScoringConfig.model_fields["top_reasons"]
    return next(m.le for m in field.metadata if isinstance(m, Le))


def propensity_scores() -> gx.ExpectationSuite:
    """gold.propensity_scores: one eligible customer x product per snapshot, scored by the
    product's champion. No row-count rule: with no champion at all the partition is empty."""
    most = _max_reasons()
    stamps = ("model_name", "model_version", "model_run_id")
    arrays = ("reason_features", "reasons", "reasons_zh")
    return suite("gold.propensity_scores", [
        *_head("gold.propensity_scores"),
        # completeness: every score is stamped with its model and carries its reason lists
        *(not_null(c) for c in ("customer_type", "propensity", "suitable", *stamps, *arrays)),
        no_rows_where(_any(arrays, "exists({c}, r -> r IS NULL OR r = '')"), COMPLETENESS,
                      "no reason is null or empty"),
        # validity: a probability, a registered version, known codes
        # (Spark orders NaN above every number, so a NaN fails the range check too)
        between("propensity", 0, 1, note="propensity is a probability in [0, 1]"),
        between("model_version", 1, note="model versions start at 1"),
        in_set("customer_type", CUSTOMER_TYPES),
        in_set("product_code", PRODUCT_CODES),
        no_rows_where(f"size(reasons) > {most}", VALIDITY,
                      f"at most {most} reasons per score (scoring.top_reasons <= {most})"),
        # consistency: the three reason lists run in step; each product has its own model,
        # and one version of it scores the whole partition
        no_rows_where("size(reasons) != size(reasons_zh) "
                      "OR size(reasons) != size(reason_features)", CONSISTENCY,
                      "reasons, reasons_zh and reason_features have the same length"),
        no_rows_where(f"model_name != concat('{MODEL_PREFIX}', product_code)", CONSISTENCY,
                      "each product is scored by its own registered model"),
        no_rows_in_query("SELECT * FROM {batch} WHERE product_code IN (SELECT product_code "
                         "FROM {batch} GROUP BY product_code "
                         "HAVING count(DISTINCT model_version) > 1)", CONSISTENCY,
                         "one model version scores a product's whole partition"),
    ])


TIERS = ("A", "B", "C")


def opportunities() -> gx.ExpectationSuite:
    """gold.opportunities: one eligible, contactable customer x product within the top K."""
    return suite("gold.opportunities", [
        *_head("gold.opportunities"),
        # completeness: every opportunity says where it came from, what it is worth, its grade
        *(not_null(c) for c in ("customer_type", "product_code", "kind", "sources",
                                "propensity", "value", "class", "tier", "customer_rank")),
        no_rows_where("size(sources) = 0", COMPLETENESS, "every opportunity has a source"),
        # validity
        between("propensity", 0, 1, note="propensity is a probability in [0, 1]"),
        between("value", 0, note="value is never negative"),
        between("customer_rank", 1, note="ranks start at 1"),
        in_set("tier", TIERS),
        in_set("customer_type", CUSTOMER_TYPES),
        in_set("kind", ("retail", "corporate", "linkage")),
        in_set("product_code", PRODUCT_CODES),
        # consistency: a held or unsuitable product is never an opportunity
        no_rows_where("risk_rating < risk_level", CONSISTENCY,
                      "the customer's risk rating admits the product's risk level"),
    ])


def prompts() -> gx.ExpectationSuite:
    """gold.prompts: one routed, assigned prompt of a business date (what downstream reads).
    The policy and capacity invariants are checked in code (crosslink.decide.invariants)."""
    return suite("gold.prompts", [
        *_head("gold.prompts"),
        # completeness: what a member of staff or a channel needs to act on the prompt
        *(not_null(c) for c in ("customer_id", "product_code", "class", "tier", "role",
                                "channel", "org_id", "assignee_id", "pitch_en", "pitch_zh",
                                "expiry_date", "value", "propensity")),
        no_rows_where("trim(pitch_en) = '' OR trim(pitch_zh) = ''", COMPLETENESS,
                      "every prompt has a pitch in both languages"),
        no_rows_where("size(reasons_en) != size(reasons_zh)", CONSISTENCY,
                      "reasons in English and Chinese run in step"),
        # validity
        matches("prompt_id", r"^PR[0-9A-F]{20}$"),
        in_set("tier", TIERS),
        in_set("product_code", PRODUCT_CODES),
        between("propensity", 0, 1, note="propensity is a probability in [0, 1]"),
        # consistency: one role per customer x product a day; expiry after the prompt's day
        unique(("customer_id", "product_code"),
               note="a customer x product is prompted through one role a day"),
        no_rows_where("expiry_date <= business_date", CONSISTENCY,
                      "a prompt expires after the day it is made"),
    ])


def builders() -> dict:
    """Table name -> zero-argument suite builder, for every gold table."""
    return {"gold.customer_daily": customer_daily, "gold.customer_windows": customer_windows,
            "gold.customer_features": customer_features,
            "gold.propensity_scores": propensity_scores, "gold.opportunities": opportunities,
            "gold.prompts": prompts}
