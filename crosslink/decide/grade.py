"""Classification and grading: class = "<category>/<kind>" (e.g. wealth/linkage) and tier.

Tiers (policy.yaml grading), on `value`:

    thresholds   value >= a: A, value >= b: B, else C
    quantiles    the same with a and b replaced by the exact a- and b-percentiles of the values
                 of the frame graded (the day's opportunities): with a = 0.8 about the top 20%
                 are A. Ties at a cut-off take the higher tier.

A null value is C.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import GradingConfig
from crosslink.decide._catalogue import require


def opportunity_class(category: Column, kind: Column) -> Column:
    return F.concat_ws("/", category, kind)


def grade(opps: DataFrame, grading: GradingConfig) -> DataFrame:
    """`opps` (category, kind, value) plus `class` and `tier` (A, B or C)."""
    require(opps.columns, ("category", "kind", "value"), "grade")
    rows = opps.withColumn("class", opportunity_class(F.col("category"), F.col("kind")))
    if grading.method == "thresholds":
        a, b = F.lit(float(grading.thresholds.a)), F.lit(float(grading.thresholds.b))
        return rows.withColumn("tier", _tier(a, b))
    cuts = opps.agg(F.percentile("value", float(grading.quantiles.a)).alias("_cut_a"),
                    F.percentile("value", float(grading.quantiles.b)).alias("_cut_b"))
    return (rows.crossJoin(F.broadcast(cuts)).withColumn("tier", _tier(F.col("_cut_a"),
                                                                       F.col("_cut_b")))
            .drop("_cut_a", "_cut_b"))


def _tier(a: Column, b: Column) -> Column:
    v = F.col("value")
    return (F.when(F.coalesce(v >= a, F.lit(False)), F.lit("A"))
            .when(F.coalesce(v >= b, F.lit(False)), F.lit("B")).otherwise(F.lit("C")))
