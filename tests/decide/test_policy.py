"""decide.policy: consent, do-not-disturb, open prompts, cooldowns and the caps."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from crosslink.config import ContactConfig
from crosslink.decide.policy import apply_contact_policy
from tests.decide.frames import DAY, consent, days, history, opp, opps

CFG = ContactConfig.model_validate({
    "max_prompts_per_customer_per_day": 2, "max_prompts_per_customer_per_week": 4,
    "cooldown_days_after_decline": {"default": 30, "products": {"credit_card": 60}},
    "prompt_ttl_days": 7, "no_new_while_open": True, "respect_do_not_disturb": True})


def _run(spark, rows, grants, earlier=(), dnd=(), cfg=CFG):
    kept, dropped = apply_contact_policy(opps(spark, rows), consent(spark, grants, dnd),
                                         history(spark, list(earlier)), DAY, cfg)
    return ({(r["customer_id"], r["product_code"]) for r in kept.collect()},
            {(r["customer_id"], r["product_code"]): r["reason"] for r in dropped.collect()})


def test_consent_and_do_not_disturb(spark):
    rows = [opp("P1", "credit_card"), opp("P2", "credit_card"), opp("P3", "credit_card")]
    kept, dropped = _run(spark, rows, {"P1": ("wechat",), "P2": (), "P3": "all"}, dnd=("P3",))
    assert kept == {("P1", "credit_card")}
    assert dropped == {("P2", "credit_card"): "no_consent",
                       ("P3", "credit_card"): "do_not_disturb"}


def test_with_a_channel_consent_is_checked_on_that_channel(spark):
    rows = [opp("P1", "credit_card"), opp("P1", "mortgage")]
    frame = opps(spark, rows).withColumn(
        "channel", F.when(F.col("product_code") == "credit_card", "wechat")
        .otherwise("branch_rm"))
    kept, dropped = apply_contact_policy(frame, consent(spark, {"P1": ("branch_rm",)}),
                                         history(spark, []), DAY, CFG)
    assert [r["product_code"] for r in kept.collect()] == ["mortgage"]
    assert [(r["product_code"], r["reason"]) for r in dropped.collect()] == [
        ("credit_card", "no_consent")]


def test_open_prompt_until_its_expiry(spark):
    rows = [opp("P1", "credit_card"), opp("P1", "mortgage"), opp("P1", "mutual_fund"),
            opp("P2", "credit_card")]
    earlier = [
        {"customer_id": "P1", "product_code": "credit_card", "expiry_date": DAY},  # open today
        {"customer_id": "P1", "product_code": "mortgage", "expiry_date": DAY - days(1)},
        {"customer_id": "P1", "product_code": "mutual_fund", "status": "accepted"},
        {"customer_id": "P2", "product_code": "credit_card", "business_date": DAY,
         "expiry_date": DAY + days(7)},          # today's own earlier run: ignored
    ]
    cfg = CFG.model_copy(update={"max_prompts_per_customer_per_day": 5,
                                 "max_prompts_per_customer_per_week": 10})
    kept, dropped = _run(spark, rows, {"P1": "all", "P2": "all"}, earlier, cfg=cfg)
    assert dropped == {("P1", "credit_card"): "open_prompt"}
    assert kept == {("P1", "mortgage"), ("P1", "mutual_fund"), ("P2", "credit_card")}
    off = cfg.model_copy(update={"no_new_while_open": False})
    assert _run(spark, rows, {"P1": "all", "P2": "all"}, earlier, cfg=off)[1] == {}


def test_cooldown_after_a_decline_per_product(spark):
    def declined(product, ago, **extra):
        return {"customer_id": "P1", "product_code": product, "status": "declined",
                "business_date": DAY - days(ago), **extra}

    rows = [opp("P1", p) for p in ("credit_card", "mortgage", "mutual_fund", "life_insurance")]
    earlier = [declined("credit_card", 59),                      # 60-day override: still on
               declined("mortgage", 30),                          # default 30: just over
               declined("mutual_fund", 29),                       # default 30: still on
               declined("life_insurance", 45, status_date=DAY - days(10))]  # decided later
    cfg = CFG.model_copy(update={"max_prompts_per_customer_per_day": 9,
                                 "max_prompts_per_customer_per_week": 20})
    kept, dropped = _run(spark, rows, {"P1": "all"}, earlier, cfg=cfg)
    assert dropped == {("P1", "credit_card"): "cooldown", ("P1", "mutual_fund"): "cooldown",
                       ("P1", "life_insurance"): "cooldown"}
    assert kept == {("P1", "mortgage")}


def test_daily_cap_keeps_the_best_by_value(spark):
    rows = [opp("P1", "credit_card", value=1.0), opp("P1", "mortgage", value=3.0),
            opp("P1", "mutual_fund", value=2.0), opp("P2", "credit_card", value=0.1)]
    kept, dropped = _run(spark, rows, {"P1": "all", "P2": "all"})
    assert kept == {("P1", "mortgage"), ("P1", "mutual_fund"), ("P2", "credit_card")}
    assert dropped == {("P1", "credit_card"): "daily_cap"}


def test_weekly_cap_counts_the_six_days_before(spark):
    rows = [opp("P1", "credit_card", value=2.0), opp("P1", "mortgage", value=1.0),
            opp("P2", "credit_card")]
    earlier = [{"customer_id": "P1", "product_code": "x", "status": "accepted",
                "business_date": DAY - days(d)} for d in (1, 3, 6)]
    earlier += [{"customer_id": "P2", "product_code": "x", "status": "accepted",
                 "business_date": DAY - days(d)} for d in (7, 8, 9, 10)]      # last week
    kept, dropped = _run(spark, rows, {"P1": "all", "P2": "all"}, earlier)
    assert kept == {("P1", "credit_card"), ("P2", "credit_card")}
    assert dropped == {("P1", "mortgage"): "weekly_cap"}


@pytest.mark.parametrize("per_day, expected", [(2, 2), (1, 1)])
def test_lowering_the_daily_cap_halves_a_customers_prompts(spark, per_day, expected):
    """The documented effect of contact.max_prompts_per_customer_per_day."""
    rows = [opp("P1", p, value=v) for p, v in (("credit_card", 3.0), ("mortgage", 2.0),
                                                 ("mutual_fund", 1.0))]
    cfg = CFG.model_copy(update={"max_prompts_per_customer_per_day": per_day})
    kept, _ = _run(spark, rows, {"P1": "all"}, cfg=cfg)
    assert len(kept) == expected
    assert ("P1", "credit_card") in kept
