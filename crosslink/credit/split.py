"""Credit split: a credited sale's shares among the people who worked its prompt.

`attributed` (attribution.attribute rows) is joined to its prompt (`prompts`: prompt_id,
role, assignee_id, referral_path, category) and to the prompt's `participants` (prompt_id,
participant_id, role: the assignee, and whoever it was referred to, from the workflow events).

The shares come from credit.yaml (`CreditConfig.split_for(referral_path, category)`); without
a path or a split the prompt's own role takes the whole sale. A role of the split nobody
played (the referral never happened) drops out and the roles that did share the sale in the
same proportions; several people in one role share that role's part equally. So every
credited sale's shares sum to one. If no participant plays any role of the split, the
prompt's assignee takes the sale.

A ledger row (LEDGER_COLUMNS): one participant of one credited sale — its share, the points
it earns (share x products.yaml points), the path and the config version it was split by.
`ledger_id` is a hash of sale, participant, role and config version: rerunning a period adds
nothing new, and a changed config writes new rows that say which version they follow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from crosslink.config import CreditConfig, Product
from crosslink.decide._catalogue import product_attr, require

LEDGER_COLUMNS = ("ledger_id", "sale_id", "prompt_id", "participant_id", "role", "share",
                  "points", "product_code", "category", "referral_path", "open_date",
                  "config_version")
SPLIT_DDL = "referral_path string, category string, role string, role_share double"


def config_version(cfg: CreditConfig, products: Sequence[Product]) -> str:
    """A short fingerprint of everything a split depends on: credit.yaml and the points."""
    payload = json.dumps({"credit": cfg.model_dump(mode="json"),
                          "points": {p.code: p.points for p in products}}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def split_table(spark, pairs: Sequence[tuple[str | None, str]],
                cfg: CreditConfig) -> DataFrame:
    """(referral_path, category, role, role_share) for each (path, category) present."""
    rows = []
    for path, category in pairs:
        shares = cfg.split_for(path, category)
        for role, share in (shares or {None: 1.0}).items():
            rows.append((path, category, role, share))
    return spark.createDataFrame(rows, SPLIT_DDL)


def credit(attributed: DataFrame, prompts: DataFrame, participants: DataFrame,
           products: Sequence[Product], cfg: CreditConfig, config_version: str) -> DataFrame:
    """Ledger rows of the credited sales (module doc)."""
    require(prompts.columns, ("prompt_id", "role", "assignee_id", "referral_path", "category"),
            "credit(prompts)")
    require(participants.columns, ("prompt_id", "participant_id", "role"),
            "credit(participants)")
    sales = (attributed.select("sale_id", "prompt_id", "product_code", "open_date")
             .join(prompts.select("prompt_id", F.col("role").alias("prompt_role"),
                                  "assignee_id", "referral_path", "category"), "prompt_id"))
    pairs = [(r["referral_path"], r["category"])
             for r in sales.select("referral_path", "category").distinct().collect()]
    splits = split_table(sales.sparkSession, pairs, cfg)
    roles = (sales.join(splits, sales["referral_path"].eqNullSafe(splits["referral_path"])
                        & (sales["category"] == splits["category"]))
             .select(sales["*"], F.coalesce(splits["role"], F.col("prompt_role")).alias("role"),
                     "role_share"))
    played = roles.join(participants.select("prompt_id", "participant_id", "role")
                        .dropDuplicates(), ["prompt_id", "role"])
    fallback = (roles.join(played.select("sale_id").distinct(), "sale_id", "left_anti")
                .dropDuplicates(["sale_id"])
                .select(*[c for c in roles.columns if c not in ("role", "role_share")],
                        F.col("prompt_role").alias("role"), F.lit(1.0).alias("role_share"),
                        F.col("assignee_id").alias("participant_id")))
    people = played.unionByName(fallback)
    per_role = Window.partitionBy("sale_id", "role")
    per_sale = Window.partitionBy("sale_id")
    shared = people.withColumn("_person", F.col("role_share") / F.count(F.lit(1)).over(per_role))
    shared = shared.withColumn("share", F.col("_person") / F.sum("_person").over(per_sale))
    return (shared.withColumn("points", F.col("share") * product_attr(products, "points"))
            .withColumn("config_version", F.lit(config_version))
            .withColumn("ledger_id", F.sha2(F.concat_ws("|", "sale_id", "participant_id",
                                                        "role", "config_version"), 256))
            .select(*LEDGER_COLUMNS))
