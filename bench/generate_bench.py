"""Wall time, throughput and peak memory of the synthetic bank generator.

    .venv/bin/python bench/generate_bench.py --customers 10000 --days 30
    .venv/bin/python bench/generate_bench.py --customers 1000000 --days 1 --home /tmp/bank1m

Not a test: it prints figures for a given size (the machine is shared; run big sizes alone).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from crosslink.config import load_config
from crosslink.generate import generate_bank
from crosslink.sources import TRANSACTION_SOURCES


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--home", type=Path, default=None,
                    help="where to write (default: a temporary directory, removed after)")
    ap.add_argument("--quiet", action="store_true", help="no per-day progress lines")
    args = ap.parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="crosslink-bench-"))
    config = load_config()
    t0 = time.perf_counter()
    summary = generate_bank(config, home, customers=args.customers, days=args.days,
                            seed=args.seed, progress=None if args.quiet else print)
    wall = time.perf_counter() - t0
    rows = sum(sum(day.values()) for day in summary["files"].values())
    txns = sum(day[s] for day in summary["files"].values() for s in TRANSACTION_SOURCES)
    size = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux
    print(f"customers={summary['customers']} days={summary['days']} home={home}")
    print(f"wall time        {wall:9.1f} s")
    print(f"records written  {rows:>11,d}  ({rows / wall:,.0f} rows/s)")
    print(f"transactions     {txns:>11,d}  ({txns / wall:,.0f} txns/s, "
          f"{txns / summary['days']:,.0f} per day)")
    print(f"bytes written    {size / 2**20:9.1f} MiB")
    print(f"peak RSS         {peak_kib / 2**20:9.2f} GiB")
    print(f"defects {summary['defects']:,d}  openings {summary['openings']:,d}")
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
