"""Champion scores and reasons for eligible customer x product pairs, in Spark (no I/O).

    scores = score(features, pairs, models, config.models.scoring, config.models.reasons)

`features`: gold.customer_features rows (keys, customer_type, every feature a model reads);
`pairs`: `features.labels.eligible(features, holdings, products)` — (snapshot_date,
customer_id, product_code, suitable); `models`: the champions (`models.registry.LoadedModel`),
at most one per product. The result has the columns of gold.propensity_scores, one row per
pair of a product with a model; pairs of other products are left out.

Per product, its pairs are inner-joined to the feature rows on (snapshot_date, customer_id).
An inner join loses nothing here because the pairs are derived from those very feature rows
(`eligible` takes the customers from `features`); a pair whose customer has no feature row
could only come from a caller mixing inputs, and it gets no score rather than a score made of
nulls. Then `mapInPandas` predicts: the booster travels as its raw UBJSON bytes in a
broadcast and is rebuilt once per partition (not per Arrow batch); each batch becomes a
float32 matrix in the model's own feature order (`LoadedModel.feature_names`, whatever the
order of the table's columns), `inplace_predict` gives the probability and
`predict(DMatrix, pred_contribs=True)` the per-feature log-odds contributions that
`models.reasons` turns into phrases. Products are unioned; model name, version and run id are
stamped on every row.

Cost (bench/scoring_bench.py, 216 features, 100 trees of depth 4): exact contributions
(TreeSHAP) cost two orders of magnitude more than the prediction and dominate the path (about
4x the time of scoring without reasons); without them the path is bound by moving the feature
columns from the JVM to Python (Arrow), not by XGBoost. `approx_contribs=True` (XGBoost's
path-based approximation, the default through `scoring.contributions: approx` in models.yaml)
costs little more than no reasons; `with_reasons=False` skips them
(empty reason arrays). Each Spark task runs XGBoost on `nthread` threads (1: Spark already
runs one task per core).

The Python workers must run the driver's interpreter (they import xgboost): sessions built by
`crosslink.spark.get_spark` set PYSPARK_PYTHON before the context starts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import reduce

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink.tables import table
from models import calibration
from models import reasons as reasons_mod

SCORES = "gold.propensity_scores"
PAIR_KEYS = ("snapshot_date", "customer_id")
# what the pandas function returns; the model stamps are added as literals afterwards
PREDICTED_DDL = ("snapshot_date date, customer_id string, customer_type string, "
                 "product_code string, suitable boolean, propensity double, "
                 "reason_features array<string>, reasons array<string>, "
                 "reasons_zh array<string>")
_PASSED_THROUGH = ("snapshot_date", "customer_id", "customer_type", "product_code", "suitable")


def score(features: DataFrame, pairs: DataFrame, models: Sequence, scoring_cfg,
          reasons: Sequence, *, with_reasons: bool = True, approx_contribs: bool | None = None,
          nthread: int = 1) -> DataFrame:
    """gold.propensity_scores rows for every pair of a product in `models` (see module doc).

    `scoring_cfg`: `ScoringConfig` (top_reasons, min_contribution, contributions — which
    `approx_contribs` overrides when given); `reasons`: the
    `ReasonPhrase` list of models.yaml. Every model is checked before Spark runs anything: a
    feature missing from `features` or matching no phrase raises ValueError naming it.
    """
    columns = table(SCORES).columns
    if not models:
        return features.sparkSession.createDataFrame([], table(SCORES).ddl)
    if approx_contribs is None:
        approx_contribs = getattr(scoring_cfg, "contributions", "exact") == "approx"
    products = [m.product for m in models]
    repeated = sorted({p for p in products if products.count(p) > 1})
    if repeated:
        raise ValueError(f"one model per product, got several for {repeated}")
    scored = [_score_product(features, pairs, model, scoring_cfg, reasons,
                             with_reasons=with_reasons, approx_contribs=approx_contribs,
                             nthread=nthread) for model in models]
    return reduce(DataFrame.unionByName, scored).select(*columns)


def _score_product(features: DataFrame, pairs: DataFrame, model, scoring_cfg,
                   reasons: Sequence, *, with_reasons: bool, approx_contribs: bool,
                   nthread: int) -> DataFrame:
    names = tuple(model.feature_names)
    if not names:
        raise ValueError(f"{model.name} v{model.version}: the booster has no feature names, "
                         f"so its columns cannot be found in the feature table")
    present = set(features.columns)
    missing = [c for c in names if c not in present]
    if missing:
        raise ValueError(f"{model.name} v{model.version} reads features missing from the "
                         f"feature table: {missing}")
    reason_index = reasons_mod.index(names, reasons) if with_reasons else None
    rows = (pairs.where(F.col("product_code") == model.product)
            .select(*PAIR_KEYS, "product_code", "suitable")
            .join(features.select(*PAIR_KEYS, "customer_type", *names), list(PAIR_KEYS)))
    spark = features.sparkSession
    raw = spark.sparkContext.broadcast(bytes(model.booster.save_raw("ubj")))
    predict = predictor(raw, names, reason_index, scoring_cfg.top_reasons,
                        scoring_cfg.min_contribution, approx_contribs=approx_contribs,
                        nthread=nthread)
    return rows.mapInPandas(predict, PREDICTED_DDL).select(
        "*", F.lit(model.name).alias("model_name"),
        F.lit(int(model.version)).cast("int").alias("model_version"),
        F.lit(model.run_id).cast("string").alias("model_run_id"))


def load_booster(raw: bytes, nthread: int = 1):
    """An xgboost.Booster from its raw bytes, on `nthread` threads."""
    try:
        import xgboost as xgb
    except ImportError as exc:     # the worker runs another interpreter than the driver
        import sys

        raise ImportError(f"xgboost is not importable by the Spark Python worker "
                          f"({sys.executable}); build the session with "
                          f"crosslink.spark.get_spark, which sets PYSPARK_PYTHON to the "
                          f"driver's interpreter") from exc
    booster = xgb.Booster(model_file=bytearray(raw))
    booster.set_param({"nthread": nthread})
    return booster


def predictor(raw, feature_names: Sequence[str], reason_index, top_k: int,
              min_contribution: float, *, approx_contribs: bool = False, nthread: int = 1):
    """The mapInPandas function of one model. `raw`: a Broadcast of the booster's bytes (or
    the bytes); `reason_index`: `models.reasons.index(...)`, None for no reasons."""
    columns = list(feature_names)

    def predict(batches: Iterator) -> Iterator:
        import pandas as pd
        import xgboost as xgb

        booster = load_booster(getattr(raw, "value", raw), nthread)   # once per partition
        # min_contribution is in the log-odds of the trees as trained: calibration scales
        # every contribution by its slope, and what counts as a reason should not move with it
        threshold = min_contribution * calibration.slope_of(booster)
        for batch in batches:
            if batch.empty:
                continue
            matrix = batch[columns].to_numpy(dtype=np.float32, na_value=np.nan)
            out = pd.DataFrame({c: batch[c] for c in _PASSED_THROUGH})
            out["propensity"] = booster.inplace_predict(matrix).astype(np.float64)
            if reason_index is None:
                empty = [[] for _ in range(len(batch))]
                out["reason_features"], out["reasons"], out["reasons_zh"] = empty, empty, empty
            else:
                dmatrix = xgb.DMatrix(matrix, feature_names=columns, nthread=nthread)
                contribs = booster.predict(dmatrix, pred_contribs=True,
                                           approx_contribs=approx_contribs)
                top = reasons_mod.top_reasons(contribs, reason_index, top_k, threshold)
                out["reason_features"] = reasons_mod.lists(top, reason_index.patterns)
                out["reasons"] = reasons_mod.lists(top, reason_index.en)
                out["reasons_zh"] = reasons_mod.lists(top, reason_index.zh)
            yield out

    return predict
