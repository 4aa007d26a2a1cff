"""Small generated banks shared by the generator tests (each takes well under a second)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from crosslink.config import DEFECT_KINDS, load_config
from crosslink.generate import generate_bank
from crosslink.sources import SOURCES

START = dt.date(2026, 1, 26)


def make_config(**generator):
    return load_config(overrides={"generator": generator})


@pytest.fixture(scope="session")
def gen_config():
    return make_config()


@pytest.fixture(scope="session")
def small_bank(tmp_path_factory, gen_config):
    """300 customers × 3 days with the default config."""
    home = tmp_path_factory.mktemp("small_bank")
    summary = generate_bank(gen_config, home, customers=300, days=3, seed=11, start=START)
    return home, summary


@pytest.fixture(scope="session")
def defect_bank(tmp_path_factory):
    """High defect rates, so every kind shows up even in a small bank."""
    config = make_config(defects={k: 0.01 for k in DEFECT_KINDS})
    home = tmp_path_factory.mktemp("defect_bank")
    summary = generate_bank(config, home, customers=400, days=2, seed=5, start=START)
    return home, summary


@pytest.fixture(scope="session")
def busy_bank(tmp_path_factory):
    """More days, many openings (open_rate_scale 25) and no defects: for behaviour checks."""
    config = make_config(open_rate_scale=25.0, defects={k: 0.0 for k in DEFECT_KINDS})
    home = tmp_path_factory.mktemp("busy_bank")
    summary = generate_bank(config, home, customers=500, days=8, seed=3, start=START)
    return home, summary


@pytest.fixture(scope="session")
def corporate_bank(tmp_path_factory):
    """Many companies (0.4 of the customers), two weeks, no defects: company behaviour."""
    config = make_config(corporate_share=0.4, defects={k: 0.0 for k in DEFECT_KINDS})
    home = tmp_path_factory.mktemp("corporate_bank")
    summary = generate_bank(config, home, customers=800, days=14, seed=9, start=START)
    return home, summary


def landing_file(home: Path, day: str, source: str) -> Path:
    return home / "landing" / day / SOURCES[source].file_name


def truth(home: Path, name: str):
    return pq.read_table(home / "truth" / f"{name}.parquet").to_pandas()


def json_records(path: Path) -> list[dict]:
    """Every parseable record of a JSON-lines file (defective lines skipped)."""
    out = []
    for raw in path.read_bytes().split(b"\n"):
        try:
            out.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
    return out


def flat(record: dict) -> dict:
    """A JSON record with nested objects flattened to dotted keys."""
    out = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def online_legs_named(home: Path, days, markers) -> pd.DataFrame:
    """Online-banking legs whose counterparty name holds one of `markers` (case-insensitive)."""
    rows = [flat(r) for day in days for r in json_records(landing_file(home, day, "online_txn"))]
    legs = pd.DataFrame(rows)
    name = legs["counterparty.name"].fillna("").str.upper()
    return legs[name.apply(lambda n: any(m.upper() in n for m in markers))]


def assert_rises_with(counts: pd.Series, latent: pd.Series, ratio: float, corr: float) -> None:
    """Legs per customer grow with the latent need: the top fifth of the need has `ratio`
    times the legs of the bottom fifth, and the correlation is at least `corr`."""
    top, bottom = latent >= latent.quantile(0.8), latent <= latent.quantile(0.2)
    assert counts[top].mean() > ratio * max(counts[bottom].mean(), 0.02)
    assert np.corrcoef(latent, counts)[0, 1] > corr
