"""Build a benchmark bank: generate it, then run the nights that make its history.

    .venv/bin/python bench/build_bank.py --home /path/to/bank --customers 100000 --days 56 \
        --start 2026-01-05 --nights 54 [--from-date 2026-01-20] [--extend]

Generates the bank when `--home` has no landing/ yet, then runs ingest, conform and features
(the steps that build history; no scoring or deciding: there is no champion yet) for `--nights`
dates from `--start`, all in one Spark session, printing each night's wall time and its
steps'. Run again, it resumes after the last night whose features were written (an interrupted
night is rerun whole: every step replaces its date's partitions); `--from-date` starts
elsewhere. Then train (`crosslink train`, `bench/model_quality.py`) and decide and evaluate
any date of the history.

`--extend` lengthens a built bank to `--days` (same --customers, --seed, --start): the
generator replays the same seed's days byte for byte whatever the length
(tests/generate/test_determinism.py), so the bank is regenerated aside, its first days are
checked identical to the home's, and the new days' landing folders and the longer truth
(openings, link evidence and defects of every day) move in; then `--from-date` runs the nights.

Give the models history: a 30-day window is only full from the 30th night, and a model
trained on snapshots whose windows are still filling learns thresholds that today's full
windows overshoot (on the 100k bank, training snapshots with 11-22 days of history instead of
1-8 halved the credit-card AUC gap to the oracle, 0.111 -> 0.057). Judge models trained on
snapshots with about 30 days behind them: e.g. --days 56 --nights 54, train as of 2026-02-24
(training snapshots 01-29..02-09), decide and evaluate 02-25..02-27.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
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
    parser.add_argument("--extend", action="store_true",
                        help="lengthen the home's generated bank to --days (module doc)")
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    from crosslink.config import load_config
    from crosslink.context import build_context
    from crosslink.generate import generate_bank
    from crosslink.pipeline import run_steps

    config = load_config()
    if args.extend:
        extend(args.home, lambda aside: generate_bank(
            config, aside, customers=args.customers, days=args.days, seed=args.seed,
            start=args.start))
    elif not (args.home / "landing").exists():
        start = time.perf_counter()
        generate_bank(config, args.home, customers=args.customers, days=args.days,
                      seed=args.seed, start=args.start)
        print(f"generated {args.customers:,} customers x {args.days} days "
              f"in {time.perf_counter() - start:.0f} s", flush=True)
    first = args.from_date or _next_unbuilt(args.home, args.start)
    last = args.start + dt.timedelta(days=args.nights - 1)
    day = first
    while day <= last:
        start = time.perf_counter()
        steps = run_steps(build_context(day, config), HISTORY_STEPS)
        print(f"{day} built in {time.perf_counter() - start:.0f} s ("
              + ", ".join(f"{s.step} {s.seconds:.0f}" for s in steps) + ")", flush=True)
        day += dt.timedelta(days=1)


def _next_unbuilt(home: Path, start: dt.date) -> dt.date:
    """The day after the last night with gold.customer_features written, else `start`."""
    from deltalake import DeltaTable

    table = home / "lake" / "gold" / "customer_features"
    if not (table / "_delta_log").exists():
        return start
    built = [dt.date.fromisoformat(p["snapshot_date"]) for p in DeltaTable(str(table)).partitions()]
    return max(built) + dt.timedelta(days=1) if built else start


def extend(home: Path, generate) -> None:
    """Regenerate the bank aside with `generate(path)`, check the home's days are replayed
    identically, then move the new days and the longer truth in."""
    start = time.perf_counter()
    aside = home.with_name(home.name + ".extending")
    if aside.exists():
        shutil.rmtree(aside)
    generate(aside)
    have = sorted(p.name for p in (home / "landing").iterdir())
    for day in have:
        for source in (aside / "landing" / day).iterdir():
            if _md5(source) != _md5(home / "landing" / day / source.name):
                raise SystemExit(f"{source}: differs from the home's; is it the same "
                                 "--customers, --seed and --start?")
    new = sorted(p.name for p in (aside / "landing").iterdir() if p.name not in have)
    for day in new:
        shutil.move(str(aside / "landing" / day), str(home / "landing" / day))
    for truth in (aside / "truth").iterdir():
        shutil.move(str(truth), str(home / "truth" / truth.name))
    shutil.rmtree(aside)
    print(f"extended by {len(new)} days ({new[0] if new else '-'} .. "
          f"{new[-1] if new else '-'}) in {time.perf_counter() - start:.0f} s", flush=True)


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    main()
