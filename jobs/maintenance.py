"""Weekly upkeep of CROSSLINK_HOME as of a date: compact and vacuum every table, drop old files.

    spark-submit jobs/maintenance.py --date 2026-01-11 [--step compact|vacuum|clean ...]

- `compact`: every registry table that exists gets its small files rewritten into few large
  ones (`Lake.compact`: one new Delta version, same rows).
- `vacuum`: files no version within `airflow.maintenance.vacuum_retention_hours` needs, and
  staging leftovers of crashed writes, are deleted (`Lake.vacuum`). Time travel reaches back
  as far as the retention.
- `clean`: `landing/<d>/` and `exports/<d>/` folders and Great Expectations validation results
  (with their Data Docs pages) of business dates `d` older than the configured days before
  `--date` are deleted; Data Docs are rebuilt when anything went.

Cut-offs count from `--date`, never from the clock, so a rerun of the same date removes the
same things. Each step is a row of ops.runs (`maintenance.<step>`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from crosslink.config import MaintenanceConfig
from crosslink.context import JobContext, build_context, parse_date
from crosslink.tables import TABLES

DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
GX_RESULTS = ("gx/uncommitted/validations", "gx/uncommitted/data_docs/local_site/validations")


def _settings(ctx: JobContext) -> MaintenanceConfig:
    return ctx.config.pipeline.airflow.maintenance


def compact(ctx: JobContext) -> dict[str, dict]:
    out = {}
    for name in TABLES:
        if ctx.lake.exists(name):
            out[name] = ctx.lake.compact(name)
            print(f"compact {name:24s} +{out[name]['files_added']} "
                  f"-{out[name]['files_removed']} files")
    return out


def vacuum(ctx: JobContext) -> dict[str, int]:
    hours = _settings(ctx).vacuum_retention_hours
    out = {}
    for name in TABLES:
        if ctx.lake.exists(name):
            out[name] = len(ctx.lake.vacuum(name, retention_hours=hours))
            print(f"vacuum  {name:24s} {out[name]} files deleted (retention {hours} h)")
    return out


def dated_dirs_before(root: Path, pattern: str, cutoff: dt.date) -> list[Path]:
    """Folders matching `root/pattern` whose name is a date before `cutoff`, sorted."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob(pattern)
                  if p.is_dir() and DATE_DIR.match(p.name)
                  and dt.date.fromisoformat(p.name) < cutoff)


def old_files(home: Path, as_of: dt.date, settings: MaintenanceConfig) -> list[Path]:
    """What `clean` deletes as of a date: landing and export days, validation result days
    (`<layer>/<table>/<business date>/` under the GX stores and Data Docs)."""
    def before(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    found = dated_dirs_before(home / "landing", "*", before(settings.landing_keep_days))
    found += dated_dirs_before(home / "exports", "*", before(settings.exports_keep_days))
    for results in GX_RESULTS:
        found += dated_dirs_before(home / results, "*/*/*",
                                   before(settings.validations_keep_days))
    return found


def clean(ctx: JobContext) -> list[Path]:
    doomed = old_files(ctx.home, ctx.business_date, _settings(ctx))
    for path in doomed:
        shutil.rmtree(path)
        print(f"clean   {path.relative_to(ctx.home)}")
    if doomed and ctx.config.pipeline.quality.build_data_docs:
        from crosslink import quality

        print(f"data docs rebuilt: {quality.build_data_docs(ctx.home)}")
    print(f"clean   {len(doomed)} folder(s) deleted")
    return doomed


STEPS: dict[str, Callable[[JobContext], object]] = {
    "compact": compact,
    "vacuum": vacuum,
    "clean": clean,
}


def _summary(step: str, result) -> str:
    if step == "compact":
        return (f"{len(result)} tables: {sum(r['files_removed'] for r in result.values())} "
                f"files rewritten into {sum(r['files_added'] for r in result.values())}")
    if step == "vacuum":
        return f"{len(result)} tables: {sum(result.values())} files deleted"
    return f"{len(result)} folders deleted"


def run(ctx: JobContext, steps: list[str] | None = None) -> dict[str, object]:
    """Run the steps in order; each writes its own ops.runs row as soon as it ends (so the
    write replaces that step's row only, never the nightly's rows of the date)."""
    results = {}
    for step in steps or list(STEPS):
        try:
            with ctx.run_log.step(f"maintenance.{step}") as rec:
                results[step] = STEPS[step](ctx)
                rec.message = _summary(step, results[step])
        finally:
            ctx.run_log.flush()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date,
                        help="as-of business date: clean-up cut-offs count back from it")
    parser.add_argument("--step", action="append", choices=list(STEPS),
                        help="only these steps (repeatable); default: all, in order")
    args = parser.parse_args(argv)
    run(build_context(args.date), args.step)


if __name__ == "__main__":
    main()
