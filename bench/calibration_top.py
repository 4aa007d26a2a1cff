"""Calibration and precision where decisions are made: at the top of each product's scores.

    .venv/bin/python bench/calibration_top.py --home /path/to/bank --date 2026-01-28 \
        [--top 50 200 1000 5000] [--horizon 7]

Arbitration compares products by value = propensity x points, and the capacity-bound roles
only ever see the first few hundred pairs of a product: a model can have a fair AUC and still
send the wrong customers, or the wrong product, to a relationship manager. For every product
scored in gold.propensity_scores on --date (suitable pairs only: the others are never
prompted), against the generator's truth (truth/propensity.parquet: true chance of opening
within --horizon days, 1 - (1 - daily_prob) ** horizon):

    all        mean score / mean truth over every scored pair (1.0 = calibrated on average)
    top k      mean score and mean truth of the model's k best pairs; `oracle` is the mean
               truth of the k truly likeliest pairs; precision = truth / oracle (what the
               model's top k buys of what the best k would); overstated = score / truth.

A product overstated at the top wins arbitration against better products; a low precision
at the top is a ranking gap no calibration can close.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from crosslink.generate.propensity import within_days


def load(home: Path, day: dt.date, horizon: int) -> pd.DataFrame:
    """customer_id, product_code, score, truth for every suitable pair scored on `day`."""
    from deltalake import DeltaTable

    scores = DeltaTable(str(home / "lake" / "gold" / "propensity_scores")).to_pandas(
        filters=[("snapshot_date", "=", day)],
        columns=["customer_id", "product_code", "propensity", "suitable"])
    if scores.empty:
        raise SystemExit(f"no propensity scores on {day} in {home}")
    print(f"{int((~scores.suitable).sum()):,} unsuitable pairs left out (never prompted)")
    scores = scores[scores.suitable]
    truth = pd.read_parquet(home / "truth" / "propensity.parquet",
                            columns=["customer_id", "product_code", "daily_prob"])
    truth["truth"] = within_days(truth.daily_prob, horizon)
    merged = scores.merge(truth[["customer_id", "product_code", "truth"]],
                          on=["customer_id", "product_code"], how="left")
    unknown = int(merged.truth.isna().sum())
    if unknown:
        print(f"{unknown:,} scored pairs have no truth row: left out")
    return merged.dropna(subset=["truth"]).rename(columns={"propensity": "score"})


def at_the_top(pairs: pd.DataFrame, tops: list[int]) -> pd.DataFrame:
    """One row per product x k (module doc), plus k = 'all'."""
    rows = []
    for product, group in pairs.groupby("product_code", sort=True):
        by_score = group.sort_values("score", ascending=False, kind="stable")
        by_truth = np.sort(group.truth.to_numpy())[::-1]
        rows.append((product, len(group), "all", group.score.mean(), group.truth.mean(),
                     group.truth.mean()))
        for k in (k for k in tops if k < len(group)):
            top = by_score.head(k)
            rows.append((product, len(group), str(k), top.score.mean(), top.truth.mean(),
                         by_truth[:k].mean()))
    table = pd.DataFrame(rows, columns=["product", "pairs", "k", "score", "truth", "oracle"])
    table["precision"] = table.truth / table.oracle
    table["overstated"] = table.score / table.truth
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--top", type=int, nargs="+", default=[50, 200, 1000, 5000])
    parser.add_argument("--horizon", type=int, default=7)
    args = parser.parse_args()

    table = at_the_top(load(args.home, args.date, args.horizon), args.top)
    print(f"scores of {args.date} against the truth ({args.horizon}-day chance of opening)\n")
    print(f"{'product':22} {'pairs':>7} {'k':>5} {'score':>7} {'truth':>7} {'oracle':>7} "
          f"{'precision':>9} {'overstated':>10}")
    for r in table.itertuples():
        print(f"{r.product:22} {r.pairs:7,} {r.k:>5} {r.score:7.4f} {r.truth:7.4f} "
              f"{r.oracle:7.4f} {r.precision:9.2f} {r.overstated:10.2f}")
    for k in ("all", *map(str, args.top)):
        rows = table[table.k == k]
        if len(rows):
            print(f"k={k:>5}: median precision {rows.precision.median():.2f}, median "
                  f"overstatement {rows.overstated.median():.2f} over {len(rows)} products")


if __name__ == "__main__":
    main()
