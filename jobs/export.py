"""Exports of a day's prompts for downstream systems: per channel and role, and per branch.

    spark-submit jobs/export.py --date 2026-01-05

Reads the date's gold.prompts (already checked by the decide job) and writes, under
`$CROSSLINK_HOME/exports/<date>/`:

    <channel>/<role>.csv  and  .parquet      the list one channel x role works from
    branches/<branch>.csv                    a branch's own prompts, every role
    manifest.json                            files, rows, and the prompts' content checksum

Customer identifiers are masked (`mask_id`: first two and last three characters); the
prompt_id is the key downstream systems answer with (feedback). Each file holds only its own
slice, so each branch and role sees only its prompts. A rerun rewrites the date's folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from crosslink.context import JobContext, run_for_date

PROMPTS = "gold.prompts"
COLUMNS = ("prompt_id", "business_date", "expiry_date", "customer_ref", "customer_type",
           "segment", "branch_id", "product_code", "category", "class", "tier", "value",
           "role", "channel", "org_id", "assignee_id", "referral_path", "pitch_en", "pitch_zh",
           "reasons_en", "reasons_zh", "model_name", "model_version", "rule_ids")


def mask_id(customer_id: str) -> str:
    """P0001234 -> P0***234: enough for staff to match a face, not to look anyone up."""
    text = str(customer_id)
    return text[:2] + "*" * max(len(text) - 5, 3) + text[-3:] if len(text) > 5 else "***"


def to_export(prompts: pd.DataFrame) -> pd.DataFrame:
    """The exported columns, ids masked, lists joined for CSV readers."""
    out = prompts.assign(customer_ref=prompts["customer_id"].map(mask_id))
    out = out.sort_values(["channel", "role", "assignee_id", "value", "prompt_id"],
                          ascending=[True, True, True, False, True], kind="stable")
    return out[list(COLUMNS)].reset_index(drop=True)


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    lists = ("reasons_en", "reasons_zh", "rule_ids")
    return frame.assign(**{c: frame[c].map(lambda v: "; ".join(v) if v is not None else "")
                           for c in lists})


def write_exports(prompts: pd.DataFrame, folder: Path) -> dict[str, int]:
    """Write every slice (see module doc); returns {relative file: rows}."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    exported = to_export(prompts)
    files: dict[str, int] = {}
    for (channel, role), part in exported.groupby(["channel", "role"], sort=True):
        base = folder / channel / role
        base.parent.mkdir(parents=True, exist_ok=True)
        part.to_parquet(base.with_suffix(".parquet"), index=False)
        _csv_ready(part).to_csv(base.with_suffix(".csv"), index=False)
        files[f"{channel}/{role}.csv"] = files[f"{channel}/{role}.parquet"] = len(part)
    for branch, part in exported.groupby("branch_id", sort=True, dropna=False):
        path = folder / "branches" / f"{branch if isinstance(branch, str) else 'none'}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        _csv_ready(part).to_csv(path, index=False)
        files[str(path.relative_to(folder))] = len(part)
    return files


def run(ctx: JobContext) -> dict[str, int]:
    day = ctx.business_date
    with ctx.run_log.step("publish") as rec:
        prompts = ctx.lake.read(PROMPTS, where={"business_date": day}).toPandas()
        folder = ctx.home / "exports" / day.isoformat()
        files = write_exports(prompts, folder)
        manifest = {"business_date": day.isoformat(), "prompts": len(prompts),
                    "table_version": ctx.lake.version(PROMPTS), "files": files}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        rec.rows_read = len(prompts)
        rec.rows_written = sum(n for f, n in files.items() if f.endswith(".parquet"))
        rec.message = f"{len(files)} files under exports/{day}"
    return files


def main(argv: list[str] | None = None) -> None:
    print(f"{len(run_for_date(__doc__, run, argv))} export files")


if __name__ == "__main__":
    main()
