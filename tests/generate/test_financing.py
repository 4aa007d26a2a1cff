"""Factoring, equipment purchases and securities subscriptions: the visible footprint of
companies' latent growth, capex and custody needs."""

from __future__ import annotations

import numpy as np

from crosslink.generate import vocab
from tests.generate.conftest import assert_rises_with, online_legs_named, truth

FACTORS = [name for name, _ in vocab.FACTORS]
VENDORS = [name for name, _ in vocab.EQUIPMENT_VENDORS]
FIRMS = [name for name, _ in vocab.SECURITIES_FIRMS]


def _companies(home):
    customers = truth(home, "customers")
    return customers[customers.customer_type == "C"].set_index("customer_id")


def test_every_factor_vendor_and_firm_is_named_so_the_pipeline_can_tell(gen_config):
    features = gen_config.pipeline.features
    for table, markers in ((vocab.FACTORS, features.lender_markers),
                           (vocab.EQUIPMENT_VENDORS, features.equipment_markers),
                           (vocab.SECURITIES_FIRMS, features.securities_markers)):
        for name, bank in table:
            assert any(m.upper() in name.upper() for m in markers), name
            assert bank in vocab.OTHER_BANKS
    # ...and no client's name is: 机械制造, 医疗器械 and 供应链管理 are industry words; nor the
    # rental platform that is a 资产管理 company, nor the SOCIAL INSURANCE FUND paying pensions
    words = [w for ws in vocab.INDUSTRY_WORDS.values() for w in ws]
    words += [name for name, _ in vocab.RENTAL_PLATFORMS + vocab.PROPERTY_AGENTS]
    words += [vocab.PENSION_PAYER, *vocab.BILL_PAYEES, *FACTORS, *VENDORS]
    securities = [w for w in words if any(m.upper() in w.upper()
                                          for m in features.securities_markers)]
    assert not securities
    marks = [*features.equipment_markers, *features.lender_markers]
    words = [w for ws in vocab.INDUSTRY_WORDS.values() for w in ws] + FIRMS
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


def test_companies_with_assets_to_keep_subscribe_through_securities_firms(corporate_bank):
    home, summary = corporate_bank
    legs = online_legs_named(home, sorted(summary["files"]), FIRMS)
    companies = _companies(home)
    assert len(legs) > 20
    assert set(legs.direction) == {"D"}
    assert legs.customer_id.isin(companies.index).all()
    assert (legs.amount.astype(float) % 10_000 == 0).all()
    assert_rises_with(_per_company(legs, companies), companies.fund_assets, 5, 0.25)


def test_a_company_settling_elsewhere_shows_little_of_it(corporate_bank):
    home, summary = corporate_bank
    legs = online_legs_named(home, sorted(summary["files"]), FACTORS + VENDORS + FIRMS)
    companies = _companies(home)
    counts = _per_company(legs, companies)
    here = companies.settles_with_us == 1.0
    assert counts[here].mean() > 3 * counts[~here].mean()
