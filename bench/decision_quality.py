"""Decision quality over consecutive days: score, decide and route each date in order, then
evaluate it against the oracle and the baselines (`crosslink evaluate`).

    .venv/bin/python bench/decision_quality.py --home /path/to/bank \
        --dates 2026-01-26 2026-01-27 2026-01-28 \
        [--set policy.arbitration.min_model_propensity=0.005]

The home must hold a generated bank with features for the dates and a champion per product
(`bench/build_bank.py`, then `crosslink train`). Prompts of one day shape the next (open prompts,
weekly caps), so a setting is only judged over consecutive days, each decided under it: the
dates are re-decided in order and their prompts overwritten. Prints each day's evaluation and
the ratios per day, their mean, and the ratios of the expected value summed over the days.
Each baseline lives with its own contact history from the first date on (jobs/evaluate.py).
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

DECISION_STEPS = ("score", "decide", "route")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--dates", required=True, nargs="+", type=dt.date.fromisoformat)
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        help="FILE.KEY=VALUE, as for crosslink --set")
    parser.add_argument("--quiet", action="store_true", help="only the ratios, not each table")
    parser.add_argument("--keep-scores", action="store_true",
                        help="the dates are scored already (by the same champions): decide only")
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    from crosslink.cli import merge_overrides, parse_override
    from crosslink.config import load_config
    from crosslink.context import build_context, run_job
    from crosslink.pipeline import run_steps
    from jobs import evaluate

    config = load_config(overrides=merge_overrides([parse_override(o) for o in args.overrides]))
    rows, values = [], []
    for day in sorted(args.dates):
        start = time.perf_counter()
        steps = DECISION_STEPS[1:] if args.keep_scores else DECISION_STEPS
        run_steps(build_context(day, config), steps)
        result = run_job(build_context(day, config), evaluate.run)
        if not args.quiet:
            print(result.describe(), "\n", flush=True)
        rows.append((day, result.get("pipeline").prompts, result.ratio("pipeline", "oracle"),
                     result.ratio("pipeline", "rules_only"), result.ratio("pipeline", "random"),
                     time.perf_counter() - start))
        values.append({r.variant: r.expected_value for r in result.results})
    print(f"settings: {' '.join(args.overrides) or 'defaults'}")
    print(f"{'date':12s} {'prompts':>8s} {'/ oracle':>9s} {'/ rules':>8s} {'/ random':>9s} "
          f"{'seconds':>8s}")
    for day, prompts, oracle, rules, rand, seconds in rows:
        print(f"{day.isoformat():12s} {prompts:>8,} {oracle:>9.3f} {rules:>7.2f}x "
              f"{rand:>8.2f}x {seconds:>8.0f}")
    means = [statistics.mean(r[k] for r in rows) for k in (2, 3, 4)]
    print(f"{'mean':12s} {'':>8s} {means[0]:>9.3f} {means[1]:>7.2f}x {means[2]:>8.2f}x")
    total = {name: sum(v[name] for v in values) for name in values[0]}
    print(f"{'all days':12s} {sum(r[1] for r in rows):>8,} "
          f"{total['pipeline'] / total['oracle']:>9.3f} "
          f"{total['pipeline'] / total['rules_only']:>7.2f}x "
          f"{total['pipeline'] / total['random']:>8.2f}x   (expected value summed over the days)")


if __name__ == "__main__":
    main()
