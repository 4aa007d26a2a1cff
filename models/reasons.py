"""Feature contributions -> reasons a teller understands (numpy only, no Spark).

XGBoost explains each score additively: `booster.predict(DMatrix, pred_contribs=True)` gives,
per row, one log-odds contribution per feature plus a last column for the bias, and they add
up to the score's margin. A reason is a *phrase* of `conf/base/models.yaml` (`reasons:`):

- each feature is matched against the phrases' `match` globs top-down, the first match wins
  (`fnmatch.fnmatchcase`); a feature no glob matches is a configuration error (ValueError
  naming it), found when the model is indexed, before any row is scored;
- features that share a phrase (the same English and Chinese text, whether one glob or several
  lines of the file produce it) have their contributions added up: 30- and 90-day salary
  windows are one reason, not two;
- a phrase is a reason of a row when its summed contribution is >= `min_contribution` and
  > 0 (a reason must push the score up); the reasons are ordered by contribution, largest
  first (ties: the phrase listed first in models.yaml), at most `top_k` of them.

`index(feature_names, phrases)` does the matching once per model (it runs on a handful of
feature names); `top_reasons(contribs, index, ...)` is vectorised over the rows (a matrix
product and a partial sort) because it runs on millions of them. Each reason also carries its
`pattern`: the glob(s) of models.yaml behind the phrase, `|`-joined when several lines share
it — gold.propensity_scores keeps them as `reason_features`, so an analyst can tell which
features a reason stands for.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NO_REASON = -1          # padding of `top_reasons` rows with fewer than top_k reasons


@dataclass(frozen=True)
class ReasonIndex:
    """One model's features grouped by phrase: built once per model, used for every row."""

    feature_names: tuple[str, ...]
    patterns: tuple[str, ...]        # per group: the glob(s) behind the phrase
    en: tuple[str, ...]              # per group: the English phrase
    zh: tuple[str, ...]              # per group: the Chinese phrase
    group_of: np.ndarray             # (n_features,) group of each feature
    membership: np.ndarray           # (n_features, n_groups) 0/1: feature i is in group j

    @property
    def groups(self) -> int:
        return len(self.en)


def phrase_for(feature: str, phrases: Sequence) -> int:
    """Position in `phrases` of the first one whose glob matches `feature`."""
    for position, phrase in enumerate(phrases):
        if fnmatch.fnmatchcase(feature, phrase.match):
            return position
    raise ValueError(f"feature {feature!r} matches no reason phrase; add a `match` glob for it "
                     f"to the reasons of conf/base/models.yaml")


def index(feature_names: Sequence[str], phrases: Sequence) -> ReasonIndex:
    """Group a model's features by phrase. `phrases`: ReasonPhrase-like (match, en, zh).

    Groups are numbered in the order their phrase first appears in `phrases`, and only phrases
    some feature of the model matches become groups.
    """
    if not feature_names:
        raise ValueError("a model without feature names cannot be explained")
    matched = [phrase_for(f, phrases) for f in feature_names]
    texts: dict[tuple[str, str], list[str]] = {}          # (en, zh) -> globs, in file order
    for position in sorted(set(matched)):
        phrase = phrases[position]
        texts.setdefault((phrase.en, phrase.zh), []).append(phrase.match)
    group = {text: g for g, text in enumerate(texts)}
    group_of = np.array([group[(phrases[p].en, phrases[p].zh)] for p in matched], dtype=np.intp)
    membership = np.zeros((len(feature_names), len(texts)))
    membership[np.arange(len(feature_names)), group_of] = 1.0
    return ReasonIndex(tuple(feature_names), tuple("|".join(g) for g in texts.values()),
                       tuple(en for en, _ in texts), tuple(zh for _, zh in texts),
                       group_of, membership)


def group_contributions(contribs: np.ndarray, reason_index: ReasonIndex) -> np.ndarray:
    """(n, n_groups): each row's contributions summed per phrase; the bias column dropped."""
    contribs = np.asarray(contribs)
    features = len(reason_index.feature_names)
    if contribs.ndim != 2 or contribs.shape[1] != features + 1:
        raise ValueError(f"contributions must be (rows, {features} features + bias), got "
                         f"shape {contribs.shape}")
    if not np.issubdtype(contribs.dtype, np.floating):
        contribs = contribs.astype(np.float64)
    return contribs[:, :features] @ reason_index.membership.astype(contribs.dtype)


def top_reasons(contribs: np.ndarray, reason_index: ReasonIndex, top_k: int,
                min_contribution: float) -> np.ndarray:
    """(n, top_k) group numbers of each row's reasons, largest contribution first, padded
    with NO_REASON (-1) where a row has fewer than top_k reasons."""
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    sums = group_contributions(contribs, reason_index)
    rows, groups = sums.shape
    k = min(top_k, groups)
    if k < groups:       # the k largest, unordered; then order just those k
        candidates = np.argpartition(-sums, k - 1, axis=1)[:, :k]
    else:
        candidates = np.broadcast_to(np.arange(groups), (rows, groups))
    values = np.take_along_axis(sums, candidates, axis=1)
    order = np.lexsort((candidates, -values), axis=1)     # by value desc, then group number
    top = np.take_along_axis(candidates, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    top = np.where((values >= min_contribution) & (values > 0), top, NO_REASON)
    if k < top_k:
        top = np.hstack([top, np.full((rows, top_k - k), NO_REASON, dtype=top.dtype)])
    return top


def offsets(top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, flat group numbers) of the rows' reason lists, Arrow-style: row i's reasons
    are flat[offsets[i]:offsets[i + 1]]. Kept reasons are a prefix of each row of `top`."""
    counts = (top != NO_REASON).sum(axis=1)
    bounds = np.zeros(len(top) + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    return bounds, top[top != NO_REASON]


def lists(top: np.ndarray, values: Sequence[str]) -> list[list[str]]:
    """Each row's reasons as a list of `values` (per group: en, zh or patterns)."""
    bounds, flat = offsets(top)
    named = np.asarray(values, dtype=object)[flat].tolist()
    return [named[bounds[i]:bounds[i + 1]] for i in range(len(top))]
