"""One-sentence pitches and plain-word reasons, in English and Chinese (routing.yaml pitches).

The template of a prompt is the most specific one for its product and routed role
(`RoutingConfig.pitch`: product + role, product, category + role, category, role, catch-all).
Placeholders: {product} -> the product's name (name_zh in Chinese); {evidence} -> the first
evidence phrase, or routing.yaml `no_evidence` when there is none; {reasons} -> the top three
phrases joined by `reason_separator` (or `no_evidence`). Reasons are the evidence in its
order — rule phrases first, then the model's reasons (`combine`) — at most three.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import ELECTRONIC_ROLE, ROLES, Product, RoutingConfig
from crosslink.decide._catalogue import lookup, require

TOP_REASONS = 3


def templates(routing: RoutingConfig, products: Sequence[Product]) -> dict[str, tuple[str, str]]:
    """"<product>|<role>" -> (en, zh) template, for every product and role."""
    return {f"{p.code}|{role}": (t.en, t.zh)
            for p in products for role in (*ROLES, ELECTRONIC_ROLE)
            for t in (routing.pitch(p, role),)}


def pitch(prompts: DataFrame, routing: RoutingConfig, products: Sequence[Product]
          ) -> DataFrame:
    """`prompts` (product_code, role, evidence, evidence_zh) plus pitch_en, pitch_zh,
    reasons_en and reasons_zh (arrays of at most three phrases)."""
    require(prompts.columns, ("product_code", "role", "evidence", "evidence_zh"), "pitch")
    key = F.concat_ws("|", F.col("product_code"), F.col("role"))
    table = templates(routing, products)
    out = prompts
    for lang, index, name_attr, evidence in (("en", 0, "name", "evidence"),
                                             ("zh", 1, "name_zh", "evidence_zh")):
        reasons = F.slice(F.coalesce(F.col(evidence), F.array().cast("array<string>")),
                          1, TOP_REASONS)
        none = getattr(routing.no_evidence, lang)
        separator = getattr(routing.reason_separator, lang)
        template = lookup({k: v[index] for k, v in table.items()}, key)
        product = lookup({p.code: getattr(p, name_attr) for p in products},
                         F.col("product_code"))
        first = F.coalesce(F.try_element_at(reasons, F.lit(1)), F.lit(none))
        joined = F.when(F.size(reasons) > 0, F.array_join(reasons, separator)) \
            .otherwise(F.lit(none))
        out = out.withColumn(f"reasons_{lang}", reasons).withColumn(
            f"pitch_{lang}", _fill(template, {"product": F.coalesce(product, F.col(
                "product_code")), "evidence": first, "reasons": joined}))
    return out


def _fill(template: Column, values: dict[str, Column]) -> Column:
    """The template with each {name} replaced literally by its value (no regex)."""
    out = template
    for name, value in values.items():
        out = F.replace(out, F.lit("{" + name + "}"), value)
    return out
