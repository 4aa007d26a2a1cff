"""Active lists: evaluate the screening rules of conf/base/rules.yaml on the feature rows."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import ActiveRule, RulesConfig
from crosslink.decide._catalogue import require

HIT_COLUMNS = ("snapshot_date", "customer_id", "customer_type", "product_code", "rule_id", "kind",
               "confidence", "evidence_en", "evidence_zh", "owner_role")


def rule_hits(features: DataFrame, rules_cfg: RulesConfig) -> DataFrame:
    """One row per customer and rule that fired on them.

    `features`: gold.customer_features rows (snapshot_date, customer_id, customer_type and every
    column a rule's `when` reads). A rule fires on a row of its `customer_type` whose predicate
    (params filled in, `RulesConfig.predicate`) is true; null counts as false. All rules are
    evaluated in one pass over `features`.

    Returns (snapshot_date, customer_id, customer_type, product_code, rule_id, kind,
    confidence, evidence_en, evidence_zh, owner_role) — the rule's product and constants.
    """
    require(features.columns, ("snapshot_date", "customer_id", "customer_type"), "rule_hits")
    hits = F.array(*(_hit(rule, rules_cfg.predicate(rule)) for rule in rules_cfg.rules))
    fired = F.filter(hits, lambda hit: hit.isNotNull())
    return (features.select("snapshot_date", "customer_id", "customer_type",
                            F.explode(fired).alias("_hit"))
            .select("snapshot_date", "customer_id", "customer_type", "_hit.*")
            .select(*HIT_COLUMNS))


def _hit(rule: ActiveRule, predicate: str) -> Column:
    """The rule's hit struct when it fires on the row, else null."""
    fires = (F.col("customer_type") == rule.customer_type) & F.expr(predicate)
    return F.when(F.coalesce(fires, F.lit(False)), F.struct(
        F.lit(rule.product).alias("product_code"), F.lit(rule.id).alias("rule_id"),
        F.lit(rule.kind).alias("kind"), F.lit(float(rule.confidence)).alias("confidence"),
        F.lit(rule.evidence_en).alias("evidence_en"),
        F.lit(rule.evidence_zh).alias("evidence_zh"),
        F.lit(rule.owner_role).alias("owner_role")))
