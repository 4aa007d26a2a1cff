"""The MLflow registry of propensity models: where it lives, names, aliases, champions.

Tracking and registry share one SQLite database, `$CROSSLINK_HOME/mlflow/mlflow.db`;
artifacts (models, plots) live in `$CROSSLINK_HOME/mlflow/artifacts/`. Each offerable product
has a registered model `crosslink.<product>`; alias `challenger` marks the newest trained
candidate, `champion` the version scored nightly. The registered model's tag
`champion_history` keeps the champion versions in order, so a rollback knows where to go.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EXPERIMENT = "crosslink.propensity"          # one run per trained model
PROMOTION_EXPERIMENT = "crosslink.promotion"  # one run per promotion decision
CHAMPION, CHALLENGER = "champion", "challenger"
HISTORY_TAG = "champion_history"


def model_name(product: str) -> str:
    return f"crosslink.{product}"


def mlflow_dir(home: Path) -> Path:
    return Path(home) / "mlflow"


def tracking_uri(home: Path) -> str:
    return f"sqlite:///{mlflow_dir(home) / 'mlflow.db'}"


def ui_command(home: Path) -> str:
    """The command a data scientist runs to browse runs, plots and versions."""
    return (f"mlflow ui --backend-store-uri {tracking_uri(home)} "
            f"--default-artifact-root {(mlflow_dir(home) / 'artifacts').as_uri()} "
            f"--host 127.0.0.1 --port 5000")


def configure(home: Path):
    """Point MLflow at the home's database; create the experiments. Returns an MlflowClient."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    for name in ("alembic", "mlflow.store.db.utils", "mlflow.tracking._tracking_service"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import mlflow
    from mlflow import MlflowClient

    mlflow_dir(home).mkdir(parents=True, exist_ok=True)
    uri = tracking_uri(home)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    for experiment in (EXPERIMENT, PROMOTION_EXPERIMENT):
        if client.get_experiment_by_name(experiment) is None:
            location = (mlflow_dir(home) / "artifacts" / experiment).as_uri()
            client.create_experiment(experiment, artifact_location=location)
    return client


def alias_version(client, product: str, alias: str) -> int | None:
    """The version number behind `alias`, or None when the alias (or the model) is absent."""
    from mlflow.exceptions import MlflowException

    try:
        return int(client.get_model_version_by_alias(model_name(product), alias).version)
    except MlflowException:
        return None


@dataclass(frozen=True)
class LoadedModel:
    """A registered model version in memory: what scoring and promotion need."""

    product: str
    name: str
    version: int
    booster: object                 # xgboost.Booster
    feature_names: tuple[str, ...]
    run_id: str

    def predict(self, frame) -> np.ndarray:
        """Probabilities for a feature frame (columns named as the table's), read in the
        model's own feature order: a champion trained before a feature was added is judged
        on the features it knows."""
        names = list(self.feature_names) or list(frame.columns)
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise ValueError(f"{self.name} v{self.version} reads features the frame lacks: "
                             f"{missing}")
        return self.booster.inplace_predict(frame[names].to_numpy(dtype=np.float32))


def load_version(client, product: str, version: int) -> LoadedModel:
    import mlflow.xgboost

    name = model_name(product)
    booster = mlflow.xgboost.load_model(f"models:/{name}/{version}")
    run_id = client.get_model_version(name, str(version)).run_id
    return LoadedModel(product, name, int(version), booster,
                       tuple(booster.feature_names or ()), run_id)


def load_alias(client, product: str, alias: str = CHAMPION) -> LoadedModel | None:
    """The version behind `alias` (the champion by default), or None when there is none."""
    version = alias_version(client, product, alias)
    return None if version is None else load_version(client, product, version)


def champion_history(client, product: str) -> list[int]:
    from mlflow.exceptions import MlflowException

    try:
        tags = client.get_registered_model(model_name(product)).tags
    except MlflowException:
        return []
    return json.loads(tags.get(HISTORY_TAG, "[]"))


def set_champion(client, product: str, version: int) -> None:
    """Move the champion alias and append the version to the model's champion history."""
    name = model_name(product)
    client.set_registered_model_alias(name, CHAMPION, str(version))
    history = champion_history(client, product)
    if not history or history[-1] != version:
        history.append(int(version))
    client.set_registered_model_tag(name, HISTORY_TAG, json.dumps(history))


def rollback(client, product: str) -> int:
    """Make the previous champion champion again; returns its version."""
    history = champion_history(client, product)
    current = alias_version(client, product, CHAMPION)
    earlier = [v for v in history if v != current]
    if current is None or not earlier:
        raise ValueError(f"{model_name(product)}: no earlier champion to roll back to "
                         f"(champion history {history})")
    version = earlier[-1]
    name = model_name(product)
    client.set_registered_model_alias(name, CHAMPION, str(version))
    client.set_registered_model_tag(name, HISTORY_TAG, json.dumps(earlier))
    return version
