"""Payroll legs, internal transfers and the link truth agree with the transactions."""

from __future__ import annotations

import pandas as pd
import pytest

from crosslink.generate import vocab
from crosslink.sources import OUR_BANK
from tests.generate.conftest import flat, json_records, landing_file, truth


@pytest.fixture(scope="module")
def busy(busy_bank):
    """The busy bank's online and mobile legs, plus who owns which account and name."""
    home, summary = busy_bank
    days = sorted(summary["files"])
    frames = []
    for day in days:
        for source in ("online_txn", "mobile_txn"):
            recs = [flat(r) for r in json_records(landing_file(home, day, source))]
            frames.append(pd.DataFrame(recs).assign(source=source, day=day))
    legs = pd.concat(frames, ignore_index=True)
    holdings = pd.read_csv(landing_file(home, days[-1], "holdings"), dtype=str)
    customers = pd.read_csv(landing_file(home, days[0], "customers"), dtype=str)
    owner = dict(zip(holdings.account_id, holdings.customer_id, strict=True))
    companies = customers[customers.customer_type == "C"]
    by_name = dict(zip(companies.customer_name, companies.customer_id, strict=True))
    legs["cp_customer"] = legs["counterparty.account"].map(owner)
    named = legs["counterparty.name"].map(by_name)
    legs["cp_customer"] = legs.cp_customer.fillna(named)
    salary_memos = {m.format(ym=d[:7]) for m in vocab.SALARY_MEMOS for d in days}
    legs["salary"] = legs.memo.isin(salary_memos) & (legs.direction == "C")
    return home, legs, customers


def _mirror(legs: pd.DataFrame) -> pd.DataFrame:
    """Internal legs (counterparty is an account of ours) joined to their other leg."""
    internal = legs[(legs["counterparty.bank"] == OUR_BANK)
                    & legs.cp_customer.notna() & legs["counterparty.account"].notna()]
    other = internal.rename(columns={"account_id": "cp_acct2", "counterparty.account": "acct2",
                                     "direction": "direction2", "txn_id": "txn_id2"})
    return internal.merge(other[["source", "ts", "amount", "cp_acct2", "acct2", "direction2",
                                 "txn_id2"]],
                          left_on=["source", "ts", "amount", "account_id",
                                   "counterparty.account"],
                          right_on=["source", "ts", "amount", "acct2", "cp_acct2"], how="left")


def test_internal_transfers_have_both_legs(busy):
    _, legs, _ = busy
    loans = legs.memo.eq(vocab.LOAN_MEMO)
    joined = _mirror(legs[~loans])
    assert len(joined) > 100
    assert joined.txn_id2.notna().all()
    assert (joined.direction != joined.direction2).all()
    assert (joined.txn_id != joined.txn_id2).all()


def test_payroll_debits_have_credit_legs(busy):
    _, legs, _ = busy
    payroll = legs[(legs.type == "payroll") & legs["counterparty.account"].notna()]
    assert (payroll.direction == "D").sum() > 20
    joined = _mirror(payroll)
    assert joined.txn_id2.notna().all()
    credits = payroll[payroll.direction == "C"]
    assert credits.memo.str.contains("SALARY").all()


def test_salary_credits_come_from_the_true_employer(busy):
    home, legs, _ = busy
    people = truth(home, "customers").set_index("customer_id")
    salary = legs[legs.salary & legs.cp_customer.str.startswith("C", na=False)]
    assert len(salary) > 20
    assert (people.loc[salary.customer_id, "employer_id"].values == salary.cp_customer).all()
    external = salary[salary["counterparty.bank"] != OUR_BANK]
    assert len(external) > 0
    banks = people.loc[external.cp_customer, "other_bank"].values
    assert (external["counterparty.bank"].values == banks).all()


def test_link_truth_matches_evidence(busy):
    home, legs, _ = busy
    links = truth(home, "links")
    key = ["person_id", "company_id"]
    person = legs.customer_id.str.startswith("P", na=False)
    company = legs.cp_customer.str.startswith("C", na=False)
    sal = legs[person & company & legs.salary].rename(
        columns={"customer_id": "person_id", "cp_customer": "company_id"})
    big = legs[person & company & ~legs.salary & (legs.amount >= 20_000)].rename(
        columns={"customer_id": "person_id", "cp_customer": "company_id"})
    counts = links.set_index(key)
    sal_n = sal.groupby(key).size()
    big_n = big.groupby(key).size()
    assert set(sal_n.index) <= set(counts.index)
    assert (counts.salary_txns.reindex(sal_n.index) == sal_n).all()
    assert counts.salary_txns.sum() == sal_n.sum()
    linked = big_n[big_n.index.isin(counts.index)]
    assert (counts.transfer_txns.reindex(linked.index) == linked).all()
    assert counts.transfer_txns.sum() == linked.sum()
    revealed = links[links.revealed_by == "owner_transfer"]
    assert len(revealed) > 0 and (revealed.transfer_txns >= 2).all()
    paid = links[links.revealed_by == "payroll"]
    assert len(paid) > 0 and (paid.salary_txns >= 1).all() and (paid.company_payees >= 3).all()


def test_crm_links_are_a_part_of_the_truth(small_bank):
    home, summary = small_bank
    links = truth(home, "links")
    crm = pd.read_csv(landing_file(home, sorted(summary["files"])[-1], "crm_links"), dtype=str)
    crm = crm[crm.link_id.str.fullmatch(r"L\d{8}", na=False)].drop_duplicates()
    known = links[links.in_crm]
    assert set(crm.link_id) <= set(known.link_id)
    assert len(known) < len(links)
    by_type = links.groupby("link_type").in_crm.mean()
    assert by_type["owner"] > by_type["employee"]
