"""End to end on the generated bank: every night ran `decide` and `route` (rules only: no
champion yet in this package's bank until test_models_e2e trains one). The day's
opportunities and prompts are checked against the config's promises, the exports against
privacy, a rerun and a policy change against determinism and the documented effect, and the
gold gate against a tampered partition."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from pyspark.sql import functions as F

from crosslink.context import build_context, run_job
from crosslink.prompts_view import show_prompts
from jobs import decide, route
from tests.jobs.conftest import START

# The first night: no prompt history yet, so the most prompts (later nights hold back the
# customers whose prompts are still open). Reruns of it leave later nights alone.
DAY = START

pytestmark = pytest.mark.slow


def decide_and_route(ctx):
    """The two jobs of the opportunity engine, as the nightly runs them; decide's result."""
    result = run_job(ctx, decide.run)
    run_job(ctx, route.run)
    return result


@pytest.fixture(scope="module")
def night(bank):
    return build_context(DAY, bank.config, spark=bank.spark)


@pytest.fixture(scope="module")
def prompts(bank):
    return bank.lake.read("gold.prompts", where={"business_date": DAY}).toPandas()


def test_prompts_and_opportunities_are_written_every_night(bank, prompts):
    runs = bank.lake.read("ops.runs").where("step in ('decide', 'route')").toPandas()
    assert len(runs) == 10 and (runs["status"] == "success").all()
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
    decide_and_route(night)
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
        result = decide_and_route(ctx)
        capped = bank.lake.read("gold.prompts", where={"business_date": DAY}).count()
        assert capped == 0 and result.dropped.get("daily_cap", 0) >= len(prompts)
    finally:
        decide_and_route(night)                   # the bank's own config again
    assert bank.lake.read("gold.prompts", where={"business_date": DAY}).count() == len(prompts)


def test_the_terminal_list_of_a_role(bank, prompts):
    role = prompts["role"].value_counts().index[0]
    text = show_prompts(bank.config, DAY, role=role, limit=5)
    assert text.startswith(f"{(prompts['role'] == role).sum():,} prompts on {DAY}")
    assert text.count("\n      ") >= 10 and not any(c in text for c in prompts["customer_id"])


def test_gold_gate_passes_the_stored_night(night):
    from jobs import gate

    assert run_job(night, gate.run, "gold") == []


def test_gold_gate_stops_publishing_a_tampered_partition(bank, night, prompts):
    """Same row count as the run logged, but two prompts share an id: suite and invariant
    both catch it, and the gate raises (in Airflow: the task fails, publish never runs)."""
    from crosslink import quality
    from jobs import gate

    where = {"business_date": DAY}
    stored = bank.lake.read("gold.prompts", where=where).localCheckpoint()
    first = stored.orderBy("prompt_id").first()["prompt_id"]
    tampered = stored.withColumn("prompt_id", F.lit(first))
    try:
        bank.lake.replace(tampered, "gold.prompts", where)
        with pytest.raises(quality.QualityGateError) as caught:
            run_job(night, gate.run, "gold")
        assert "gold gate failed" in str(caught.value)
        assert "unique" in str(caught.value).lower()
        runs = bank.lake.read("ops.runs", where=where).where("step = 'gate.gold'").collect()
        assert [r["status"] for r in runs] == ["failed"]
    finally:
        bank.lake.replace(stored, "gold.prompts", where)
    assert run_job(night, gate.run, "gold") == []


def test_gold_gate_names_a_missing_route_run(bank, night):
    from jobs import gate

    problems = gate.check_gold_runs(night)
    assert problems == []
    # a day nothing was decided for: both steps are named
    empty = build_context(DAY - dt.timedelta(days=30), bank.config, spark=bank.spark)
    assert gate.check_gold_runs(empty) == ["decide: no run recorded", "route: no run recorded"]
