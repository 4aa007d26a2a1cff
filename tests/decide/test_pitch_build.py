"""decide.pitch, decide.ids and decide.build: pitches in both languages, ids, prompt rows."""

from __future__ import annotations

import re

import pytest
from pyspark.sql import functions as F

from crosslink.config import ContactConfig, RoutingConfig
from crosslink.decide.build import build_prompts
from crosslink.decide.columns import PROMPT_COLUMNS
from crosslink.decide.ids import prompt_id
from crosslink.decide.pitch import pitch
from tests.decide.frames import DAY, days, opp, opps

ROUTING = RoutingConfig.model_validate({
    "rules": [{"id": "all", "role": "default"}],
    "no_evidence": {"en": "it fits", "zh": "合适"},
    "pitches": [
        {"product": "credit_card", "role": "teller", "en": "Teller: {product}, as {evidence}.",
         "zh": "柜员：{product}，{evidence}。"},
        {"product": "credit_card", "en": "Card: {reasons}.", "zh": "卡：{reasons}。"},
        {"category": "wealth", "en": "Wealth {product}: {evidence}.",
         "zh": "理财{product}：{evidence}。"},
        {"en": "Offer {product}: {reasons}.", "zh": "推荐{product}：{reasons}。"}]})

EVIDENCE = (["paid by a client", "$1 \\ odd {text}", "spends on travel", "fourth"],
            ["由客户代发", "奇怪", "旅行消费", "第四"])


def _rows(spark):
    rows = [opp("P1", "credit_card", evidence=EVIDENCE[0], evidence_zh=EVIDENCE[1]),
            opp("P2", "credit_card", evidence=EVIDENCE[0][:1], evidence_zh=EVIDENCE[1][:1]),
            opp("P3", "mutual_fund", evidence=[], evidence_zh=[]),
            opp("P4", "mortgage", evidence=EVIDENCE[0][:2], evidence_zh=EVIDENCE[1][:2])]
    roles = {"P1": "teller", "P2": "retail_rm", "P3": "electronic", "P4": "retail_rm"}
    frame = opps(spark, rows)
    role = F.lit(None).cast("string")
    for customer, r in roles.items():
        role = F.when(F.col("customer_id") == customer, r).otherwise(role)
    return frame.withColumn("role", role)


@pytest.fixture(scope="module")
def pitched(spark, config):
    out = pitch(_rows(spark), ROUTING, config.products.products)
    return {r["customer_id"]: r.asDict() for r in out.collect()}


def test_product_and_role_template_in_both_languages(pitched):
    p1 = pitched["P1"]
    assert p1["pitch_en"] == "Teller: Credit card, as paid by a client."
    assert p1["pitch_zh"] == "柜员：信用卡，由客户代发。"


def test_fallbacks_product_then_category_then_catch_all(pitched):
    assert pitched["P2"]["pitch_en"] == "Card: paid by a client."
    assert pitched["P3"]["pitch_en"] == "Wealth Mutual fund: it fits."     # no evidence
    assert pitched["P3"]["pitch_zh"] == "理财基金：合适。"
    assert pitched["P4"]["pitch_en"] == "Offer Mortgage: paid by a client; $1 \\ odd {text}."
    assert pitched["P4"]["pitch_zh"] == "推荐住房按揭：由客户代发；奇怪。"


def test_top_three_reasons_in_plain_words(pitched):
    assert pitched["P1"]["reasons_en"] == EVIDENCE[0][:3]
    assert pitched["P1"]["reasons_zh"] == EVIDENCE[1][:3]
    assert pitched["P3"]["reasons_en"] == []


def test_prompt_id_is_deterministic_and_keyed(spark):
    frame = spark.createDataFrame([("P1", "credit_card", "teller"), ("P1", "credit_card",
                                                                     "retail_rm")],
                                  "customer_id string, product_code string, role string")
    first = [r[0] for r in frame.select(prompt_id(DAY)).collect()]
    again = [r[0] for r in frame.select(prompt_id(DAY)).collect()]
    other_day = [r[0] for r in frame.select(prompt_id(DAY + days(1))).collect()]
    assert first == again and len(set(first)) == 2 and set(first).isdisjoint(other_day)
    assert all(re.fullmatch(r"PR[0-9A-F]{20}", i) for i in first)


def test_build_prompts_columns_and_expiry(spark, config):
    assigned = (_rows(spark)
                .withColumns({c: F.lit("x") for c in ("route_id", "channel", "org_type",
                                                       "org_id", "assignee_id",
                                                       "assignee_type", "assigned_by")})
                .withColumn("referral_path", F.lit(None).cast("string")))
    contact = ContactConfig.model_validate({
        "max_prompts_per_customer_per_day": 1, "max_prompts_per_customer_per_week": 1,
        "cooldown_days_after_decline": {"default": 1}, "prompt_ttl_days": 7})
    out = build_prompts(assigned, DAY, ROUTING, config.products.products, contact)
    assert tuple(out.columns) == PROMPT_COLUMNS
    row = out.where("customer_id = 'P1'").first()
    assert (row["business_date"], row["expiry_date"]) == (DAY, DAY + days(7))
    assert row["pitch_zh"] == "柜员：信用卡，由客户代发。"
