"""What a quality gate costs: Spark jobs and wall time of each table's suite on its stored
partition, with Data Docs off, then the cost of rendering Data Docs per gate and in one batch.

    .venv/bin/python bench/gate_bench.py --home /path/to/bank --date 2026-01-08 [--repeats 3]

Each table's partition of --date is read from the lake and cached (counted once) so the
figures are the gate's own, not the cost of building the table. Per table: expectations,
Spark jobs the suite runs, median seconds over --repeats. Then the same gates with Data Docs
rendered after each gate (what `quality.validate` does outside `quality.docs_batch`) against
one render for all of them at the end (inside it). The home needs the date's tables
(`bench/build_bank.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TABLES = ("bronze.customers", "bronze.card_pos", "silver.customers", "silver.transactions",
          "silver.party_links", "gold.customer_daily", "gold.customer_windows",
          "gold.customer_features")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tables", nargs="*", default=list(TABLES))
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    from crosslink import quality
    from crosslink.config import load_config
    from crosslink.context import build_context

    config = load_config()
    ctx = build_context(args.date, config)
    quiet = config.pipeline.quality.model_copy(update={"build_data_docs": False})
    docs = config.pipeline.quality.model_copy(update={"build_data_docs": True})
    frames = {}
    for name in args.tables:
        frames[name] = ctx.partition(name, args.date, required=True).persist()
        frames[name].count()
    quality.validate(frames[args.tables[0]], args.tables[0], home=ctx.home, config=quiet,
                     business_date=args.date)            # opens the GX project once

    print(f"{'table':24s} {'rows':>9s} {'checks':>6s} {'jobs':>5s} {'seconds':>8s}")
    total = 0.0
    for name, df in frames.items():
        seconds, jobs = [], 0
        for repeat in range(args.repeats):
            group = f"gate-{name}-{repeat}"
            ctx.spark.sparkContext.setJobGroup(group, group)
            start = time.perf_counter()
            result = quality.validate(df, name, home=ctx.home, config=quiet,
                                      business_date=args.date)
            seconds.append(time.perf_counter() - start)
            jobs = len(ctx.spark.sparkContext.statusTracker().getJobIdsForGroup(group))
        median = statistics.median(seconds)
        total += median
        print(f"{name:24s} {result.rows:>9,} {result.evaluated:>6d} {jobs:>5d} {median:>8.2f}",
              flush=True)
    print(f"{'all gates, docs off':46s} {total:>8.2f}")

    start = time.perf_counter()
    for name, df in frames.items():
        quality.validate(df, name, home=ctx.home, config=docs, business_date=args.date)
    each = time.perf_counter() - start
    start = time.perf_counter()
    with quality.docs_batch(ctx.home):
        for name, df in frames.items():
            quality.validate(df, name, home=ctx.home, config=docs, business_date=args.date)
    batched = time.perf_counter() - start
    print(f"{'all gates, docs after each gate':46s} {each:>8.2f}")
    print(f"{'all gates, docs once (docs_batch)':46s} {batched:>8.2f}")
    print(f"docs per gate: {(each - total) / len(frames):.2f} s rendered each, "
          f"{(batched - total) / len(frames):.2f} s batched")


if __name__ == "__main__":
    main()
