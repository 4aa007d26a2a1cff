"""
### crosslink retrain

Weekly (and on demand: trigger it by hand) retraining of the propensity models, as of the
run's business date. `train` and `promote` are `spark-submit jobs/<job>.py --date <business
date>` on the configured Spark connection, like the nightly's tasks.

```
train ─► promote ─► publish_models
```

- **train**: `jobs/train.py --no-promote`: the point-in-time training set from
  gold.customer_features and its labels, one XGBoost challenger per product, evaluated on the
  time-split holdout (AUC, PR-AUC, lift, Brier, and the oracle on generated data), logged to
  MLflow and registered as `crosslink.<product>` with alias `challenger`.
- **promote**: `jobs/promote.py`: the gate: each undecided challenger against the champion on
  the same holdout (`conf/*/models.yaml` promotion margin); decisions logged in MLflow and in
  `reports/<date>/promotion.json`.
- **publish_models**: one asset event per new champion, `crosslink://models/crosslink.<product>`
  (through the alias `crosslink-promoted-models`): DAGs scheduled on a model's asset run when
  it changes. No Spark: it reads the promote job's record.

**Business date**: as in the nightly DAG (logical date in `airflow.timezone` + offset).
Schedule and products: `airflow.retrain` in `conf/*/pipeline.yaml`. Locally:
`crosslink airflow test --dag crosslink_retrain --date D`.
"""

from __future__ import annotations

from airflow.sdk import DAG, CronTriggerTimetable, task

from crosslink.config import load_config
from crosslink.dagkit import (
    BUSINESS_DATE,
    PROMOTED_MODELS,
    START_DATE,
    business_date_macro,
    default_args,
    model_asset,
    spark_job,
)

CONFIG = load_config()                     # small YAML files, validated: no Spark, no network
AIRFLOW = CONFIG.pipeline.airflow
PRODUCTS = ([] if not AIRFLOW.retrain.products
            else ["--products", ",".join(AIRFLOW.retrain.products)])


@task(outlets=[PROMOTED_MODELS])
def publish_models(business_date: str, *, outlet_events=None) -> list[str]:
    """An asset event for each model the date's promote run made champion."""
    from crosslink.promotions import promoted

    published = []
    for decision in promoted(CONFIG.home, business_date):
        outlet_events[PROMOTED_MODELS].add(
            model_asset(decision["product"]),
            extra={"version": decision["challenger_version"], "business_date": business_date,
                   "reason": decision["reason"]})
        published.append(f"crosslink.{decision['product']} v{decision['challenger_version']}")
    print(f"new champions on {business_date}: {', '.join(published) or 'none'}")
    return published


with DAG(
    dag_id="crosslink_retrain",
    schedule=CronTriggerTimetable(AIRFLOW.retrain.schedule, timezone=AIRFLOW.timezone),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,                     # one registry: one retraining at a time
    default_args=default_args(AIRFLOW),
    user_defined_macros={"business_date": business_date_macro(AIRFLOW)},
    doc_md=__doc__,
    tags=["crosslink", "retrain", "spark", "mlflow"],
) as dag:
    train = spark_job(CONFIG, "train", "train", "--no-promote", *PRODUCTS)
    promote = spark_job(CONFIG, "promote", "promote", *PRODUCTS)
    train >> promote >> publish_models(BUSINESS_DATE)
