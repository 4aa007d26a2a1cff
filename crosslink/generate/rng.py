"""Named, seeded random streams.

Every consumer of randomness asks for its own stream by name (and day), derived from the run's
seed through `numpy.random.SeedSequence`. Streams are independent of each other and of call
order, so adding a draw in one part of the generator never shifts the numbers of another part,
and the same seed always yields the same bank.
"""

from __future__ import annotations

import zlib

import numpy as np


def _word(key: str | int) -> int:
    if isinstance(key, int):
        return key & 0xFFFFFFFF
    return zlib.crc32(key.encode("utf-8"))


def stream(seed: int, *keys: str | int) -> np.random.Generator:
    """A generator for `keys` (e.g. `"txn", "atm", day_index`) under `seed`."""
    entropy = seed % (1 << 64)
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(map(_word, keys))))


def lognormal_mean(rng: np.random.Generator, mean: np.ndarray | float, sigma: float,
                   size: int | None = None) -> np.ndarray:
    """Lognormal draws whose expectation is `mean` (not its median): keeps totals calibrated."""
    mu = np.log(np.maximum(mean, 1e-9)) - sigma * sigma / 2
    return rng.lognormal(mu, sigma, size=size if size is not None else np.shape(mean))


def pick_rows(rng: np.random.Generator, cum: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry of `rows`, draw a column index from the row's cumulative distribution
    `cum[row]` (last column 1.0). Vectorised categorical draw with per-row probabilities."""
    u = rng.random(len(rows))
    return (u[:, None] >= cum[rows]).sum(axis=1).clip(0, cum.shape[1] - 1)


def cumulative(weights: np.ndarray) -> np.ndarray:
    """Row-normalised cumulative weights for `pick_rows` (rows of zeros pick column 0)."""
    w = np.asarray(weights, dtype=np.float64)
    total = w.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    cum = np.cumsum(w / total, axis=1)
    cum[:, -1] = 1.0
    return cum
