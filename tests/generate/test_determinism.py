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
