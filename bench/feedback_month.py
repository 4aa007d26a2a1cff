"""The feedback loop and the credit ledger over a month of nights on a generated bank.

    .venv/bin/python bench/feedback_month.py --customers 300 --days 30 --home /tmp/fb30

Generates the bank (unless --reuse), then night by night: the downstream systems' reports on
the prompts already issued (`simulate_feedback`), then the whole in-process nightly (ingest …
feedback, credit … route, publish). No model is trained: the prompts come from the active-list
rules (and champions, when the home has some). Then it prints what the ledger must show:

  every credited sale's shares sum to one · no sale credited on two nights or to two prompts ·
  unique ledger ids · the same checksums after rerunning feedback and credit for the last
  --rerun nights

plus the workflow states, acceptance, points, one won prompt's trail and the last scorecards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import PeakMemory  # noqa: E402

OUTPUTS = ("feedback.prompt_events", "feedback.prompt_status", "perf.credit_ledger",
           "perf.scorecards")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 1, 5))
    parser.add_argument("--open-rate-scale", type=float, default=10.0)
    parser.add_argument("--rerun", type=int, default=3, help="nights rerun for idempotence")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--reuse", action="store_true", help="the home's nights already ran")
    args = parser.parse_args()
    os.environ["CROSSLINK_HOME"] = str(args.home.resolve())

    from crosslink.config import load_config
    from crosslink.context import build_context
    from crosslink.generate import generate_bank
    from crosslink.generate.feedback import simulate_feedback
    from crosslink.pipeline import nightly
    from crosslink.spark import get_spark

    config = load_config()
    config = config.model_copy(update={"generator": config.generator.model_copy(
        update={"open_rate_scale": args.open_rate_scale})})
    spark = get_spark(config.spark)
    days = [args.start + dt.timedelta(days=i) for i in range(args.days)]
    seconds = []
    with PeakMemory() as memory:
        if not args.reuse:
            generate_bank(config, args.home, customers=args.customers, days=args.days,
                          seed=args.seed, start=args.start)
            for day in days:
                start = time.perf_counter()
                simulate_feedback(config, args.home, day)
                nightly(build_context(day, config, spark=spark), progress=lambda _: None)
                seconds.append(time.perf_counter() - start)
                print(f"night {day}: {seconds[-1]:.1f} s", flush=True)
        report(config, spark, days, args.rerun)
    if seconds:
        print(f"\nnights: {len(seconds)}, median {statistics.median(seconds):.1f} s, "
              f"total {sum(seconds) / 60:.1f} min; peak memory {memory.peak / 2**30:.2f} GiB")


def report(config, spark, days, rerun: int) -> None:
    from crosslink.context import build_context
    from crosslink.credit.view import show_scorecards
    from crosslink.feedback.trail import format_trail, prompt_trail
    from jobs import credit, feedback

    ctx = build_context(days[-1], config, spark=spark)
    lake = ctx.lake
    ledger = lake.read("perf.credit_ledger").toPandas()
    prompts = lake.count("gold.prompts")
    events = lake.read("feedback.prompt_events").toPandas()
    status = lake.read("feedback.prompt_status").toPandas()
    final = status.sort_values("snapshot_date").drop_duplicates("prompt_id", keep="last")
    per_sale = ledger.groupby("sale_id").agg(total=("share", "sum"),
                                             nights=("business_date", "nunique"),
                                             prompts=("prompt_id", "nunique"))
    linked = ledger[ledger["credit_type"] == "linked"]
    states = final["status"].value_counts().to_dict()
    closed = sum(states.get(s, 0) for s in ("won", "lost", "expired"))
    print(f"\n{len(days)} nights {days[0]} .. {days[-1]}: {prompts:,} prompts, "
          f"{len(events):,} events ({events['event_type'].value_counts().to_dict()})")
    print(f"final states: {states}; won / closed = {states.get('won', 0)}/{closed}")
    print(f"credited sales: {per_sale.shape[0]:,} (linked {linked['sale_id'].nunique():,}, "
          f"base {ledger.loc[ledger['credit_type'] == 'base', 'sale_id'].nunique():,}); "
          f"ledger rows {len(ledger):,}; points {ledger['points'].sum():.1f}")
    print(f"linked sales shared by 2+ people: "
          f"{(linked.groupby('sale_id').size() > 1).sum()}; by referral path: "
          f"{linked.drop_duplicates('sale_id')['referral_path'].value_counts().to_dict()}")
    print("invariants:")
    print(f"  sales whose shares do not sum to one: {((per_sale['total'] - 1).abs() > 1e-9).sum()}")
    print(f"  sales credited on two nights:        {(per_sale['nights'] > 1).sum()}")
    print(f"  sales credited to two prompts:       {(per_sale['prompts'] > 1).sum()}")
    print(f"  ledger ids twice:                    {ledger['ledger_id'].duplicated().sum()}")
    before = {name: lake.checksum(name) for name in OUTPUTS}
    for day in days[-rerun:]:
        night = build_context(day, config, spark=spark)
        feedback.run(night)
        credit.run(night)
    after = {name: lake.checksum(name) for name in OUTPUTS}
    print(f"  rerun of the last {rerun} nights (feedback, credit): "
          + ", ".join(f"{n} {'same' if before[n] == after[n] else 'CHANGED'}" for n in OUTPUTS))
    if not linked.empty:
        won = linked.sort_values(["business_date", "sale_id"]).iloc[-1]["prompt_id"]
        print("\n$ crosslink prompt-trail " + won)
        print(format_trail(prompt_trail(ctx, won), config.pipeline.timezone))
    period = f"{days[-1]:%Y-%m}"
    print(f"\n$ crosslink scorecard --period {period}")
    print(show_scorecards(ctx, period, limit=25))


if __name__ == "__main__":
    main()
