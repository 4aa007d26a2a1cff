"""Link inference over its look-back window: from silver.link_evidence (the nightly path)
against every leg of silver.transactions (the path before it), for growing windows.

    .venv/bin/python bench/link_window_bench.py --home /path/to/bank --date 2026-01-12 \
        [--repeats 3]

For windows ending on --date of 1, 2, 4, ... days up to what the home holds (at most
`linkage.lookback_days`): the rows each path scans, the median seconds of inferring and
combining the links (counted) each way, their ratio, and the seconds a day of window adds to
each path (least squares over the windows), with what that makes of the full window. Both
paths must give the same links (checked at every length). The home must have run conform
with silver.link_evidence for those days (a bank built by bench/build_bank.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    from crosslink import linkage
    from crosslink.config import load_config
    from crosslink.context import build_context

    config = load_config()
    ctx = build_context(args.date, config)
    cfg = config.pipeline
    held = sorted(dt.date.fromisoformat(d) for d in
                  ctx.lake.partition_values("silver.link_evidence", "business_date"))
    held = [d for d in held if args.date - dt.timedelta(days=cfg.linkage.lookback_days) < d
            <= args.date]
    if not held:
        raise SystemExit(f"{args.home}: no silver.link_evidence up to {args.date}; run conform")
    customers = ctx.partition("silver.customers").persist()
    crm = ctx.partition("bronze.crm_links").persist()

    def links(legs):
        return linkage.combine_links(
            crm, linkage.infer_links(legs, customers, cfg.linkage, cfg.conform), args.date)

    def timed(legs) -> tuple[float, int]:
        seconds, count = [], 0
        for _ in range(args.repeats):
            start = time.perf_counter()
            count = links(legs).count()
            seconds.append(time.perf_counter() - start)
        return statistics.median(seconds), count

    span = (args.date - held[0]).days + 1
    lengths = sorted({*(2 ** i for i in range(span.bit_length()) if 2 ** i <= span), span})
    timed(ctx.between("silver.transactions", args.date))          # warm-up: JIT, caches
    print(f"{'days':>5s} {'legs':>11s} {'evidence':>10s} {'s legs':>8s} {'s evidence':>10s} "
          f"{'ratio':>6s} {'links':>7s}")
    rows = []
    for days in lengths:
        first = args.date - dt.timedelta(days=days - 1)
        legs = ctx.between("silver.transactions", first)
        evidence = ctx.between("silver.link_evidence", first)
        same = links(legs).exceptAll(links(evidence)).count() + \
            links(evidence).exceptAll(links(legs)).count() == 0
        if not same:
            raise SystemExit(f"{days} days: the two paths give different links")
        (s_legs, n), (s_evidence, _) = timed(legs), timed(evidence)
        rows.append((days, s_legs, s_evidence))
        print(f"{days:>5d} {legs.count():>11,} {evidence.count():>10,} {s_legs:>8.2f} "
              f"{s_evidence:>10.2f} {s_legs / s_evidence:>6.2f} {n:>7,}", flush=True)
    if len(rows) > 1:
        days = np.array([r[0] for r in rows], dtype=float)
        full = cfg.linkage.lookback_days
        for name, column in (("every leg", 1), ("evidence", 2)):
            slope, base = np.polyfit(days, [r[column] for r in rows], 1)
            print(f"{name:>9s}: {slope:.3f} s a day of window; {full} days: "
                  f"{base + slope * full:.1f} s")


if __name__ == "__main__":
    main()
