import datetime as dt

import numpy as np
import pandas as pd
import pytest

from crosslink.config import TrainConfig
from features.columns import FEATURE_COLUMNS
from models.dataset import NotEnoughHistory, build, choose_split

D = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(30)]


def test_holdout_is_the_latest_labelable_date_and_training_is_purged():
    # holdings up to Jan 30, horizon 7: labelable up to Jan 23; purge: train d + 7 <= Jan 23
    split = choose_split(D, D[-1], 7, TrainConfig(train_snapshots=3))
    assert split.holdout == (dt.date(2026, 1, 23),)
    assert split.train == (dt.date(2026, 1, 14), dt.date(2026, 1, 15), dt.date(2026, 1, 16))


def test_without_purge_training_runs_up_to_the_day_before_the_holdout():
    split = choose_split(D, D[-1], 7, TrainConfig(train_snapshots=2, purge=False))
    assert split.train == (dt.date(2026, 1, 21), dt.date(2026, 1, 22))


def test_too_little_history_is_explained():
    with pytest.raises(NotEnoughHistory, match="needs the holdings of d \\+ 30"):
        choose_split(D[:5], D[4], 30, TrainConfig())
    with pytest.raises(NotEnoughHistory, match="purge"):
        choose_split(D[:10], D[9], 7, TrainConfig())


def _features(dates, ids):
    rows = [(d, c) for d in dates for c in ids]
    keys = pd.DataFrame(rows, columns=["snapshot_date", "customer_id"])
    values = np.arange(len(rows), dtype=np.float32)[:, None] + np.arange(len(FEATURE_COLUMNS))
    return pd.concat([keys, pd.DataFrame(values, columns=list(FEATURE_COLUMNS))], axis=1)


def test_each_product_indexes_its_labelled_rows_of_its_set():
    split = choose_split(D[:12], D[11], 2, TrainConfig(train_snapshots=2))   # hold Jan 10
    dates = split.train + split.holdout
    features = _features(dates, ["P1", "P2"])
    labels = pd.DataFrame([
        (split.train[0], "P1", "credit_card", True, 1), (split.train[1], "P2", "credit_card",
                                                        False, 0),
        (split.holdout[0], "P2", "credit_card", True, 1), (split.holdout[0], "P1", "mortgage",
                                                           True, 0)],
        columns=["snapshot_date", "customer_id", "product_code", "suitable", "label"])
    data = build(features, labels, split, TrainConfig(train_snapshots=2))
    card = data.train["credit_card"]
    assert card.label.tolist() == [1, 0] and card.positives == 1
    picked = data.matrix.keys.iloc[card.rows]
    assert picked["customer_id"].tolist() == ["P1", "P2"]
    assert picked["snapshot_date"].tolist() == list(split.train)
    assert set(data.holdout) == {"credit_card", "mortgage"} and "mortgage" not in data.train
    # suitable_only drops the unsuitable training pair, never a holdout pair
    only = build(features, labels, split, TrainConfig(train_snapshots=2, suitable_only=True))
    assert only.train["credit_card"].label.tolist() == [1]


def test_a_label_without_features_is_an_error():
    split = choose_split(D[:12], D[11], 2, TrainConfig(train_snapshots=1))
    features = _features(split.train + split.holdout, ["P1"])
    labels = pd.DataFrame([(split.holdout[0], "P9", "credit_card", True, 0)],
                          columns=["snapshot_date", "customer_id", "product_code", "suitable",
                                   "label"])
    with pytest.raises(ValueError, match="1 labelled pairs have no feature row"):
        build(features, labels, split, TrainConfig(train_snapshots=1))
