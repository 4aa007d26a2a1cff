"""Generate an N-customer bank (default 1M) and run ingest + conform for one day.

    .venv/bin/python bench/ingest_conform_bench.py --customers 1000000 --days 1

Prints wall time per step, rows per second and the peak memory of the whole process tree
(Python driver + Spark JVM). Home: --home (default var/bench-<customers>).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import PeakMemory, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--reuse", action="store_true", help="skip generation if landed")
    args = parser.parse_args()
    home = (args.home or Path("var") / f"bench-{args.customers}").resolve()
    os.environ["CROSSLINK_HOME"] = str(home)

    from crosslink.config import load_config
    from crosslink.context import build_context
    from crosslink.generate import generate_bank
    from jobs import conform, ingest

    config = load_config(overrides={"pipeline": {"quality": {"build_data_docs": False}}})
    start = config.generator.start
    last = start + dt.timedelta(days=args.days - 1)
    steps: list[tuple[str, float]] = []
    with PeakMemory() as memory:
        if not (args.reuse and (home / "landing" / last.isoformat()).exists()):
            with timed("generate", steps):
                generate_bank(config, home, customers=args.customers, days=args.days,
                              seed=args.seed)
        for offset in range(args.days):
            ctx = build_context(start + dt.timedelta(days=offset), config)
            with timed(f"ingest  {ctx.business_date}", steps):
                counts = ingest.run(ctx)
            with timed(f"conform {ctx.business_date}", steps):
                conform.run(ctx)
    rows = sum(c.rows_read for c in counts.values())
    print(f"\nbank: {args.customers:,} customers, {args.days} day(s); last day {rows:,} "
          f"source records ({sum(counts[s].rows_read for s in conform.TRANSACTION_SOURCES):,}"
          f" transactions)")
    for label, seconds in steps:
        print(f"{label:24s} {seconds:8.1f} s")
    ingest_s = next(s for label, s in reversed(steps) if label.startswith("ingest"))
    print(f"ingest throughput (last day): {rows / ingest_s:,.0f} records/s")
    print(f"peak memory (driver + JVM): {memory.peak / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
