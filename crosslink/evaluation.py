"""Decision quality on generated data: how many offers the day's prompts should win, against
an oracle and two baselines that face the same policy and capacities.

The generator's truth (`truth/propensity.parquet`: the daily opening probability of every
customer x offerable product of their segment; `truth/openings.parquet`) gives each prompt
its **acceptance probability**: the chance the customer opens the product within the
prompt's life (`policy.contact.prompt_ttl_days`),

    p_accept = 1 - (1 - daily_prob) ** ttl_days,   0 when held at the start or opened by then.

A prompt list's **expected accepted offers** is the sum of its prompts' p_accept; its
**expected value** also weighs each by the product's points and campaign weight.

The oracle and the baselines are not separate algorithms: each feeds its own candidates to
the same engine (`jobs/decide.decide`, then `jobs/route.route_prompts`), so they meet the same
eligibility, contact policy, top K, routing and capacities as the pipeline:

* oracle     — every eligible pair, scored with the true p_accept, valued by the bank's own
               value function (objective `value`: the pipeline with perfect knowledge), or by
               p_accept alone (objective `accepts`; see jobs/evaluate.py for why that is
               not an upper bound through this engine). The policy's floors
               (`policy.arbitration.min_model_propensity`, `min_model_lift`) apply to its
               true probabilities as to the models' scores: they are the bank's policy, and
               through this engine they are worth a lot — low-value pairs lower the day's
               tier cut-offs and take customers' daily and weekly room, so on the 100k bench
               bank the floored oracle won 1.28x the unfloored one's value over three days;
* rules only — the active-list rules without any model score;
* random     — every eligible pair with a uniform random score (seeded).

The oracle is the engine's greedy allocation with perfect knowledge: a reference for what
better propensities would buy, not a proven optimum under the capacities.

**Each variant lives with its own past.** Today's prompts shape tomorrow's room (open prompts,
weekly caps), so over consecutive evaluated days every variant's contact policy sees its own
earlier prompts (`ops.evaluation_prompts`), not the pipeline's: an oracle fed the pipeline's
history would harvest, day after day, the good pairs the pipeline's imperfect ranking left
untouched, while the pipeline alone paid for its past picks. A day is the variant's own only
when it was evaluated against the pipeline prompts the lake holds now (`fingerprints`); on
the other days of the look-back window — before the first evaluated day, or after the
pipeline re-decided a day — every variant sees the pipeline's prompts.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink.config import CampaignWeights, Config
from crosslink.decide.columns import HIT_DDL
from crosslink.generate.propensity import within_days
from models.sampling import unit_hash

ORACLE_MODEL, RANDOM_MODEL = "oracle", "random"


def acceptance(propensity: DataFrame, openings: DataFrame, day: dt.date,
               ttl_days: int) -> DataFrame:
    """customer_id, product_code, p_accept (module doc) from the truth tables."""
    opened = (openings.where(F.col("open_date") <= F.lit(day))
              .select("customer_id", "product_code", F.lit(True).alias("_opened"))
              .dropDuplicates(["customer_id", "product_code"]))
    return (propensity.join(opened, ["customer_id", "product_code"], "left")
            .select("customer_id", "product_code", F.when(
                F.col("held_at_start") | F.col("_opened").isNotNull(), F.lit(0.0))
                .otherwise(within_days(F.col("daily_prob"), ttl_days))
                .alias("p_accept")))


def _scores(pairs: DataFrame, day: dt.date, propensity, model: str) -> DataFrame:
    """gold.propensity_scores-shaped rows for candidate pairs, without reasons."""
    return pairs.select(
        F.lit(day).alias("snapshot_date"), "customer_id", "customer_type", "product_code",
        propensity.cast("double").alias("propensity"), F.lit(True).alias("suitable"),
        F.lit(model).alias("model_name"), F.lit(0).alias("model_version"),
        F.lit(None).cast("string").alias("model_run_id"),
        *(F.array().cast("array<string>").alias(c)
          for c in ("reason_features", "reasons", "reasons_zh")))


def candidate_pairs(features: DataFrame, accept: DataFrame) -> DataFrame:
    """Every customer of the snapshot x every offerable product of their segment (the truth
    lists exactly those), with customer_type and p_accept."""
    return features.select("customer_id", "customer_type").join(accept, "customer_id")


def oracle_scores(pairs: DataFrame, day: dt.date) -> DataFrame:
    return _scores(pairs, day, F.col("p_accept"), ORACLE_MODEL)


def random_scores(pairs: DataFrame, day: dt.date, seed: int) -> DataFrame:
    """A uniform score per pair, reproducible: a hash of the seed, customer and product."""
    return _scores(pairs, day, unit_hash(seed, "customer_id", "product_code"), RANDOM_MODEL)


def no_hits(spark) -> DataFrame:
    return spark.createDataFrame([], HIT_DDL)


def oracle_config(config: Config, objective: str = "value") -> Config:
    """The config the oracle allocates with. `value`: the bank's own (the pipeline with
    perfect knowledge); `accepts`: value = propensity (every product worth one point, no
    campaign lever), so it maximises expected accepted offers. The rest of the policy,
    floors included, is the bank's either way."""
    if objective not in ("accepts", "value"):
        raise ValueError(f"objective must be accepts or value, not {objective!r}")
    if objective == "value":
        return config
    products = config.products.model_copy(update={"products": [
        p.model_copy(update={"points": 1}) for p in config.products.products]})
    arbitration = config.policy.arbitration.model_copy(update={
        "campaign_weights": CampaignWeights()})
    policy = config.policy.model_copy(update={"arbitration": arbitration})
    return config.model_copy(update={"products": products, "policy": policy})


def expected(prompts: DataFrame, accept: DataFrame, config: Config) -> dict:
    """prompts, expected accepted offers and expected value (p_accept x points x campaign
    weight, as the configured arbitration weighs them) of a prompt list, and its prompts and
    expected value per role (where the list spends each role's capacity) and per product
    (where the value comes from)."""
    from crosslink.decide import arbitrate

    scored = (prompts.select("customer_id", "product_code", "role")
              .join(accept, ["customer_id", "product_code"], "left")
              .select("role", "product_code",
                      F.coalesce("p_accept", F.lit(0.0)).alias("propensity")))
    valued = arbitrate.value(scored, config.products.products, config.policy.arbitration)
    cells = valued.groupBy("role", "product_code").agg(
        F.count(F.lit(1)).alias("n"), F.sum("propensity").alias("accepts"),
        F.sum("value").alias("value")).collect()
    return {"prompts": sum(int(r["n"]) for r in cells),
            "expected_accepts": float(sum(r["accepts"] for r in cells)),
            "expected_value": float(sum(r["value"] for r in cells)),
            "by_role": _totals(cells, "role"), "by_product": _totals(cells, "product_code")}


def _totals(cells: list, key: str) -> dict[str, dict]:
    """{key value: {prompts, expected_value}} summed over the other key, sorted by key."""
    out: dict[str, dict] = {}
    for r in sorted(cells, key=lambda r: r[key] or ""):
        total = out.setdefault(r[key], {"prompts": 0, "expected_value": 0.0})
        total["prompts"] += int(r["n"])
        total["expected_value"] += float(r["value"])
    return out


HISTORY_PROMPT_COLUMNS = ("prompt_id", "business_date", "expiry_date", "customer_id",
                          "product_code", "role", "assignee_id", "referral_path")


def fingerprints(prompts: DataFrame) -> DataFrame:
    """business_date, pipeline_fingerprint: per day, "<prompts>:<sum of a 31-bit hash of
    each prompt id>:<the same of a second hash>" — equal when the day's prompt ids are."""
    def hashed(column: F.Column) -> F.Column:
        return F.sum(F.pmod(column, F.lit(2**31 - 1))).cast("string")

    return prompts.groupBy("business_date").agg(F.concat_ws(
        ":", F.count(F.lit(1)).cast("string"), hashed(F.xxhash64("prompt_id")),
        hashed(F.hash("prompt_id").cast("long"))).alias("pipeline_fingerprint"))


def own_prompts(current: DataFrame, recorded: DataFrame, variant: str) -> DataFrame:
    """A variant's recorded prompts (`ops.evaluation_prompts` rows) of the days recorded
    against the pipeline prompts those days hold now (`current`: their `fingerprints`);
    stale days are left out."""
    return recorded.where(F.col("variant") == F.lit(variant)).join(
        current, ["business_date", "pipeline_fingerprint"], "left_semi")


def own_history(pipeline: DataFrame, own: DataFrame) -> DataFrame:
    """The earlier prompts a variant's contact policy sees (HISTORY_PROMPT_COLUMNS): its
    own prompts (`own_prompts`) on the days they cover, the pipeline's on the others."""
    shared = pipeline.join(own.select("business_date").distinct(), "business_date", "left_anti")
    return (own.select(*HISTORY_PROMPT_COLUMNS)
            .unionByName(shared.select(*HISTORY_PROMPT_COLUMNS)))


def record(prompts: DataFrame, variant: str, fingerprint: str) -> DataFrame:
    """A variant's prompts of the day as `ops.evaluation_prompts` rows."""
    return prompts.select("business_date", F.lit(variant).alias("variant"), "prompt_id",
                          "expiry_date", "customer_id", "product_code", "role", "channel",
                          "assignee_id", "referral_path",
                          F.lit(fingerprint).alias("pipeline_fingerprint"))
