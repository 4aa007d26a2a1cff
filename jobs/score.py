"""Nightly propensity scores: every eligible customer x product, scored by the product's champion.

    spark-submit jobs/score.py --date 2026-01-05

For the date: loads the champion (MLflow alias `champion`, `models.registry`) of every
offerable product of products.yaml — a product without one is skipped and named in the run
log's message — reads gold.customer_features and silver.holdings of the date, computes the
eligible pairs (`features.labels.eligible`: offerable, of the customer's segment, not held),
scores the pairs of the products with a champion (`models.scoring`: probability, model stamps,
reasons in English and Chinese), gates the result (`expectations.gold`) and replaces the date's
partition of gold.propensity_scores. With no champion at all the partition is replaced by an
empty one, so a rerun after a rollback or retirement leaves exactly what the registry says.

ops.runs, step `score`: rows_read = customers in the date's features, rows_written = scores,
message = the version and rows of each champion and the products skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import DataFrame

from crosslink import quality
from crosslink.context import JobContext, run_for_date
from crosslink.tables import table
from features.labels import eligible
from models import registry, scoring

SCORES, FEATURES, HOLDINGS = ("gold.propensity_scores", "gold.customer_features",
                              "silver.holdings")


@dataclass
class ScoreResult:
    rows_read: int = 0                     # customers in the date's gold.customer_features
    rows_written: int = 0                  # rows of the date's gold.propensity_scores
    scored: dict[str, tuple[int, int]] = field(default_factory=dict)  # product: (version, rows)
    skipped: list[str] = field(default_factory=list)                  # products, no champion

    def describe(self) -> str:
        scored = ", ".join(f"{p} v{v}={rows}" for p, (v, rows) in self.scored.items())
        skipped = ", ".join(self.skipped)
        return f"scored: {scored or 'none'}; no champion: {skipped or 'none'}"


def champions(ctx: JobContext) -> tuple[list, list[str]]:
    """(LoadedModel of every offerable product with a champion, codes of those without)."""
    client = registry.configure(ctx.home)
    models, skipped = [], []
    for product in ctx.config.products.products:
        if not product.offerable:
            continue
        model = registry.load_alias(client, product.code)
        if model is None:
            skipped.append(product.code)
        else:
            models.append(model)
    return models, skipped


def build_scores(ctx: JobContext, models: list) -> tuple[DataFrame, DataFrame | None]:
    """(the date's scores, the persisted features they came from — None without models)."""
    if not models:
        return ctx.spark.createDataFrame([], table(SCORES).ddl), None
    features = ctx.partition(FEATURES, required=True).persist()
    holdings = ctx.partition(HOLDINGS, required=True)
    scored_products = {m.product for m in models}
    products = [p for p in ctx.config.products.products if p.code in scored_products]
    pairs = eligible(features, holdings, products)
    cfg = ctx.config.models
    return scoring.score(features, pairs, models, cfg.scoring, cfg.reasons), features


def run(ctx: JobContext) -> ScoreResult:
    day = ctx.business_date
    with ctx.run_log.step("score") as rec:
        models, skipped = champions(ctx)
        result = ScoreResult(skipped=skipped,
                             scored={m.product: (m.version, 0) for m in models})
        rec.message = result.describe()
        if ctx.lake.exists(FEATURES):        # off the Delta log: no data file is read
            result.rows_read = ctx.lake.count(FEATURES, where={"snapshot_date": day})
        if models and result.rows_read == 0:
            raise ValueError(f"{FEATURES} has no rows for {day}: run `features` for the "
                             f"date before `score`")
        scores, features = build_scores(ctx, models)
        scores = scores.persist()
        try:
            quality.gate(scores, SCORES, home=ctx.home, config=ctx.config.pipeline.quality,
                         business_date=day)
            rows = dict(scores.groupBy("product_code").count().collect())
            result.scored = {m.product: (m.version, int(rows.get(m.product, 0)))
                             for m in models}
            result.rows_written = ctx.lake.replace(scores, SCORES, {"snapshot_date": day}).rows
        finally:
            scores.unpersist()
            if features is not None:
                features.unpersist()
        rec.rows_read, rec.rows_written = result.rows_read, result.rows_written
        rec.message = result.describe()
    return result


def main(argv: list[str] | None = None) -> None:
    result = run_for_date(__doc__, run, argv)
    print(f"{SCORES:24s} {result.rows_written:>10,} rows  ({result.describe()})")


if __name__ == "__main__":
    main()
