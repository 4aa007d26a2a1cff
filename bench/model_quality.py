"""Model quality on a generated bank: per product AUC against the oracle AUC (the generator's
true propensities scored on the same holdout), lift at the top decile, holdout positives.

    .venv/bin/python bench/model_quality.py --home /path/to/bank --date 2026-01-26 --horizon 7

The home must hold a generated bank run through the nightly pipeline (`crosslink generate`
+ `crosslink nightly --all`). Trains challengers as of --date (`--no-promote` by default, so
a bench never moves a champion) and prints the table with the gap to the oracle; products with
at least --min-positives holdout positives must come within --tolerance of it. cap@1% and
cap@10%: the share of the true propensity of the truly likeliest 1% / 10% of the holdout that
the model's own top 1% / 10% hold (`models.metrics.truth_capture`): what a capacity-bound
sales force gets, free of the positives' noise. E-gap: the same gap between expected AUCs
(`models.metrics.expected_auc`: over every draw of the labels from the truth), free of that
noise too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--date", required=True)
    parser.add_argument("--horizon", type=int, default=7)
    parser.add_argument("--min-positives", type=int, default=100)
    parser.add_argument("--tolerance", type=float, default=0.03)
    parser.add_argument("--promote", action="store_true")
    parser.add_argument("--products", type=lambda s: [p for p in s.split(",") if p],
                        help="comma-separated product codes (default: every product)")
    parser.add_argument("--set", action="append", default=[], metavar="FILE.KEY=VALUE",
                        help="a one-off config value, as for crosslink --set, e.g. "
                             "models.train.train_snapshots=24")
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    import numpy as np

    from crosslink.cli import merge_overrides, parse_override
    from crosslink.config import load_config
    from crosslink.context import build_context, parse_date, run_job
    from jobs import train

    config = load_config(overrides=merge_overrides([parse_override(s) for s in args.set]))
    ctx = build_context(parse_date(args.date), config)
    start = time.perf_counter()
    outcomes = run_job(ctx, train.run, args.products, args.horizon, args.promote)
    seconds = time.perf_counter() - start
    print(train.report(outcomes))
    print(f"\ntrained as of {args.date}, horizon {args.horizon} days, in {seconds:.0f} s")
    print(f"\n{'product':22s} {'holdout pos':>11s} {'AUC':>6s} {'oracle':>6s} {'gap':>6s} "
          f"{'E-gap':>6s} {'lift@10':>7s} {'cap@1%':>6s} {'cap@10%':>7s}  check")
    failures = 0
    for o in outcomes:
        if o.version is None:
            continue
        m = o.metrics
        gap = m["oracle_auc"] - m["auc"]
        judged = m["positives"] >= args.min_positives
        ok = gap <= args.tolerance
        failures += judged and not ok
        check = ("PASS" if ok else "FAIL") if judged else "(too few positives to judge)"
        print(f"{o.product:22s} {int(m['positives']):>11d} {m['auc']:>6.3f} "
              f"{m['oracle_auc']:>6.3f} {gap:>6.3f} {expected_gap(m):>6.3f} "
              f"{m['lift_top_decile']:>7.2f} "
              f"{m['truth_capture_top_percent']:>6.2f} {m['truth_capture_top_decile']:>7.2f}"
              f"  {check}")
    judged = [o for o in outcomes if o.version and o.metrics["positives"] >= args.min_positives]
    gaps = [o.metrics["oracle_auc"] - o.metrics["auc"] for o in judged]
    if gaps:
        print(f"\n{len(judged)} products judged: median gap {np.median(gaps):.3f}, "
              f"max gap {max(gaps):.3f}, {failures} over {args.tolerance}; median E-gap "
              f"{np.median([expected_gap(o.metrics) for o in judged]):.3f}")
    raise SystemExit(1 if failures else 0)


def expected_gap(m: dict) -> float:
    return m["oracle_expected_auc"] - m["expected_auc"]


if __name__ == "__main__":
    main()
