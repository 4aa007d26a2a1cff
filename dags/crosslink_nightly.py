"""
### crosslink nightly

The day's source extracts → bronze (gated) → silver → customer features → scores → decided,
routed and checked prompts → published exports, then a run report. Every task is
`spark-submit jobs/<step>.py --date <business date>` on the configured Spark connection; the
jobs hold the logic and are rerunnable for a date (a rerun replaces that date's output).

```
ingest_<source> (parallel) ─► gate_bronze ─► conform ─► feedback ─► features ─► score
    ─► decide ─► route ─► gate_gold ─► publish ─► report
                                        feedback ─► credit ─► report
```

- **ingest_<source>**: `jobs/ingest.py --source <source>`: landing → `bronze.<source>`, bad
  records → `bronze.quarantine` (`airflow.ingest_task_per_source: false` makes it one
  `ingest` task for every source: one Spark JVM, for small machines).
- **gate_bronze**: `jobs/gate.py --layer bronze`: every source ingested, quarantine rates,
  lake vs run log, each bronze partition against its suite (results go to Data Docs).
- **conform**: `jobs/conform.py`: bronze → silver; publishes `crosslink://lake/silver/transactions`.
- **feedback**: `jobs/feedback.py`: the teller system's, CRM's and digital platform's reports
  on earlier prompts (same ingest, quarantine and bronze gate) → feedback.prompt_events and
  each prompt's workflow state (feedback.prompt_status); declines start cooldowns for decide.
- **credit**: `jobs/credit.py`: the day's openings attributed to prompts and split among the
  people who worked them → perf.credit_ledger, and the period's perf.scorecards. It runs
  beside the prompt steps, so a late ledger never holds up the morning's prompts.
- **features**: `jobs/customer_features.py`: gold.customer_daily, customer_windows (slid on by
  one day) and customer_features, each gated by its suite.
- **score**: `jobs/score.py`: every champion model → gold.propensity_scores with reasons.
- **decide**: `jobs/decide.py`: rules + scores, eligibility, contact policy, value, top K,
  tiers → gold.opportunities.
- **route**: `jobs/route.py`: roles, channels, people within capacity, pitches → gold.prompts
  (suite and invariants checked before writing).
- **gate_gold**: `jobs/gate.py --layer gold`: the output checks: runs vs lake, suites and
  invariants on the stored partitions. A failure here stops publishing.
- **publish**: `jobs/export.py`: exports per channel × role and per branch; publishes the asset
  `crosslink://lake/gold/prompts`, which downstream DAGs can be scheduled on.
- **report**: `jobs/report.py`: `$CROSSLINK_HOME/reports/<date>/nightly.md`.

**Business date** = the run's logical date, as a calendar day in `airflow.timezone`, plus
`airflow.business_date_offset_days` (a run due at 01:30 on the 6th processes the 5th).
Schedule, retries, timeouts and the connection come from `conf/*/pipeline.yaml` (`airflow:`).
Locally: `crosslink airflow test --date D` (no scheduler) or `crosslink airflow ui`.
"""

from __future__ import annotations

from airflow.sdk import DAG, CronTriggerTimetable, chain

from crosslink.config import load_config
from crosslink.dagkit import START_DATE, business_date_macro, default_args, spark_job, table_asset
from crosslink.sources import SOURCES

CONFIG = load_config()                     # small YAML files, validated: no Spark, no network
AIRFLOW = CONFIG.pipeline.airflow

with DAG(
    dag_id="crosslink_nightly",
    schedule=CronTriggerTimetable(AIRFLOW.schedule, timezone=AIRFLOW.timezone),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,                     # nights write the same tables: one at a time
    max_active_tasks=AIRFLOW.max_active_tasks,
    default_args=default_args(AIRFLOW),
    user_defined_macros={"business_date": business_date_macro(AIRFLOW)},
    doc_md=__doc__,
    tags=["crosslink", "nightly", "spark"],
) as dag:
    if AIRFLOW.ingest_task_per_source:
        ingest = [spark_job(CONFIG, f"ingest_{source}", "ingest", "--source", source)
                  for source in SOURCES]
    else:
        ingest = [spark_job(CONFIG, "ingest", "ingest")]

    feedback = spark_job(CONFIG, "feedback", "feedback")
    report = spark_job(CONFIG, "report", "report")
    chain(
        ingest,
        spark_job(CONFIG, "gate_bronze", "gate", "--layer", "bronze"),
        spark_job(CONFIG, "conform", "conform", outlets=[table_asset("silver.transactions")]),
        feedback,
        spark_job(CONFIG, "features", "customer_features"),
        spark_job(CONFIG, "score", "score"),
        spark_job(CONFIG, "decide", "decide"),
        spark_job(CONFIG, "route", "route"),
        spark_job(CONFIG, "gate_gold", "gate", "--layer", "gold"),
        spark_job(CONFIG, "publish", "export", outlets=[table_asset("gold.prompts")]),
        report,
    )
    chain(feedback, spark_job(CONFIG, "credit", "credit"), report)
