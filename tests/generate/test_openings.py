"""Openings follow the true propensity, never repeat a held product, and show up in the
holdings snapshots; balances follow the transactions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from pyspark.sql import functions as F

from crosslink.generate import propensity, vocab
from tests.generate.conftest import flat, json_records, landing_file, truth


def _holdings(home, day: str) -> pd.DataFrame:
    return pd.read_csv(landing_file(home, day, "holdings"), dtype=str, keep_default_na=False)


def test_openers_have_higher_propensity(busy_bank):
    home, _ = busy_bank
    prop, opened = truth(home, "propensity"), truth(home, "openings")
    assert len(opened) >= 50
    m = prop.merge(opened.assign(opened=True), on=["customer_id", "product_code"], how="left")
    m["opened"] = m["opened"].eq(True)
    eligible = m[~m.held_at_start & (m.daily_prob > 0)]
    assert eligible[eligible.opened].daily_prob.mean() > \
        3 * eligible[~eligible.opened].daily_prob.mean()
    joined = opened.merge(prop, on=["customer_id", "product_code"])
    assert len(joined) == len(opened)            # only segment-matching offerable products
    assert (joined.daily_prob > 0).all() and not joined.held_at_start.any()


def test_no_opening_of_a_held_product(busy_bank):
    home, summary = busy_bank
    opened = truth(home, "openings")
    assert not opened.duplicated(["customer_id", "product_code"]).any()
    days = sorted(summary["files"])
    for prev, day in zip(days, days[1:], strict=False):
        held = _holdings(home, prev)
        held = set(zip(held.customer_id, held.product_code, strict=True))
        today = opened[opened.open_date == dt.date.fromisoformat(day)]
        assert not set(zip(today.customer_id, today.product_code, strict=True)) & held


def test_openings_appear_in_that_days_snapshot(busy_bank):
    home, summary = busy_bank
    opened = truth(home, "openings")
    first = sorted(summary["files"])[0]
    assert (opened.open_date > dt.date.fromisoformat(first)).all()
    for day, group in opened.groupby("open_date"):
        snap = _holdings(home, day.isoformat()).set_index("holding_id")
        rows = snap.loc[group.holding_id]
        assert (rows.customer_id.values == group.customer_id.values).all()
        assert (rows.product_code.values == group.product_code.values).all()
        assert (rows.opened_date == day.isoformat()).all() and (rows.status == "active").all()


def _signed_cny(home, day: str) -> pd.Series:
    """Net CNY movement per account from every transaction file of the day."""
    rates = vocab.FX_RATES
    parts = []
    for source, inflow in (("counter_txn", {"DEP"}), ("atm_txn", {"DEP"})):
        t = pd.read_csv(landing_file(home, day, source), dtype={"amount": float},
                        keep_default_na=False)
        sign = np.where(t.txn_code.isin(inflow), 1.0, -1.0)
        parts.append(pd.Series((sign * t.amount * t.currency.map(rates)).values,
                               index=t.account_id.values))
    for source in ("online_txn", "mobile_txn"):
        t = pd.DataFrame([flat(r) for r in json_records(landing_file(home, day, source))])
        sign = np.where(t.direction == "C", 1.0, -1.0)
        parts.append(pd.Series((sign * t.amount * t.currency.map(rates)).values,
                               index=t.account_id.values))
    pos = pq.read_table(landing_file(home, day, "card_pos")).to_pandas()
    parts.append(pd.Series(-pos.amount.values, index=pos.account_id.values))
    return pd.concat(parts).groupby(level=0).sum()


def test_balances_follow_transactions(busy_bank):
    home, summary = busy_bank
    d0, d1 = sorted(summary["files"])[:2]
    base = ["debit_account", "general_account", "basic_settlement"]
    h0, h1 = (_holdings(home, d) for d in (d0, d1))
    h0, h1 = h0[h0.product_code.isin(base)], h1[h1.product_code.isin(base)]
    b0 = h0.set_index("account_id").balance.astype(float)
    b1 = h1.set_index("account_id").balance.astype(float)
    net = _signed_cny(home, d1).reindex(b1.index).fillna(0.0)
    expected = b0.reindex(b1.index) + net
    kept = expected >= 0                            # accounts not topped up from elsewhere
    assert kept.mean() > 0.9
    assert np.allclose(b1[kept], expected[kept], atol=1.0)
    assert (b1 >= 0).all()


def test_within_days_compounds_the_daily_chance_the_same_on_numpy_and_spark(spark):
    daily = np.array([0.0, 0.01, 0.5])
    assert propensity.within_days(daily, 1) == pytest.approx(daily)
    assert propensity.within_days(daily, 7) == pytest.approx([0.0, 0.067935, 0.9921875],
                                                             abs=1e-6)
    frame = spark.createDataFrame([(float(p),) for p in daily], "daily_prob double")
    got = [r[0] for r in frame.select(propensity.within_days(F.col("daily_prob"), 7)).collect()]
    assert got == pytest.approx(propensity.within_days(daily, 7))
