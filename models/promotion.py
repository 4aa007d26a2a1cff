"""The promotion gate: a challenger becomes champion only when it is better on the same data.

`decide` is the rule (pure): promote when there is no champion, or when the challenger's
metric (`promotion.metric`, higher is better) beats the champion's on the same holdout by at
least `promotion.margin`. `gate` applies it to registered versions: it scores the champion on
the challenger's holdout, decides, logs the decision with both sets of metrics as a run of the
`crosslink.promotion` experiment, tags the challenger version with the outcome and, when
promoted, moves the champion alias. `promote_by_hand` and `registry.rollback` are the data
scientist's overrides; they are logged the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from crosslink.config import PromotionConfig
from models import metrics, registry

if TYPE_CHECKING:
    import pandas as pd

DECISION_TAG = "promotion_decision"


@dataclass(frozen=True)
class Decision:
    product: str
    challenger_version: int
    champion_version: int | None
    metric: str
    challenger_value: float
    champion_value: float | None
    margin: float
    promoted: bool
    reason: str


def decide(product: str, challenger_version: int, challenger: dict[str, float],
           champion_version: int | None, champion: dict[str, float] | None,
           cfg: PromotionConfig) -> Decision:
    """The gate's rule, on metrics computed on the same holdout."""
    value = challenger[cfg.metric]
    if champion_version is None or champion is None:
        return Decision(product, challenger_version, None, cfg.metric, value, None, cfg.margin,
                        True, "no champion yet")
    if champion_version == challenger_version:
        return Decision(product, challenger_version, champion_version, cfg.metric, value,
                        value, cfg.margin, False, "the challenger is already champion")
    incumbent = champion[cfg.metric]
    if not np.isfinite(value):
        return Decision(product, challenger_version, champion_version, cfg.metric, value,
                        incumbent, cfg.margin, False, f"challenger {cfg.metric} is undefined")
    better = not np.isfinite(incumbent) or value >= incumbent + cfg.margin
    reason = (f"{cfg.metric} {value:.4f} vs {incumbent:.4f}: "
              + ("beats" if better else "does not beat")
              + f" the champion by the margin {cfg.margin}")
    return Decision(product, challenger_version, champion_version, cfg.metric, value,
                    incumbent, cfg.margin, better, reason)


def log_decision(client, decision: Decision, challenger: dict[str, float],
                 champion: dict[str, float] | None, kind: str = "gate") -> None:
    """One run in the promotion experiment; the challenger version carries the outcome."""
    import mlflow

    mlflow.set_experiment(registry.PROMOTION_EXPERIMENT)
    outcome = "promoted" if decision.promoted else "refused"
    with mlflow.start_run(run_name=f"{decision.product} v{decision.challenger_version} "
                                   f"{outcome}"):
        mlflow.set_tags({"product": decision.product, "kind": kind, "outcome": outcome,
                         "reason": decision.reason})
        mlflow.log_params({k: v for k, v in asdict(decision).items()
                           if k not in ("reason", "challenger_value", "champion_value")})
        mlflow.log_metrics({f"challenger_{k}": v for k, v in challenger.items()
                            if np.isfinite(v)})
        if champion:
            mlflow.log_metrics({f"champion_{k}": v for k, v in champion.items()
                                if np.isfinite(v)})
    client.set_model_version_tag(registry.model_name(decision.product),
                                 str(decision.challenger_version), DECISION_TAG,
                                 f"{outcome}: {decision.reason}")


def gate(client, product: str, challenger_version: int, holdout_x: pd.DataFrame,
         holdout_y: np.ndarray, cfg: PromotionConfig,
         challenger_scores: np.ndarray | None = None) -> Decision:
    """Score challenger and champion on the same holdout (a frame of named feature columns:
    each model reads its own), decide, log, move the alias."""
    if challenger_scores is None:
        challenger = registry.load_version(client, product, challenger_version)
        challenger_scores = challenger.predict(holdout_x)
    found = metrics.evaluate(holdout_y, challenger_scores)
    champion = registry.load_alias(client, product, registry.CHAMPION)
    incumbent = None
    if champion is not None:
        incumbent = metrics.evaluate(holdout_y, champion.predict(holdout_x))
    decision = decide(product, challenger_version, found,
                      champion.version if champion else None, incumbent, cfg)
    log_decision(client, decision, found, incumbent)
    if decision.promoted:
        registry.set_champion(client, product, challenger_version)
    return decision


def promote_by_hand(client, product: str, version: int, reason: str = "by hand") -> Decision:
    """Make `version` champion without the gate (a data scientist's call); logged."""
    registry.load_version(client, product, version)          # fails clearly when absent
    current = registry.alias_version(client, product, registry.CHAMPION)
    decision = Decision(product, version, current, "manual", float("nan"), None, 0.0, True,
                        reason)
    log_decision(client, decision, {}, None, kind="manual")
    registry.set_champion(client, product, version)
    return decision
