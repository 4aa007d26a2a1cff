"""End to end on the generated bank: every night ran `decide` (rules only: no champion yet in
this package's bank until test_models_e2e trains one). The day's opportunities and prompts
are checked against the config's promises, the exports against privacy, and a rerun and a
policy change against determinism and the documented effect."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crosslink.context import build_context, run_job
from crosslink.prompts_view import show_prompts
from jobs import decide
from tests.jobs.conftest import START

# The first night: no prompt history yet, so the most prompts (later nights hold back the
# customers whose prompts are still open). Reruns of it leave later nights alone.
DAY = START

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def night(bank):
    return build_context(DAY, bank.config, spark=bank.spark)


@pytest.fixture(scope="module")
def prompts(bank):
    return bank.lake.read("gold.prompts", where={"business_date": DAY}).toPandas()


def test_prompts_and_opportunities_are_written_every_night(bank, prompts):
    runs = bank.lake.read("ops.runs").where("step = 'decide'").toPandas()
    assert len(runs) == 5 and (runs["status"] == "success").all()
    later = bank.lake.read("gold.prompts").where(f"business_date > '{DAY}'").toPandas()
    again = later.merge(prompts, on=["customer_id", "product_code"])
    assert not (again["business_date_x"] <= again["expiry_date_y"]).any()   # still open
    assert len(prompts) > 20
    opportunities = bank.lake.read("gold.opportunities", where={"snapshot_date": DAY})
    assert opportunities.count() >= len(prompts)


def test_every_prompt_is_routed_assigned_and_pitched(prompts):
    assert prompts["prompt_id"].is_unique
    assert not prompts.duplicated(["customer_id", "product_code"]).any()
    assert prompts[["role", "channel", "org_id", "assignee_id", "pitch_en",
                    "pitch_zh"]].notna().all().all()
    assert set(prompts["tier"]) <= {"A", "B", "C"}
    assert prompts["rule_ids"].map(len).gt(0).all()           # rules only: no champion yet


def test_rules_cover_retail_corporate_and_linkage(prompts):
    assert {"retail", "linkage"} <= set(prompts["kind"])
    assert prompts["role"].nunique() >= 3


def test_exports_mask_customers_and_split_by_channel_and_role(bank, prompts):
    folder = bank.home / "exports" / DAY.isoformat()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["prompts"] == len(prompts)
    for (channel, role), part in prompts.groupby(["channel", "role"]):
        exported = pd.read_parquet(folder / channel / f"{role}.parquet")
        assert sorted(exported["prompt_id"]) == sorted(part["prompt_id"])
        assert "customer_id" not in exported
        csv_text = (folder / channel / f"{role}.csv").read_text()
        assert not any(cid in csv_text for cid in part["customer_id"])
    branch_rows = sum(pd.read_csv(p).shape[0] for p in (folder / "branches").glob("*.csv"))
    assert branch_rows == len(prompts)


def test_rerun_is_byte_for_byte_the_same(bank, night):
    where = {"business_date": DAY}
    before = bank.lake.checksum("gold.prompts", where=where)
    run_job(night, decide.run)
    assert bank.lake.checksum("gold.prompts", where=where) == before


def test_a_daily_cap_of_zero_stops_every_prompt(bank, night, prompts):
    """policy.yaml: max_prompts_per_customer_per_day is a hard cap, 0 included."""
    assert len(prompts) > 0
    contact = bank.config.policy.contact.model_copy(
        update={"max_prompts_per_customer_per_day": 0})
    policy = bank.config.policy.model_copy(update={"contact": contact})
    ctx = build_context(DAY, bank.config.model_copy(update={"policy": policy}),
                        spark=bank.spark)
    try:
        result = run_job(ctx, decide.run)
        capped = bank.lake.read("gold.prompts", where={"business_date": DAY}).count()
        assert capped == 0 and result.dropped.get("daily_cap", 0) >= len(prompts)
    finally:
        run_job(night, decide.run)                # the bank's own config again
    assert bank.lake.read("gold.prompts", where={"business_date": DAY}).count() == len(prompts)


def test_the_terminal_list_of_a_role(bank, prompts):
    role = prompts["role"].value_counts().index[0]
    text = show_prompts(bank.config, DAY, role=role, limit=5)
    assert text.startswith(f"{(prompts['role'] == role).sum():,} prompts on {DAY}")
    assert text.count("\n      ") >= 10 and not any(c in text for c in prompts["customer_id"])
