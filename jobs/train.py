"""Train a challenger per product as of a date, and promote it through the gate.

    spark-submit jobs/train.py --date 2026-02-20 [--products credit_card,custody]
                               [--horizon 30] [--no-promote]

Uses only data up to --date: the labelable snapshots of gold.customer_features (the holdings
of d + horizon exist by --date), split in time (models/dataset.py). Each offerable product with
enough positives gets an XGBoost model, logged and registered in MLflow as a new version of
`crosslink.<product>` with alias `challenger`; with `models.promotion.auto` (and without
--no-promote) the gate then compares it with the champion on the same holdout. Products with
too few positives are skipped and named. On a generated bank (`$CROSSLINK_HOME/truth/`),
each run also logs the oracle AUC of the generator's true propensities on the holdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.generate.propensity import within_days
from crosslink.spark import to_pandas_through_files
from features.columns import FEATURE_COLUMNS
from features.labels import labels
from models import dataset, promotion, registry, sampling
from models.train import TooFewPositives, log_and_register, train_product

FEATURES, HOLDINGS = "gold.customer_features", "silver.holdings"


@dataclass
class Outcome:
    product: str
    version: int | None
    metrics: dict[str, float]
    decision: promotion.Decision | None
    skipped: str = ""


def _dates(ctx: JobContext, name: str, column: str) -> list[dt.date]:
    if not ctx.lake.exists(name):
        return []
    df = ctx.lake.read(name).where(F.col(column) <= F.lit(ctx.business_date))
    return sorted(r[0] for r in df.select(column).distinct().collect())


def plan_split(ctx: JobContext, horizon: int) -> dataset.Split:
    holdings = _dates(ctx, HOLDINGS, "snapshot_date")
    if not holdings:
        raise dataset.NotEnoughHistory(f"no {HOLDINGS} snapshot on or before "
                                       f"{ctx.business_date}")
    return dataset.choose_split(_dates(ctx, FEATURES, "snapshot_date"), holdings[-1], horizon,
                                ctx.config.models.train)


def load_training_set(ctx: JobContext, split: dataset.Split) -> dataset.TrainingSet:
    """Features of the split's dates (one pull, training negatives sampled at
    `negative_rate`, lowered to fit `max_train_rows`) and their labels, as numpy and pandas."""
    cfg = ctx.config.models.train
    dates = sorted(split.train + split.holdout)
    features = ctx.lake.read(FEATURES).where(F.col("snapshot_date").isin(*dates))
    holdings = ctx.lake.read(HOLDINGS).where(F.col("snapshot_date") <= F.lit(ctx.business_date))
    products = ctx.config.products.products
    # the labels feed the sampling, the kept rows and the label frame: compute them once
    labelled = labels(features.select("snapshot_date", "customer_id", "customer_type",
                                      "risk_rating"),
                      holdings, products, dates, split.horizon).persist()
    try:
        rate = cfg.negative_rate
        if cfg.max_train_rows is not None:
            whole, others = sampling.count_rows(features, labelled, split.holdout)
            rate = sampling.rate_within_budget(rate, whole, others, cfg.max_train_rows)
        # float32 in Spark, as the Matrix holds them: half the bytes through the driver
        kept, kept_labels = sampling.sample_negatives(
            features.select("snapshot_date", "customer_id",
                            *(F.col(c).cast("float").alias(c) for c in FEATURE_COLUMNS)),
            labelled, split.holdout, rate, cfg.seed)
        label_frame = kept_labels.select("snapshot_date", "customer_id", "product_code",
                                         "suitable", "label").toPandas()
        feature_frame = (to_pandas_through_files(kept, ctx.home / "scratch")
                         .sort_values(["snapshot_date", "customer_id"], ignore_index=True))
    finally:
        labelled.unpersist()
    return dataclasses.replace(dataset.build(feature_frame, label_frame, split, cfg),
                               negative_rate=rate)


def true_propensity(ctx: JobContext) -> pd.DataFrame | None:
    """The generator's hidden truth, when this home holds a generated bank (evaluation only)."""
    path = ctx.home / "truth" / "propensity.parquet"
    if not path.exists():
        return None
    return pd.read_parquet(path, columns=["customer_id", "product_code", "daily_prob"])


def _aligned_truth(truth: pd.DataFrame | None, product: str, holdout: dataset.ProductRows,
                   horizon: int) -> np.ndarray | None:
    """Each holdout row's true chance of opening within `horizon` days (NaN where the truth
    has none, e.g. a customer whose segment changed after the generator drew its
    propensities)."""
    if truth is None:
        return None
    probs = truth[truth["product_code"] == product].set_index("customer_id")["daily_prob"]
    daily = probs.reindex(holdout.keys["customer_id"]).to_numpy(dtype=np.float64)
    return within_days(daily, horizon)


def train_one(ctx: JobContext, client, data: dataset.TrainingSet, product: str,
              truth: pd.DataFrame | None, promote: bool) -> Outcome:
    train, holdout = data.train.get(product), data.holdout.get(product)
    if train is None or holdout is None:
        return Outcome(product, None, {}, None, "no eligible customers in train or holdout")
    cfg = ctx.config.models
    try:
        trained = train_product(product, data.matrix, train, holdout, cfg.train,
                                _aligned_truth(truth, product, holdout, data.split.horizon))
    except TooFewPositives as exc:
        return Outcome(product, None, {}, None, str(exc))
    lineage = {"business_date": str(ctx.business_date), "run_id": ctx.run_id,
               "features_table_version": str(ctx.lake.version(FEATURES))}
    version = log_and_register(client, trained, data.matrix, holdout, data.split, cfg.train,
                               lineage, negative_rate=data.negative_rate)
    decision = None
    if promote:
        decision = promotion.gate(client, product, version, data.matrix.frame(holdout.rows),
                                  holdout.label, cfg.promotion, trained.holdout_scores)
    return Outcome(product, version, trained.metrics, decision)


def run(ctx: JobContext, products: list[str] | None = None, horizon: int | None = None,
        promote: bool | None = None) -> list[Outcome]:
    horizon = horizon or ctx.config.pipeline.features.label_horizon_days
    promote = ctx.config.models.promotion.auto if promote is None else promote
    offerable = [p.code for p in ctx.config.products.products if p.offerable]
    unknown = sorted(set(products or []) - set(offerable))
    if unknown:
        raise ValueError(f"unknown or non-offerable products {unknown}; offerable: {offerable}")
    with ctx.run_log.step("train") as rec:
        split = plan_split(ctx, horizon)
        data = load_training_set(ctx, split)
        rec.rows_read = len(data.matrix.keys)
        client = registry.configure(ctx.home)
        truth = true_propensity(ctx)
        outcomes = [train_one(ctx, client, data, product, truth, promote)
                    for product in (products or offerable)]
        trained = [o for o in outcomes if o.version is not None]
        rec.rows_written = len(trained)
        rec.message = (f"train {','.join(map(str, split.train))} holdout "
                       f"{','.join(map(str, split.holdout))} horizon {horizon} "
                       f"negative rate {data.negative_rate:.3g}; "
                       f"trained {len(trained)}, skipped "
                       f"{','.join(o.product for o in outcomes if o.version is None) or '-'}")
    return outcomes


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def report(outcomes: list[Outcome]) -> str:
    lines = [f"{'product':22s} {'ver':>4s} {'hold rows':>9s} {'pos':>5s} {'AUC':>6s} "
             f"{'oracle':>6s} {'cap@1%':>6s} {'lift@10':>7s} {'PR-AUC':>6s} {'Brier':>7s}"
             "  decision"]
    for o in outcomes:
        m = o.metrics
        if o.version is None:
            lines.append(f"{o.product:22s} {'-':>4s}  skipped: {o.skipped}")
            continue
        decision = ("promoted" if o.decision and o.decision.promoted
                    else "kept champion" if o.decision else "not gated")
        detail = f" ({o.decision.reason})" if o.decision else ""
        lines.append(
            f"{o.product:22s} {o.version:>4d} {int(m['rows']):>9,d} {int(m['positives']):>5d} "
            f"{_fmt(m['auc']):>6s} {_fmt(m.get('oracle_auc')):>6s} "
            f"{_fmt(m.get('truth_capture_top_percent'), 2):>6s} "
            f"{_fmt(m['lift_top_decile'], 2):>7s} {_fmt(m['pr_auc']):>6s} "
            f"{_fmt(m['brier'], 4):>7s}  {decision}{detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="train as of this date")
    parser.add_argument("--products", type=lambda s: [p for p in s.split(",") if p],
                        help="comma-separated product codes (default: every offerable one)")
    parser.add_argument("--horizon", type=int, help="label horizon in days (default: config)")
    parser.add_argument("--no-promote", action="store_true", help="register challengers only")
    args = parser.parse_args(argv)
    outcomes = run_job(build_context(args.date), run, args.products, args.horizon,
                       False if args.no_promote else None)
    print(report(outcomes))


if __name__ == "__main__":
    main()
