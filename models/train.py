"""Train one product's challenger: fit, evaluate on the holdout, log and register in MLflow.

Early stopping watches a held-out share of the training customers (never the holdout); the
model is then refit on all of them with the number of trees it found, and (`calibrate`)
Platt-scaled on the holdout with the scaling folded into its trees (`models.calibration`):
ranking metrics are unchanged by it, the Brier score is then in-sample for its two
parameters and `brier_uncalibrated` is logged beside it. Everything a reviewer
needs is on the MLflow run: parameters (dates, horizon, sizes, booster parameters), holdout
metrics (and the oracle AUC on generated data), the model with its signature, and the
gain/lift, feature importance and calibration charts. The version registered as
`crosslink.<product>` gets the alias `challenger`; whether it becomes champion is
`models.promotion`'s decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from crosslink.config import TrainConfig
from models import calibration, metrics, plots, registry
from models.dataset import Matrix, ProductRows, Split


class TooFewPositives(ValueError):
    """A product has too few openers to learn from or to be judged on."""


@dataclass
class Trained:
    product: str
    booster: object                          # xgboost.Booster
    best_rounds: int
    holdout_scores: np.ndarray
    metrics: dict[str, float]
    importance: dict[str, float] = field(default_factory=dict)


def check_positives(product: str, train: ProductRows, holdout: ProductRows | None,
                    cfg: TrainConfig) -> None:
    h_pos = holdout.positives if holdout is not None else 0
    if train.positives < cfg.min_train_positives or h_pos < cfg.min_holdout_positives:
        raise TooFewPositives(
            f"{product}: {train.positives} training positives (need "
            f"{cfg.min_train_positives}) and {h_pos} holdout positives (need "
            f"{cfg.min_holdout_positives})")


def _params(cfg: TrainConfig) -> dict:
    return {"objective": "binary:logistic", "eval_metric": "logloss", "tree_method": "hist",
            **cfg.params, "seed": cfg.seed}


def _dmatrix(matrix: Matrix, part: ProductRows):
    import xgboost as xgb

    return xgb.DMatrix(matrix.values[part.rows], label=part.label,
                       weight=matrix.weights[part.rows], feature_names=list(matrix.columns))


def _validation_split(part: ProductRows, share: float,
                      seed: int) -> tuple[ProductRows, ProductRows] | None:
    """(fitting customers, watching customers): a stable `share` of the training customers,
    with all their dates, watches early stopping. Customers, not a later date: the same
    customer a day later has nearly the same features and, the label windows overlapping,
    mostly the same label, so a later date of the fitting customers rewards memorising them.
    None when either side would have no positive to learn from or to watch."""
    import pandas as pd

    salted = part.keys["customer_id"].astype(str) + f"/{seed}"
    bucket = pd.util.hash_pandas_object(salted, index=False).to_numpy() % 10_000
    watch = bucket < int(share * 10_000)

    def take(mask):
        return ProductRows(part.rows[mask], part.label[mask],
                           part.keys[mask].reset_index(drop=True))

    fitting, watching = take(~watch), take(watch)
    if fitting.positives == 0 or watching.positives == 0:
        return None
    return fitting, watching


def fit(matrix: Matrix, train: ProductRows, cfg: TrainConfig):
    """(booster, number of trees): early-stopped on held-out customers, refit on all."""
    import xgboost as xgb

    rounds = cfg.num_boost_round
    halves = _validation_split(train, cfg.early_stopping_share, cfg.seed)
    if halves is not None:
        probe = xgb.train(_params(cfg), _dmatrix(matrix, halves[0]), cfg.num_boost_round,
                          evals=[(_dmatrix(matrix, halves[1]), "held_out_customers")],
                          early_stopping_rounds=cfg.early_stopping_rounds, verbose_eval=False)
        rounds = probe.best_iteration + 1
    booster = xgb.train(_params(cfg), _dmatrix(matrix, train), rounds, verbose_eval=False)
    return booster, rounds


def train_product(product: str, matrix: Matrix, train: ProductRows, holdout: ProductRows,
                  cfg: TrainConfig, true_prob: np.ndarray | None = None) -> Trained:
    """Fit and evaluate; `true_prob` (the generator's truth: each holdout row's chance of
    opening within the label horizon, NaN where unknown) adds the oracle AUC over the rows it
    covers, that coverage, truth capture and both expected AUCs (metrics module doc)."""
    check_positives(product, train, holdout, cfg)
    booster, rounds = fit(matrix, train, cfg)
    scores = booster.inplace_predict(matrix.values[holdout.rows])
    uncalibrated_brier = float(np.mean((scores - holdout.label) ** 2))
    if cfg.calibrate:
        slope, intercept = calibration.platt(scores, holdout.label)
        booster = calibration.fold(booster, slope, intercept)
        scores = booster.inplace_predict(matrix.values[holdout.rows])
    found = metrics.evaluate(holdout.label, scores)
    if cfg.calibrate:    # fitted on this holdout: its Brier score is in-sample for 2 parameters
        found |= {"calibration_slope": slope, "calibration_intercept": intercept,
                  "brier_uncalibrated": uncalibrated_brier}
    found["train_positives"] = float(train.positives)
    found["train_rows"] = float(len(train.rows))
    if true_prob is not None:
        known = ~np.isnan(true_prob)
        found["oracle_auc"] = metrics.oracle_auc(holdout.label[known], true_prob[known])
        found["oracle_coverage"] = float(known.mean())
        for name, share in (("truth_capture_top_percent", 0.01),
                            ("truth_capture_top_decile", 0.1)):
            found[name] = metrics.truth_capture(true_prob[known], scores[known], share)
        found["expected_auc"] = metrics.expected_auc(true_prob[known], scores[known])
        found["oracle_expected_auc"] = metrics.expected_auc(true_prob[known], true_prob[known])
    importance = booster.get_score(importance_type="total_gain")
    return Trained(product, booster, rounds, scores, found, importance)


def _signature(matrix: Matrix, trained: Trained):
    from mlflow.models import infer_signature

    example = matrix.frame(np.arange(min(5, len(matrix.values))))
    return infer_signature(example, trained.booster.inplace_predict(example.to_numpy()))


def log_and_register(client, trained: Trained, matrix: Matrix, holdout: ProductRows,
                     split: Split, cfg: TrainConfig, lineage: dict[str, str],
                     negative_rate: float | None = None) -> int:
    """Log the run, register the model as a new version with alias challenger; its number.
    `negative_rate`: the rate the training negatives were kept at, when not the configured
    one (lowered to fit `max_train_rows`)."""
    import mlflow
    import mlflow.xgboost

    name = registry.model_name(trained.product)
    mlflow.set_experiment(registry.EXPERIMENT)
    with mlflow.start_run(run_name=f"{trained.product} {split.holdout[-1]}"):
        mlflow.set_tags({"product": trained.product, **lineage})
        mlflow.log_params({
            "product": trained.product, "horizon_days": split.horizon,
            "train_dates": ",".join(map(str, split.train)),
            "holdout_dates": ",".join(map(str, split.holdout)), "purge": cfg.purge,
            "suitable_only": cfg.suitable_only,
            "negative_rate": cfg.negative_rate if negative_rate is None else negative_rate,
            "trees": trained.best_rounds,
            "features": len(matrix.columns), **{f"xgb_{k}": v for k, v in _params(cfg).items()}})
        mlflow.log_metrics({k if k.startswith("train_") else f"holdout_{k}": v
                            for k, v in trained.metrics.items() if np.isfinite(v)})
        title = trained.product
        mlflow.log_figure(plots.gain_lift(holdout.label, trained.holdout_scores, title),
                          "plots/gain_lift.png")
        mlflow.log_figure(plots.feature_importance(trained.importance, title),
                          "plots/feature_importance.png")
        mlflow.log_figure(plots.calibration_curve(holdout.label, trained.holdout_scores, title),
                          "plots/calibration.png")
        info = mlflow.xgboost.log_model(trained.booster, name="model",
                                        signature=_signature(matrix, trained),
                                        registered_model_name=name)
    version = int(info.registered_model_version)
    client.set_registered_model_alias(name, registry.CHALLENGER, str(version))
    return version
