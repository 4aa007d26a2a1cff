"""Write the nightly run summary for a business date: the run log and what each table holds.

    spark-submit jobs/report.py --date 2026-01-05

Reads ops.runs (every step of the date, latest attempt) and each lake table's row count in
the date's partition (from the Delta log), then prints the summary and writes it to
`$CROSSLINK_HOME/reports/<date>/nightly.md` (replaced on a rerun). The report is a step of
its own in ops.runs (`report`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crosslink.context import JobContext, run_for_date
from crosslink.runs import NO_SOURCE
from crosslink.tables import TABLES


def collect_runs(ctx: JobContext) -> list[dict]:
    """The date's ops.runs rows in the order the steps started."""
    if not ctx.lake.exists("ops.runs"):
        return []
    rows = ctx.lake.read("ops.runs", where={"business_date": ctx.business_date}).collect()
    return sorted((r.asDict() for r in rows),
                  key=lambda r: (r["started_at"], r["step"], r["source"]))


def collect_tables(ctx: JobContext) -> list[dict]:
    """Every existing table: its partition column, rows in the date's partition, version."""
    tables = []
    for name, spec in TABLES.items():
        if not ctx.lake.exists(name):
            continue
        column = spec.partition_by[0]
        rows = ctx.lake.count(name, where={column: _partition_of(ctx, column)})
        tables.append({"table": name, "partition": column, "rows": rows,
                       "version": ctx.lake.version(name)})
    return tables


def _partition_of(ctx: JobContext, column: str):
    """The date's partition value: the date, or for perf.scorecards the credit period."""
    if column != "period":
        return ctx.business_date
    day = ctx.business_date
    if ctx.config.credit.thresholds.period == "month":
        return f"{day:%Y-%m}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _rate(run: dict) -> str:
    read = run.get("rows_read") or 0
    return f"{run['rows_quarantined'] / read:.2%}" if read else ""


def _label(run: dict) -> str:
    return run["step"] if run["source"] == NO_SOURCE else f"{run['step']} {run['source']}"


def _cell(value) -> str:
    text = f"{value:,}" if isinstance(value, int) else str(value if value is not None else "")
    return text.replace("|", "\\|").replace("\n", " ")[:200]


def render(business_date: dt.date, runs: list[dict], tables: list[dict]) -> str:
    """The report as Markdown. Pure: the same runs and tables give the same text."""
    failed = [r for r in runs if r["status"] != "success"]
    if not runs:
        status = "no steps recorded"
    elif failed:
        status = (f"FAILED — {len(failed)} of {len(runs)} steps did not succeed: "
                  + ", ".join(_label(r) for r in failed))
    else:
        status = f"success — {len(runs)} of {len(runs)} steps succeeded"
    lines = [f"# crosslink nightly — {business_date.isoformat()}", "", f"Status: {status}", "",
             "## Steps (ops.runs)", "",
             "| step | source | status | rows read | rows written | quarantined | rate "
             "| duplicates | seconds | message |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|---|"]
    for r in runs:
        source = "" if r["source"] == NO_SOURCE else r["source"]
        lines.append("| " + " | ".join(_cell(v) for v in (
            r["step"], source, r["status"], r["rows_read"], r["rows_written"],
            r["rows_quarantined"], _rate(r), r["rows_duplicate"], f"{r['seconds']:.1f}",
            r["message"])) + " |")
    lines += ["", f"## Tables (rows in the {business_date.isoformat()} partition)", "",
              "| table | partition | rows | version |", "|---|---|--:|--:|"]
    for t in tables:
        lines.append("| " + " | ".join(_cell(v) for v in (
            t["table"], t["partition"], t["rows"], t["version"])) + " |")
    return "\n".join(lines) + "\n"


def report_path(home: Path, business_date: dt.date) -> Path:
    return Path(home) / "reports" / business_date.isoformat() / "nightly.md"


def run(ctx: JobContext) -> Path:
    with ctx.run_log.step("report") as rec:
        runs = [r for r in collect_runs(ctx)
                if r["step"] != "report" and not r["step"].startswith("maintenance.")]
        text = render(ctx.business_date, runs, collect_tables(ctx))
        path = report_path(ctx.home, ctx.business_date)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)                      # readers never see half a report
        print(text)
        rec.message = str(path)
    return path


def main(argv: list[str] | None = None) -> None:
    print(f"report: {run_for_date(__doc__, run, argv)}")


if __name__ == "__main__":
    main()
