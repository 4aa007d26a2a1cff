"""Consumer credit at other lenders: the visible footprint of the latent credit need."""

from __future__ import annotations

import numpy as np

from crosslink.generate import vocab
from tests.generate.conftest import assert_rises_with, online_legs_named, truth

CONSUMER_LENDERS = [name for name, _ in vocab.LENDERS]


def test_every_lender_is_named_so_the_pipeline_can_tell(gen_config):
    markers = [m.upper() for m in gen_config.pipeline.features.lender_markers]
    for name, bank in vocab.LENDERS + vocab.FACTORS:
        assert any(m in name.upper() for m in markers), name
        assert bank in vocab.OTHER_BANKS


def test_borrowers_are_the_people_who_need_credit(busy_bank):
    home, summary = busy_bank
    legs = online_legs_named(home, sorted(summary["files"]), CONSUMER_LENDERS)
    people = truth(home, "customers")
    people = people[people.customer_type == "P"].set_index("customer_id")
    assert legs.customer_id.isin(people.index).all()             # persons only
    assert set(legs.direction) == {"C", "D"}
    assert (legs.direction == "D").mean() > 0.6                  # mostly repayments
    counts = legs.groupby("customer_id").size().reindex(people.index, fill_value=0)
    assert_rises_with(counts, people.credit_need, 4, 0.4)


def test_drawdowns_and_repayments_roughly_balance(busy_bank):
    home, summary = busy_bank
    legs = online_legs_named(home, sorted(summary["files"]), CONSUMER_LENDERS)
    signed = np.where(legs.direction == "C", 1.0, -1.0) * legs.amount.astype(float)
    assert abs(signed.sum()) < 0.35 * legs.amount.astype(float).sum()
