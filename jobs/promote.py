"""Promote challengers through the gate, or move a champion by hand.

    spark-submit jobs/promote.py --date 2026-02-20 [--products credit_card]
    crosslink promote --product credit_card --version 3 [--reason "..."]   (by hand)
    crosslink promote --product credit_card --rollback                     (previous champion)

The gate (models/promotion.py) rebuilds each undecided challenger's own holdout — the dates
and horizon on its training run — from the lake, scores challenger and champion on it and
promotes only a challenger that beats the champion by the configured margin (or when there
is none). Manual moves need no Spark and are logged as decisions too. Every decision of a
run is also written to `reports/<date>/promotion.json` (`crosslink.promotions`), which the
retrain DAG publishes as one asset event per new champion.
"""

from __future__ import annotations

import argparse
import datetime as dt

from crosslink import promotions
from crosslink.context import JobContext, build_context, parse_date, run_job
from jobs.train import load_training_set
from models import dataset, promotion, registry


def _undecided_challenger(client, product: str) -> int | None:
    version = registry.alias_version(client, product, registry.CHALLENGER)
    if version is None:
        return None
    tags = client.get_model_version(registry.model_name(product), str(version)).tags
    return None if promotion.DECISION_TAG in tags else version


def _holdout_split(client, product: str, version: int) -> dataset.Split:
    run_id = client.get_model_version(registry.model_name(product), str(version)).run_id
    params = client.get_run(run_id).data.params
    dates = tuple(dt.date.fromisoformat(d) for d in params["holdout_dates"].split(","))
    return dataset.Split((), dates, int(params["horizon_days"]))


def run(ctx: JobContext, products: list[str] | None = None) -> list[promotion.Decision]:
    client = registry.configure(ctx.home)
    offerable = [p.code for p in ctx.config.products.products if p.offerable]
    decisions = []
    sets: dict[dataset.Split, dataset.TrainingSet] = {}   # one pull per holdout, not per model
    with ctx.run_log.step("promote") as rec:
        for product in products or offerable:
            version = _undecided_challenger(client, product)
            if version is None:
                continue
            split = _holdout_split(client, product, version)
            if split not in sets:
                sets[split] = load_training_set(ctx, split)
            data = sets[split]
            holdout = data.holdout.get(product)
            if holdout is None:
                raise ValueError(f"{registry.model_name(product)} v{version}: its holdout "
                                 f"{split.holdout} is no longer in the lake")
            decisions.append(promotion.gate(client, product, version,
                                            data.matrix.frame(holdout.rows), holdout.label,
                                            ctx.config.models.promotion))
        promotions.write_record(ctx.home, ctx.business_date, decisions)
        rec.rows_written = sum(d.promoted for d in decisions)
        rec.message = "; ".join(f"{d.product} v{d.challenger_version} "
                                f"{'promoted' if d.promoted else 'refused'}"
                                for d in decisions) or "no undecided challenger"
    return decisions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    parser.add_argument("--products", type=lambda s: [p for p in s.split(",") if p])
    args = parser.parse_args(argv)
    for d in run_job(build_context(args.date), run, args.products):
        print(f"{d.product:22s} v{d.challenger_version}: "
              f"{'promoted' if d.promoted else 'refused'} ({d.reason})")


if __name__ == "__main__":
    main()
