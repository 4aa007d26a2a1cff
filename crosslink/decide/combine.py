"""One opportunity per customer x product from active-list hits and model scores.

Propensity: the model's calibrated score when a model scored the pair; a rule's configured
confidence when only rules found it. When both did, policy.yaml `arbitration.rule_with_model`
decides: `model` (the default), the model's score (the model sees the rule's evidence among
its features and is calibrated on openings; the rule still keeps the pair and gives its
phrase); `max`, the larger of the two (a rule as an explicit business judgement that the pair
is worth at least its confidence — but a fixed confidence of 0.12 against a calibrated 0.005
sends the prompt to the wrong customers: on the 100k bench bank `max` reached 0.63 of the
oracle's value, `model` 0.75).

Evidence: the phrases of the rules that fired (best confidence first, then rule id), then the
model's reasons in order of contribution, duplicates (same English and Chinese phrase) removed.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink.decide._catalogue import require

KEYS = ("snapshot_date", "customer_id", "product_code")
OPPORTUNITY_COLUMNS = (
    "snapshot_date", "customer_id", "customer_type", "product_code", "kind", "sources",
    "rule_ids", "owner_role", "rule_confidence", "model_name", "model_version",
    "model_propensity", "propensity", "evidence", "evidence_zh")
SCORE_COLUMNS = ("snapshot_date", "customer_id", "customer_type", "product_code", "propensity",
                 "model_name", "model_version", "reasons", "reasons_zh")


def model_source(model_name: F.Column, model_version: F.Column) -> F.Column:
    """"model:<name>@v<version>", e.g. model:crosslink.credit_card@v3."""
    return F.concat(F.lit("model:"), model_name, F.lit("@v"), model_version.cast("string"))


def opportunities(hits: DataFrame, scores: DataFrame | None = None, *,
                  min_model_propensity: float = 0.0, min_model_lift: float = 0.0,
                  rule_with_model: str = "model") -> DataFrame:
    """Rule hits and model scores merged into one row per (snapshot_date, customer, product).

    `hits`: `rules.rule_hits` output. `scores`: gold.propensity_scores rows (snapshot_date,
    customer_id, customer_type, product_code, propensity, model_name, model_version, reasons,
    reasons_zh) or None. A pair found only by a model is kept when its propensity is at least
    `min_model_propensity` and at least `min_model_lift` times the mean score of its product
    (over `scores`: one day's); rule hits are always kept.

    Returns:
      customer_type; kind — linkage when a linkage rule fired, else the best rule's kind, else
        (model only) retail for a person and corporate for a company;
      sources — the rule ids, then "model:<name>@v<version>" when a model scored the pair;
      rule_ids (best first; empty for model only), owner_role (of the best rule; null for
        model only), rule_confidence (max; null for model only);
      model_name, model_version, model_propensity (null when no model scored it);
      propensity — see the module doc; evidence / evidence_zh — aligned phrase arrays.
    """
    if rule_with_model not in ("max", "model"):
        raise ValueError(f"rule_with_model must be max or model, not {rule_with_model!r}")
    require(hits.columns, ("snapshot_date", "customer_id", "customer_type", "product_code",
                           "rule_id", "kind", "confidence", "evidence_en", "evidence_zh",
                           "owner_role"), "opportunities(hits)")
    ruled = _rules_per_pair(hits)
    if scores is None:
        merged = ruled.select("*", *(F.lit(None).cast(t).alias(c) for c, t in (
            ("model_name", "string"), ("model_version", "int"),
            ("model_propensity", "double"), ("_model_phrases",
                                             "array<struct<en:string,zh:string>>"))))
    else:
        require(scores.columns, SCORE_COLUMNS, "opportunities(scores)")
        scored = scores.select(
            *KEYS, F.col("customer_type").alias("_score_type"), "model_name",
            F.col("model_version").cast("int").alias("model_version"),
            F.col("propensity").alias("model_propensity"),
            F.arrays_zip(F.coalesce("reasons", F.array().cast("array<string>")).alias("en"),
                         F.coalesce("reasons_zh", F.array().cast("array<string>")).alias("zh"))
            .alias("_model_phrases"))
        merged = ruled.join(scored, list(KEYS), "full")
        floor = F.col("model_propensity") >= F.lit(float(min_model_propensity))
        if min_model_lift > 0:      # the means cost a pass over the scores: only when asked
            merged = merged.join(F.broadcast(_product_means(scores)), "product_code", "left")
            floor = floor & (F.col("model_propensity")
                             >= F.lit(float(min_model_lift)) * F.col("_product_mean"))
        merged = (merged.where(F.col("rule_ids").isNotNull() | floor)
                  .withColumn("customer_type", F.coalesce("customer_type", "_score_type"))
                  .drop("_product_mean"))
    no_phrases = F.array().cast("array<struct<en:string,zh:string>>")
    phrases = F.array_distinct(F.concat(F.coalesce("_rule_phrases", no_phrases),
                                        F.coalesce("_model_phrases", no_phrases)))
    model = F.col("model_name").isNotNull()
    no_ids = F.array().cast("array<string>")
    rule_ids = F.coalesce("rule_ids", no_ids)
    return merged.select(
        *KEYS, "customer_type",
        F.coalesce("_rule_kind", F.when(F.col("customer_type") == "company", "corporate")
                   .otherwise("retail")).alias("kind"),
        F.when(model, F.concat(rule_ids, F.array(model_source(F.col("model_name"),
                                                              F.col("model_version")))))
        .otherwise(rule_ids).alias("sources"),
        rule_ids.alias("rule_ids"), "owner_role", "rule_confidence", "model_name",
        "model_version", "model_propensity",
        (F.greatest("model_propensity", "rule_confidence") if rule_with_model == "max"
         else F.coalesce("model_propensity", "rule_confidence")).alias("propensity"),
        F.transform(phrases, lambda p: p["en"]).alias("evidence"),
        F.transform(phrases, lambda p: p["zh"]).alias("evidence_zh"),
    ).select(*OPPORTUNITY_COLUMNS)


def _product_means(scores: DataFrame) -> DataFrame:
    """product_code, _product_mean: the mean score of each product over `scores`."""
    return scores.groupBy("product_code").agg(F.avg("propensity").alias("_product_mean"))


def _rules_per_pair(hits: DataFrame) -> DataFrame:
    """Per pair: rules best first (confidence desc, rule id), their phrases, kind, owner."""
    ordered = F.sort_array(F.collect_list(F.struct(
        (-F.col("confidence")).alias("neg_confidence"), "rule_id", "kind", "owner_role",
        F.struct(F.col("evidence_en").alias("en"), F.col("evidence_zh").alias("zh"))
        .alias("phrase"))))
    per_pair = hits.groupBy(*KEYS).agg(
        F.max("customer_type").alias("customer_type"),
        ordered.alias("_rules"), F.max("confidence").alias("rule_confidence"),
        F.max((F.col("kind") == "linkage").cast("int")).alias("_linkage"))
    best = F.col("_rules")[0]
    return per_pair.select(
        *KEYS, "customer_type", "rule_confidence",
        F.transform("_rules", lambda r: r["rule_id"]).alias("rule_ids"),
        F.when(F.col("_linkage") == 1, F.lit("linkage")).otherwise(best["kind"])
        .alias("_rule_kind"),
        best["owner_role"].alias("owner_role"),
        F.transform("_rules", lambda r: r["phrase"]).alias("_rule_phrases"))
