"""The record a gated promotion leaves for a business date: `reports/<date>/promotion.json`.

The promote job writes it (every decision of the run, promoted or refused); the retrain DAG's
`publish_models` task reads it to publish one asset event per new champion. Plain JSON and no
MLflow import, so the DAG side stays light.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path


def record_path(home: Path, business_date: dt.date | str) -> Path:
    day = business_date if isinstance(business_date, str) else business_date.isoformat()
    return Path(home) / "reports" / day / "promotion.json"


def write_record(home: Path, business_date: dt.date, decisions: list) -> Path:
    """Replace the date's record with these decisions (dataclasses of models.promotion)."""
    path = record_path(home, business_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [dataclasses.asdict(d) for d in decisions]
    path.write_text(json.dumps({"business_date": business_date.isoformat(),
                                "decisions": rows}, indent=2))
    return path


def promoted(home: Path, business_date: dt.date | str) -> list[dict]:
    """The date's promoted decisions ({product, challenger_version, ...}); none without a
    record (no promote run that day)."""
    path = record_path(home, business_date)
    if not path.exists():
        return []
    return [d for d in json.loads(path.read_text())["decisions"] if d["promoted"]]
