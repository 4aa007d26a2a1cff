"""Renting and house hunting: the visible footprint of the latent need for a home."""

from __future__ import annotations

import numpy as np

from crosslink.generate import vocab
from tests.generate.conftest import online_legs_named, truth


def _people(home):
    people = truth(home, "customers")
    return people[people.customer_type == "P"].set_index("customer_id")


def test_every_housing_payee_is_named_so_the_pipeline_can_tell(gen_config):
    markers = [m.upper() for m in gen_config.pipeline.features.housing_markers]
    for name, bank in vocab.RENTAL_PLATFORMS + vocab.PROPERTY_AGENTS:
        assert any(m in name.upper() for m in markers), name
        assert bank in vocab.OTHER_BANKS
    # ...and no other payee or company word is: a property-fee bill, a real-estate client
    others = [*vocab.BILL_PAYEES, *vocab.LENDERS[0], *vocab.WECHAT_MERCHANTS,
              *(w for words in vocab.INDUSTRY_WORDS.values() for w in words)]
    assert not [o for o in others if any(m in o.upper() for m in markers)]


def test_only_people_looking_for_a_home_pay_rent_and_agents(busy_bank, gen_config):
    home, summary = busy_bank
    legs = online_legs_named(home, sorted(summary["files"]),
                             gen_config.pipeline.features.housing_markers)
    people = _people(home)
    assert len(legs) > 30
    assert set(legs.direction) == {"D"}
    payers = people.loc[legs.customer_id.unique()]
    assert (payers.home_need > 0).all()
    assert payers.age.between(26, 43).all()


def test_the_more_need_the_more_agent_payments(busy_bank, gen_config):
    home, summary = busy_bank
    agents = online_legs_named(home, sorted(summary["files"]), ["REALTY"])
    people = _people(home)
    looking = people[people.home_need > 0]
    counts = agents.groupby("customer_id").size().reindex(looking.index, fill_value=0)
    need = looking.home_need
    top, bottom = need >= need.quantile(0.75), need <= need.quantile(0.25)
    assert counts[top].mean() > 3 * max(counts[bottom].mean(), 0.02)
    assert np.corrcoef(need, counts)[0, 1] > 0.25
