"""
### crosslink maintenance

Weekly upkeep of `$CROSSLINK_HOME`: every task is `spark-submit jobs/maintenance.py --date
<as-of date> --step <step>` on the configured Spark connection.

```
compact_tables ─► vacuum_tables        clean_old_files
```

- **compact_tables**: every lake table in the registry: small files rewritten into few large
  ones (Delta `optimize.compact()`; same rows, one new version).
- **vacuum_tables**: files no version within `airflow.maintenance.vacuum_retention_hours`
  needs are deleted, with staging leftovers of crashed writes.
- **clean_old_files**: `landing/<date>/`, `exports/<date>/` and Great Expectations validation
  results older than the configured days before the as-of date are deleted.

**As-of date** = the run's logical date, as a calendar day in `airflow.timezone`, plus
`airflow.business_date_offset_days` (the nightly's last business date). Cut-offs count back
from it, never from the clock. Schedule and limits: `airflow.maintenance` in
`conf/*/pipeline.yaml`.
"""

from __future__ import annotations

from airflow.sdk import DAG, CronTriggerTimetable

from crosslink.config import load_config
from crosslink.dagkit import START_DATE, business_date_macro, default_args, spark_job

CONFIG = load_config()                     # small YAML files, validated: no Spark, no network
AIRFLOW = CONFIG.pipeline.airflow


def maintenance_step(task_id: str, step: str):
    """`spark-submit jobs/maintenance.py --date <as-of date> --step <step>` as a task."""
    return spark_job(CONFIG, task_id, "maintenance", "--step", step)


with DAG(
    dag_id="crosslink_maintenance",
    schedule=CronTriggerTimetable(AIRFLOW.maintenance.schedule, timezone=AIRFLOW.timezone),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=default_args(AIRFLOW),
    user_defined_macros={"business_date": business_date_macro(AIRFLOW)},
    doc_md=__doc__,
    tags=["crosslink", "maintenance", "spark"],
) as dag:
    compact = maintenance_step("compact_tables", "compact")
    vacuum = maintenance_step("vacuum_tables", "vacuum")
    clean = maintenance_step("clean_old_files", "clean")

    compact >> vacuum          # vacuum then drops what compaction replaced, once out of retention
