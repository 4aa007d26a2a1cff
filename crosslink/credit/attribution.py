"""Attribution: each product opening credited to at most one prompt.

A sale (`sales`: sale_id, customer_id, product_code, open_date — a new holding) is *touched*
by every prompt for the same customer and product that reached the customer in the
`window_days` before the opening, the opening day included (`prompts`: prompt_id,
customer_id, product_code, touch_date — the day the prompt first reached the customer: contact
by staff, or the customer opening a channel's offer — and value). A prompt nobody acted on
touches nothing. Exactly one of the touching prompts is credited, by the configured rule:

* last_touch    — the latest prompt (ties: the higher value, then the smaller prompt_id);
* first_touch   — the earliest (same ties);
* highest_value — the most valuable (ties: the later, then the smaller prompt_id).

An opening no prompt touched is organic and not credited; a sale is never credited twice,
however many prompts touched it.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from crosslink.config import AttributionConfig
from crosslink.decide._catalogue import require

ATTRIBUTED_DDL = ("sale_id string, customer_id string, product_code string, open_date date, "
                  "prompt_id string, touched_prompts array<string>, touches int")


def _order(rule: str) -> list:
    latest, earliest = F.col("touch_date").desc(), F.col("touch_date").asc()
    value = F.col("value").desc_nulls_last()
    first = {"last_touch": [latest, value], "first_touch": [earliest, value],
             "highest_value": [value, latest]}[rule]
    return [*first, F.col("prompt_id")]


def touches(sales: DataFrame, prompts: DataFrame, window_days: int) -> DataFrame:
    """Every (sale, prompt) pair where the prompt touched the sale (module doc)."""
    require(sales.columns, ("sale_id", "customer_id", "product_code", "open_date"), "touches")
    require(prompts.columns, ("prompt_id", "customer_id", "product_code", "touch_date",
                              "value"), "touches(prompts)")
    p = prompts.select("prompt_id", "customer_id", "product_code", "touch_date", "value")
    s = sales.select("sale_id", "customer_id", "product_code", "open_date")
    return (s.join(p, ["customer_id", "product_code"])
            .where((F.col("touch_date") <= F.col("open_date"))
                   & (F.col("touch_date") >= F.date_sub("open_date", window_days))))


def attribute(sales: DataFrame, prompts: DataFrame, cfg: AttributionConfig) -> DataFrame:
    """One row per credited sale (ATTRIBUTED_DDL): the credited prompt, every prompt that
    touched the sale (sorted) and how many."""
    pairs = touches(sales, prompts, cfg.window_days)
    ranked = pairs.withColumn("_rank", F.row_number().over(
        Window.partitionBy("sale_id").orderBy(*_order(cfg.rule))))
    touched = pairs.groupBy("sale_id").agg(
        F.array_sort(F.collect_list("prompt_id")).alias("touched_prompts"),
        F.count(F.lit(1)).cast("int").alias("touches"))
    return (ranked.where(F.col("_rank") == 1).join(touched, "sale_id")
            .select("sale_id", "customer_id", "product_code", "open_date", "prompt_id",
                    "touched_prompts", "touches"))
