"""Build a benchmark bank: generate it, then run the nights that make its history.

    .venv/bin/python bench/build_bank.py --home /path/to/bank --customers 100000 --days 40 \
        --start 2026-01-05 --nights 30 [--from-date 2026-01-20]

Generates the bank when `--home` has no landing/ yet, then runs ingest, conform and features
(the steps that build history; no scoring or deciding: there is no champion yet) for
`--nights` dates from `--start`, all in one Spark session, printing each night's wall time.
`--from-date` resumes an interrupted build at that date. Then train (`crosslink train`,
`bench/model_quality.py`) and decide and evaluate any date of the history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HISTORY_STEPS = ("ingest", "conform", "features")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--nights", type=int, default=30)
    parser.add_argument("--from-date", type=dt.date.fromisoformat)
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    from crosslink.config import load_config
    from crosslink.context import build_context
    from crosslink.generate import generate_bank
    from crosslink.pipeline import run_steps

    config = load_config()
    if not (args.home / "landing").exists():
        start = time.perf_counter()
        generate_bank(config, args.home, customers=args.customers, days=args.days,
                      seed=args.seed, start=args.start)
        print(f"generated {args.customers:,} customers x {args.days} days "
              f"in {time.perf_counter() - start:.0f} s", flush=True)
    first = args.from_date or args.start
    last = args.start + dt.timedelta(days=args.nights - 1)
    day = first
    while day <= last:
        start = time.perf_counter()
        run_steps(build_context(day, config), HISTORY_STEPS)
        print(f"{day} built in {time.perf_counter() - start:.0f} s", flush=True)
        day += dt.timedelta(days=1)


if __name__ == "__main__":
    main()
