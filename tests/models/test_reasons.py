"""Contributions -> phrases: grouping, threshold, ordering, top_k, unmatched features, and
every feature of the table has a phrase in conf/base/models.yaml."""

from __future__ import annotations

import fnmatch

import numpy as np
import pytest

from crosslink.config import ReasonPhrase
from features.columns import FEATURE_COLUMNS
from models import reasons

PHRASES = [
    ReasonPhrase(match="salary_*", en="salary", zh="工资"),
    ReasonPhrase(match="balance_*", en="balance", zh="余额"),
    ReasonPhrase(match="age", en="age", zh="年龄"),
    ReasonPhrase(match="tenure_days", en="salary", zh="工资"),      # same phrase, other glob
    ReasonPhrase(match="*", en="other", zh="其他"),
]
FEATURES = ["salary_30d", "salary_90d", "balance_total", "age", "tenure_days", "x"]
#            salary        salary        balance          age    salary         other
INDEX = reasons.index(FEATURES, PHRASES)


def _top(contribs, top_k=3, minimum=0.05):
    bias = np.zeros((len(contribs), 1))
    return reasons.top_reasons(np.hstack([np.asarray(contribs, float), bias]), INDEX, top_k,
                               minimum)


def _en(contribs, **kwargs):
    return reasons.lists(_top(contribs, **kwargs), INDEX.en)


def test_features_sharing_a_phrase_are_one_group_in_file_order():
    assert INDEX.en == ("salary", "balance", "age", "other")
    assert INDEX.zh == ("工资", "余额", "年龄", "其他")
    assert INDEX.patterns == ("salary_*|tenure_days", "balance_*", "age", "*")
    assert INDEX.group_of.tolist() == [0, 0, 1, 2, 0, 3]


def test_contributions_are_summed_per_phrase_before_ranking():
    # salary: 0.04 + 0.04 + 0.04 = 0.12 beats balance 0.10, though each salary part is smaller
    assert _en([[0.04, 0.04, 0.10, 0.0, 0.04, 0.0]]) == [["salary", "balance"]]
    sums = reasons.group_contributions(np.array([[0.04, 0.04, 0.10, 0.0, 0.04, 0.0, 5.0]]),
                                       INDEX)
    np.testing.assert_allclose(sums, [[0.12, 0.10, 0.0, 0.0]])


def test_threshold_keeps_phrases_at_or_above_min_contribution():
    assert _en([[0.05, 0.0, 0.049, -0.2, 0.0, 0.3]]) == [["other", "salary"]]
    assert _en([[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], minimum=0.0) == [[]]   # must add something
    assert _en([[-1.0, 0.0, -0.1, -0.2, 0.0, -0.3]]) == [[]]


def test_reasons_are_ordered_by_contribution_then_by_file_order():
    assert _en([[0.1, 0.0, 0.3, 0.2, 0.0, 0.4]]) == [["other", "balance", "age"]]
    assert _en([[0.2, 0.0, 0.2, 0.0, 0.0, 0.2]]) == [["salary", "balance", "other"]]  # ties


def test_top_k_caps_the_reasons_and_pads_the_matrix():
    contribs = [[0.1, 0.0, 0.3, 0.2, 0.0, 0.4], [0.0, 0.0, 0.0, 0.0, 0.0, 0.9]]
    assert _en(contribs, top_k=1) == [["other"], ["other"]]
    top = _top(contribs, top_k=6)              # more than the 4 groups there are
    assert top.shape == (2, 6)
    assert top.tolist() == [[3, 1, 2, 0, -1, -1], [3, -1, -1, -1, -1, -1]]
    assert reasons.lists(top, INDEX.zh) == [["其他", "余额", "年龄", "工资"], ["其他"]]
    assert reasons.lists(top, INDEX.patterns)[1] == ["*"]


def test_many_rows_at_once():
    rng = np.random.default_rng(1)
    contribs = rng.normal(size=(500, len(FEATURES) + 1)).astype(np.float32)
    top = reasons.top_reasons(contribs, INDEX, 2, 0.05)
    sums = reasons.group_contributions(contribs, INDEX)
    for row, chosen in zip(sums, top, strict=True):
        expected = [g for g in np.argsort(-row, kind="stable") if row[g] >= 0.05][:2]
        assert [g for g in chosen if g >= 0] == expected


def test_a_feature_no_phrase_matches_is_named():
    with pytest.raises(ValueError, match="'mystery_feature'"):
        reasons.index(["salary_30d", "mystery_feature"], PHRASES[:2])


def test_contributions_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="6 features \\+ bias"):
        reasons.top_reasons(np.zeros((2, len(FEATURES))), INDEX, 3, 0.05)


def test_every_feature_column_has_a_phrase_in_models_yaml(config):
    phrases = config.models.reasons
    unmatched = [c for c in FEATURE_COLUMNS
                 if not any(fnmatch.fnmatchcase(c, p.match) for p in phrases)]
    assert unmatched == []
    index = reasons.index(FEATURE_COLUMNS, phrases)      # and the index builds
    assert index.membership.shape == (len(FEATURE_COLUMNS), index.groups)
    assert (index.membership.sum(axis=1) == 1).all()
