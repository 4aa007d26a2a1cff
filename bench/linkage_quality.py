"""Person-company links inferred from transactions, against the generator's truth.

    .venv/bin/python bench/linkage_quality.py --customers 100000 --days 30

Generates the bank (unless --reuse), runs ingest and conform for every day, then compares
silver.party_links on the last day with truth/links.parquet at the person-company pair level:
  precision = inferred pairs that are true links / inferred pairs
  recall    = revealable true links found / revealable true links
(a link is revealable when the generated transactions hold its evidence: payroll credits or
owner transfers). Also the recall of CRM + inferred against every true link.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import PeakMemory, timed  # noqa: E402


def score(links: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    pair = ["person_id", "company_id"]
    inferred = links[links["source"].isin(["inferred", "both"])][pair + ["link_type"]]
    true_pairs = truth[pair].drop_duplicates()
    revealable = truth[truth["revealed_by"].notna()][pair + ["revealed_by"]].drop_duplicates(pair)
    hit = inferred.merge(true_pairs, on=pair, how="inner")
    found = revealable.merge(inferred[pair], on=pair, how="inner")
    every = links[pair].drop_duplicates().merge(true_pairs, on=pair, how="inner")
    rows = [("inferred (all)", len(inferred), len(hit), len(revealable), len(found))]
    for kind, evidence in (("employee", "payroll"), ("owner", "owner_transfer")):
        inf_k = inferred[inferred["link_type"] == kind]
        rev_k = revealable[revealable["revealed_by"] == evidence]
        rows.append((f"  {kind} ({evidence})", len(inf_k),
                     len(inf_k.merge(true_pairs, on=pair)), len(rev_k),
                     len(rev_k.merge(inferred[pair], on=pair))))
    table = pd.DataFrame(rows, columns=["links", "predicted", "true_predicted", "revealable",
                                        "revealable_found"])
    table["precision"] = table["true_predicted"] / table["predicted"].clip(lower=1)
    table["recall"] = table["revealable_found"] / table["revealable"].clip(lower=1)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"\nCRM + inferred: {len(every):,} of {len(true_pairs):,} true links "
          f"(recall {len(every) / max(len(true_pairs), 1):.3f}); CRM alone: "
          f"{int(truth.drop_duplicates(pair)['in_crm'].sum()):,}")
    return table


def _conformed(ctx) -> bool:
    return (ctx.lake.exists("silver.party_links") and
            ctx.lake.count("silver.party_links", where={"snapshot_date": ctx.business_date}) > 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--reuse", action="store_true", help="skip generate and pipeline runs "
                        "already done (dates with silver.party_links)")
    args = parser.parse_args()
    home = (args.home or Path("var") / f"linkage-{args.customers}").resolve()
    os.environ["CROSSLINK_HOME"] = str(home)

    from crosslink.config import load_config
    from crosslink.context import build_context, run_job
    from crosslink.generate import generate_bank
    from jobs import conform, ingest

    config = load_config(overrides={"pipeline": {"quality": {"build_data_docs": False}}})
    days = [config.generator.start + dt.timedelta(days=i) for i in range(args.days)]
    steps: list[tuple[str, float]] = []
    with PeakMemory() as memory:
        if not (args.reuse and (home / "truth" / "links.parquet").exists()):
            with timed("generate", steps):
                generate_bank(config, home, customers=args.customers, days=args.days,
                              seed=args.seed)
        with timed(f"ingest+conform x{len(days)}", steps):
            for day in days:
                ctx = build_context(day, config)
                if args.reuse and _conformed(ctx):
                    continue
                run_job(ctx, lambda c: (ingest.run(c), conform.run(c)))
        links = ctx.lake.read("silver.party_links", where={"snapshot_date": days[-1]}).toPandas()
    truth = pd.read_parquet(home / "truth" / "links.parquet")
    print(f"bank: {args.customers:,} customers, {args.days} days; "
          f"{len(truth):,} true links, {len(links):,} links in silver on {days[-1]}\n")
    score(links, truth)
    print()
    for label, seconds in steps:
        print(f"{label:14s} {seconds:8.1f} s")
    print(f"peak memory (driver + JVM): {memory.peak / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
