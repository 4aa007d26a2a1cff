"""Everyday behaviour: the visible footprint of a person's card-spending intensity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from tests.generate.conftest import landing_file, truth


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
