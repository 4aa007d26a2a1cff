"""Same config and seed → byte-identical landing and truth files."""

from __future__ import annotations

from crosslink.generate import generate_bank
from tests.generate.conftest import START


def _files(home):
    return {p.relative_to(home): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path, gen_config):
    a, b = tmp_path / "a", tmp_path / "b"
    sa = generate_bank(gen_config, a, customers=150, days=2, seed=99, start=START)
    sb = generate_bank(gen_config, b, customers=150, days=2, seed=99, start=START)
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    assert len(fa) == 11 * 2 + 5
    changed = [str(k) for k in fa if fa[k] != fb[k]]
    assert changed == []
    assert sa["files"] == sb["files"]


def test_other_seed_gives_another_bank(tmp_path, gen_config):
    a = generate_bank(gen_config, tmp_path / "a", customers=150, days=1, seed=1, start=START)
    b = generate_bank(gen_config, tmp_path / "b", customers=150, days=1, seed=2, start=START)
    day = START.isoformat()
    assert (tmp_path / "a" / "landing" / day / "customers.csv").read_bytes() != \
        (tmp_path / "b" / "landing" / day / "customers.csv").read_bytes()
    assert a["customers"] == b["customers"] == 150


def test_config_defaults_apply(tmp_path):
    from tests.generate.conftest import make_config

    config = make_config(customers=60, days=1, seed=4, start="2026-03-02")
    summary = generate_bank(config, tmp_path)
    assert summary["customers"] == 60 and summary["days"] == 1 and summary["seed"] == 4
    assert list(summary["files"]) == ["2026-03-02"]


def test_a_longer_bank_extends_a_shorter_one(tmp_path, gen_config):
    """More days with the same seed replay the shorter bank's days byte for byte and add
    days after them: bench/build_bank.py --extend relies on it to lengthen a built bank."""
    import pandas as pd

    short, long = tmp_path / "short", tmp_path / "long"
    generate_bank(gen_config, short, customers=150, days=2, seed=5, start=START)
    generate_bank(gen_config, long, customers=150, days=4, seed=5, start=START)
    fs, fl = _files(short / "landing"), _files(long / "landing")
    assert set(fs) < set(fl) and len(fl) == 2 * len(fs)
    assert [str(k) for k in fs if fs[k] != fl[k]] == []
    for table in ("propensity", "customers"):
        assert (short / "truth" / f"{table}.parquet").read_bytes() == \
            (long / "truth" / f"{table}.parquet").read_bytes()
    keys = ["customer_id", "product_code", "open_date"]
    opened = [pd.read_parquet(home / "truth" / "openings.parquet").sort_values(keys)
              .reset_index(drop=True) for home in (short, long)]
    replayed = opened[1][pd.to_datetime(opened[1].open_date)
                         <= pd.Timestamp(START) + pd.Timedelta(days=1)].reset_index(drop=True)
    pd.testing.assert_frame_equal(replayed, opened[0])
    assert len(opened[1]) > len(opened[0])
