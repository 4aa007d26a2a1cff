"""Factoring and equipment purchases: the visible footprint of companies' latent growth and
capex needs."""

from __future__ import annotations

import numpy as np

from crosslink.generate import vocab
from tests.generate.conftest import assert_rises_with, online_legs_named, truth

FACTORS = [name for name, _ in vocab.FACTORS]
VENDORS = [name for name, _ in vocab.EQUIPMENT_VENDORS]


def _companies(home):
    customers = truth(home, "customers")
    return customers[customers.customer_type == "C"].set_index("customer_id")


def test_every_factor_and_vendor_is_named_so_the_pipeline_can_tell(gen_config):
    features = gen_config.pipeline.features
    for table, markers in ((vocab.FACTORS, features.lender_markers),
                           (vocab.EQUIPMENT_VENDORS, features.equipment_markers)):
        for name, bank in table:
            assert any(m.upper() in name.upper() for m in markers), name
            assert bank in vocab.OTHER_BANKS
    # ...and no client's name is: 机械制造, 医疗器械 and 供应链管理 are industry words
    words = [w for ws in vocab.INDUSTRY_WORDS.values() for w in ws]
    marks = [*features.equipment_markers, *features.lender_markers]
    assert not [w for w in words if any(m.upper() in w.upper() for m in marks)]


def _per_company(legs, companies):
    return legs.groupby("customer_id").size().reindex(companies.index, fill_value=0)


def test_companies_that_grow_borrow_from_factors(corporate_bank):
    home, summary = corporate_bank
    legs = online_legs_named(home, sorted(summary["files"]), FACTORS)
    companies = _companies(home)
    assert len(legs) > 50
    assert legs.customer_id.isin(companies.index).all()          # companies only
    assert set(legs.direction) == {"C", "D"}
    signed = np.where(legs.direction == "C", 1.0, -1.0) * legs.amount.astype(float)
    assert abs(signed.sum()) < 0.35 * legs.amount.astype(float).sum()    # roughly balanced
    assert_rises_with(_per_company(legs, companies), companies.growth_need, 5, 0.3)


def test_companies_that_invest_pay_equipment_vendors(corporate_bank):
    home, summary = corporate_bank
    legs = online_legs_named(home, sorted(summary["files"]), VENDORS)
    companies = _companies(home)
    assert len(legs) > 20
    assert set(legs.direction) == {"D"}
    assert_rises_with(_per_company(legs, companies), companies.capex_need, 5, 0.25)


def test_a_company_settling_elsewhere_shows_little_of_it(corporate_bank):
    home, summary = corporate_bank
    legs = online_legs_named(home, sorted(summary["files"]), FACTORS + VENDORS)
    companies = _companies(home)
    counts = _per_company(legs, companies)
    here = companies.settles_with_us == 1.0
    assert counts[here].mean() > 3 * counts[~here].mean()
