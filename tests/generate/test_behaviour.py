"""Everyday behaviour: the visible footprints of card-spending intensity and WeChat affinity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from tests.generate.conftest import json_records, landing_file, truth


def test_heavy_card_spenders_pay_by_card_more_often(busy_bank):
    """Card purchases per expected transaction (activity is the rate's own trait) grow with
    `spend_intensity`: a heavy spender shows it in the card switch's extract."""
    home, summary = busy_bank
    days = sorted(summary["files"])
    pos = pd.concat(pq.read_table(landing_file(home, d, "card_pos"),
                                  columns=["customer_id"]).to_pandas() for d in days)
    people = truth(home, "customers")
    people = people[(people.customer_type == "P") & (people.activity > 0)].set_index(
        "customer_id")
    per_txn = (pos.groupby("customer_id").size().reindex(people.index, fill_value=0)
               / (people.activity * len(days)))
    spend = people.spend_intensity
    top, bottom = spend >= spend.quantile(0.8), spend <= spend.quantile(0.2)
    assert per_txn[top].mean() > 3 * per_txn[bottom].mean()
    assert np.corrcoef(spend.rank(), per_txn.rank())[0, 1] > 0.4


def _transactions(home, days) -> pd.DataFrame:
    """customer_id, channel of every retail-channel transaction of `days` (no defects)."""
    frames = []
    for day in days:
        for source, channel in (("counter_txn", "counter"), ("atm_txn", "atm"),
                                ("card_pos", "pos")):
            path = landing_file(home, day, source)
            ids = (pd.read_csv(path, usecols=["customer_id"]) if path.suffix == ".csv"
                   else pd.read_parquet(path, columns=["customer_id"]))
            frames.append(ids.assign(channel=channel))
        for source in ("online_txn", "mobile_txn"):
            records = json_records(landing_file(home, day, source))
            frames.append(pd.DataFrame({"customer_id": [r["customer_id"] for r in records],
                                        "channel": [r.get("channel", "online")
                                                    for r in records]}))
    return pd.concat(frames, ignore_index=True)


def test_heavy_wechat_users_pay_mostly_by_wechat(busy_bank):
    """Where WeChat affinity separates the heavy users (0.6-0.9, where the truth's
    `wechat_heavy` climbs), the share of their transactions made by WeChat Pay climbs too."""
    home, summary = busy_bank
    txns = _transactions(home, sorted(summary["files"]))
    people = truth(home, "customers")
    people = people[people.customer_type == "P"].set_index("customer_id")
    txns = txns[txns.customer_id.isin(people.index)]
    affinity = people.wechat_affinity.reindex(txns.customer_id).to_numpy()

    def pooled_share(low: float, high: float) -> float:
        band = txns[(affinity >= low) & (affinity < high)]
        return float((band.channel == "wechat").mean())

    light, lower, upper = pooled_share(0, 0.3), pooled_share(0.6, 0.7), pooled_share(0.8, 0.9)
    assert light < 0.08
    print(f"WeChat share by affinity: <0.3 {light:.3f}, 0.6-0.7 {lower:.3f}, "
          f"0.8-0.9 {upper:.3f}")
    assert upper - lower > 0.15, (lower, upper)
