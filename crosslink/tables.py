"""The table registry: every lake table's name, schema, partition columns, key and grain.

This is the contract with downstream systems (ARCHITECTURE §3). Schemas are Spark DDL; the
`lake` module turns them into Delta schemas. `volatile` columns change on every run by design
(e.g. `ingested_at`) and are left out of content checksums.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crosslink.decide.columns import OPPORTUNITY_DDL, PROMPT_DDL
from crosslink.sources import ALL_SOURCES, SourceSpec
from features.columns import DAILY_DDL, FEATURES_DDL, WINDOWS_DDL

SPARK_TYPES = {"string": "string", "int": "int", "double": "double", "date": "date",
               "timestamp": "timestamp", "bool": "boolean"}
LINEAGE_DDL = ("business_date date, source_file string, source_line long, record_hash string, "
               "ingested_at timestamp")


@dataclass(frozen=True)
class TableSpec:
    name: str                          # "<layer>.<table>"
    ddl: str                           # Spark DDL of every column, partition columns included
    partition_by: tuple[str, ...]
    key: tuple[str, ...]               # unique within one partition
    grain: str
    volatile: tuple[str, ...] = ()

    @property
    def layer(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short_name(self) -> str:
        return self.name.split(".", 1)[1]

    def path(self, home: Path) -> Path:
        return Path(home) / "lake" / self.layer / self.short_name

    @property
    def columns(self) -> list[str]:
        from pyspark.sql.types import _parse_datatype_string  # lazy: keep imports cheap

        return [f.name for f in _parse_datatype_string(self.ddl).fields]


def _bronze(spec: SourceSpec) -> TableSpec:
    cols = ", ".join(f"{f.name} {SPARK_TYPES[f.type]}" for f in spec.fields)
    return TableSpec(f"bronze.{spec.name}", f"{cols}, {LINEAGE_DDL}", ("business_date",),
                     spec.key, f"one {spec.system} record of {spec.name}",
                     volatile=("ingested_at",))


_TABLES = [_bronze(spec) for spec in ALL_SOURCES.values()] + [
    TableSpec(
        "bronze.quarantine",
        "source string, business_date date, source_file string, source_line long, raw string, "
        "reasons array<string>, record_key string, record_hash string, ingested_at timestamp",
        ("business_date", "source"), ("source_file", "source_line"),
        "one rejected source record, with its raw text and every reason", ("ingested_at",)),
    TableSpec(
        "silver.transactions",
        "txn_id string, business_date date, txn_ts timestamp, channel string, source string, "
        "customer_id string, account_id string, txn_type string, direction string, "
        "amount double, currency string, amount_cny double, counterparty_account string, "
        "counterparty_name string, counterparty_bank string, counterparty_customer_id string, "
        "counterparty_is_ours boolean, counterparty_match string, merchant_category string, "
        "memo string, branch_id string, record_hash string",
        ("business_date",), ("txn_id",), "one transaction leg on one of our accounts, any channel"),
    TableSpec(
        "silver.link_evidence",
        "business_date date, txn_id string, customer_id string, counterparty_customer_id string, "
        "direction string, txn_type string, memo string, amount_cny double",
        ("business_date",), ("txn_id",),
        "one leg of silver.transactions whose counterparty is one of our customers, in the "
        "columns link inference reads: the look-back window it scans instead of every leg"),
    TableSpec(
        "silver.customers",
        "snapshot_date date, customer_id string, customer_type string, customer_name string, "
        "birth_date date, founded_date date, age int, segment string, branch_id string, "
        "manager_id string, risk_rating int, kyc_complete boolean, industry string, "
        "employees int, annual_turnover double, customer_since date, tenure_days int",
        ("snapshot_date",), ("customer_id",), "one customer (person or company) per snapshot"),
    TableSpec(
        "silver.holdings",
        "snapshot_date date, holding_id string, customer_id string, product_code string, "
        "category string, account_id string, opened_date date, closed_date date, "
        "status string, balance double, is_active boolean",
        ("snapshot_date",), ("holding_id",), "one product holding per snapshot"),
    TableSpec(
        "silver.staff",
        "snapshot_date date, staff_id string, staff_name string, role string, "
        "org_id string, org_type string, daily_capacity int, hired_date date, active boolean",
        ("snapshot_date",), ("staff_id",),
        "one member of staff per snapshot; org is a branch or a specialist centre"),
    TableSpec(
        "silver.branches",
        "snapshot_date date, branch_id string, branch_name string, city string, "
        "opened_date date",
        ("snapshot_date",), ("branch_id",), "one branch per snapshot"),
    TableSpec(
        "silver.consent",
        "snapshot_date date, customer_id string, channel string, consent boolean, "
        "do_not_disturb boolean, updated_at timestamp",
        ("snapshot_date",), ("customer_id", "channel"),
        "one customer's marketing consent on one channel per snapshot"),
    TableSpec(
        "silver.party_links",
        "snapshot_date date, person_id string, company_id string, link_type string, "
        "link_types array<string>, source string, confidence double, evidence string, "
        "txn_count long, total_amount_cny double, first_seen_date date, last_seen_date date",
        ("snapshot_date",), ("person_id", "company_id"),
        "one person-company link per snapshot: type, source (crm, inferred, both), confidence"),
    TableSpec(
        "gold.customer_daily", DAILY_DDL, ("business_date",), ("customer_id",),
        "one customer's transaction aggregates of one business date (customers with a "
        "transaction, or named as payer of one); measures in features.columns"),
    TableSpec(
        "gold.customer_windows", WINDOWS_DDL, ("snapshot_date",), ("customer_id",),
        "one customer with a daily row in the last 90 days per snapshot: 30/90-day sums of "
        "every daily measure and last-active dates; the state the nightly features slide on"),
    TableSpec(
        "gold.customer_features", FEATURES_DDL, ("snapshot_date",), ("customer_id",),
        "one customer of silver.customers per snapshot: 30/90-day windows, recency, shares, "
        "attributes, products, balances, linkage; model inputs = features.FEATURE_COLUMNS"),
    TableSpec(
        "gold.propensity_scores",
        "snapshot_date date, customer_id string, customer_type string, product_code string, "
        "propensity double, suitable boolean, model_name string, model_version int, "
        "model_run_id string, reason_features array<string>, reasons array<string>, "
        "reasons_zh array<string>",
        ("snapshot_date",), ("customer_id", "product_code"),
        "one eligible customer x product per snapshot, scored by the product's champion; "
        "reasons / reasons_zh: phrases (models.yaml) in order of contribution, "
        "reason_features: the match glob(s) behind each phrase (models.reasons)"),
    TableSpec(
        "gold.opportunities", OPPORTUNITY_DDL, ("snapshot_date",),
        ("customer_id", "product_code"),
        "one eligible, contactable customer x product per snapshot within the customer's top K: "
        "sources (rule ids, model@version), propensity, value, class, tier, evidence"),
    TableSpec(
        "gold.prompts", PROMPT_DDL, ("business_date",), ("prompt_id",),
        "one prompt of one business date: customer, product, class, tier, role, channel, "
        "organisation, assignee, referral path, pitch and reasons (en, zh), expiry, model "
        "version and rule ids; prompt_id is deterministic"),
    TableSpec(
        "feedback.prompt_events",
        "event_id string, prompt_id string, event_type string, event_ts timestamp, "
        "event_date date, source string, actor_id string, actor_role string, "
        "actor_org_id string, channel string, referred_role string, referred_staff_id string, "
        "referred_org_id string, prompt_date date, customer_id string, product_code string, "
        "assignee_id string, prompt_role string, source_file string, source_line long, "
        "record_hash string",
        ("event_date",), ("event_id",),
        "one workflow event of one prompt, as a downstream system reported it on event_date "
        "(teller system, CRM, digital platform); event_ts is when it happened"),
    TableSpec(
        "feedback.prompt_status",
        "snapshot_date date, prompt_id string, business_date date, expiry_date date, "
        "customer_id string, product_code string, role string, assignee_id string, "
        "referral_path string, status string, status_date date, last_event string, "
        "events int, contacted_date date, referred_role string, referred_staff_id string, "
        "handler_id string, participants array<string>",
        ("snapshot_date",), ("prompt_id",),
        "one prompt of the feedback look-back per snapshot: its workflow state (open, "
        "in_progress, referred, won, lost, expired) as of the snapshot date"),
    TableSpec(
        "perf.credit_ledger",
        "ledger_id string, business_date date, credit_type string, sale_id string, "
        "customer_id string, product_code string, category string, open_date date, "
        "prompt_id string, touched_prompts array<string>, event_ids array<string>, "
        "participant_id string, role string, org_id string, share double, points double, "
        "referral_path string, config_version string",
        ("business_date",), ("ledger_id",),
        "one participant's share of one credited sale (credit_type linked: a prompt's sale; "
        "base: a base product, to the customer's manager), credited on business_date"),
    TableSpec(
        "perf.scorecards",
        "period string, level string, unit_id string, org_id string, role string, "
        "people int, base_points double, threshold double, threshold_met boolean, "
        "linked_points double, counted_points double, team_factor double, "
        "final_points double, as_of date",
        ("period",), ("level", "unit_id"),
        "one member of staff, team (branch x role) or branch per period, as of the latest "
        "business date credited"),
    TableSpec(
        "ops.evaluation_prompts",
        "business_date date, variant string, prompt_id string, expiry_date date, "
        "customer_id string, product_code string, role string, channel string, "
        "assignee_id string, referral_path string, pipeline_fingerprint string",
        ("business_date",),
        ("variant", "prompt_id"),
        "one prompt of an evaluation baseline (oracle, rules_only, random) on one business date: "
        "its own contact history on the next evaluated day (crosslink/evaluation.py)"),
    TableSpec(
        "ops.runs",
        "run_id string, business_date date, step string, source string, status string, "
        "started_at timestamp, finished_at timestamp, seconds double, rows_read long, "
        "rows_written long, rows_quarantined long, rows_duplicate long, message string",
        ("business_date", "step", "source"), ("step", "source"),
        "one step (and source; 'all' when none) of the latest run of a business date",
        volatile=("run_id", "started_at", "finished_at", "seconds")),
]

TABLES: dict[str, TableSpec] = {t.name: t for t in _TABLES}


def table(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known: {sorted(TABLES)}") from None
