"""Scorecards: a period's points per person, team and branch, after thresholds and targets.

Inputs, all of one or more periods (`period_of` turns a date into `2026-02` or `2026-Q1`):

* `ledger`: split.credit rows (participant_id, role, points, open_date) — linked-marketing
  points;
* `base`: base-product points (participant_id, role, points, open_date) — products.yaml
  `offerable: false` openings, credited to the customer's own manager;
* `staff`: silver.staff (staff_id, role, org_id) — who belongs to which branch or centre.

Per person and period: base points; linked points; the role's threshold (credit.yaml
thresholds.base_points); linked points count only when the base points reach it. Per branch
(or centre): the counted points of its people against `team.target_points_per_branch`; the
achievement, capped at 1 and never below `team.min_factor`, scales each person's counted
points into their final score. A team is a branch's people of one role: its row adds theirs.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from crosslink.config import CreditConfig
from crosslink.decide._catalogue import lookup, require

SCORECARD_COLUMNS = ("period", "level", "unit_id", "org_id", "role", "people", "base_points",
                     "threshold", "threshold_met", "linked_points", "counted_points",
                     "team_factor", "final_points")


def period_of(date: Column, period: str) -> Column:
    if period == "month":
        return F.date_format(date, "yyyy-MM")
    return F.concat(F.year(date).cast("string"), F.lit("-Q"), F.quarter(date).cast("string"))


def _points(rows: DataFrame, name: str, period: str) -> DataFrame:
    require(rows.columns, ("participant_id", "role", "points", "open_date"), f"scorecards({name})")
    return (rows.withColumn("period", period_of(F.col("open_date"), period))
            .groupBy("period", "participant_id", "role").agg(F.sum("points").alias(name)))


def people(ledger: DataFrame, base: DataFrame, staff: DataFrame,
           cfg: CreditConfig) -> DataFrame:
    """One row per person and period (module doc), before the team factor."""
    period = cfg.thresholds.period
    linked, based = _points(ledger, "linked_points", period), _points(base, "base_points", period)
    org = staff.select(F.col("staff_id").alias("participant_id"), "org_id").dropDuplicates(
        ["participant_id"])
    rows = (linked.join(based, ["period", "participant_id", "role"], "full")
            .join(org, "participant_id", "left")
            .fillna(0.0, ["linked_points", "base_points"]))
    threshold = lookup(cfg.thresholds.base_points, F.col("role"), 0.0)
    met = F.col("base_points") >= F.col("threshold")
    return (rows.withColumn("threshold", threshold.cast("double"))
            .withColumn("threshold_met", met)
            .withColumn("counted_points", F.when(met, F.col("linked_points")).otherwise(0.0)))


def scorecards(ledger: DataFrame, base: DataFrame, staff: DataFrame,
               cfg: CreditConfig) -> DataFrame:
    """Person, team and branch rows of every period (SCORECARD_COLUMNS)."""
    persons = people(ledger, base, staff, cfg)
    branch_points = persons.groupBy("period", "org_id").agg(
        F.sum("counted_points").alias("_branch_counted"))
    factor = F.greatest(F.lit(cfg.team.min_factor), F.least(
        F.lit(1.0), F.col("_branch_counted") / F.lit(cfg.team.target_points_per_branch)))
    persons = (persons.join(branch_points, ["period", "org_id"], "left")
               .withColumn("team_factor", factor)
               .withColumn("final_points", F.col("counted_points") * F.col("team_factor")))
    person_rows = persons.select(
        "period", F.lit("person").alias("level"), F.col("participant_id").alias("unit_id"),
        "org_id", "role", F.lit(1).alias("people"), "base_points", "threshold",
        "threshold_met", "linked_points", "counted_points", "team_factor", "final_points")
    return person_rows.unionByName(_rollup(persons, "team", ["org_id", "role"])) \
        .unionByName(_rollup(persons, "branch", ["org_id"]))


def _rollup(persons: DataFrame, level: str, keys: list[str]) -> DataFrame:
    sums = persons.groupBy("period", *keys).agg(
        F.count(F.lit(1)).cast("int").alias("people"),
        *(F.sum(c).alias(c) for c in ("base_points", "threshold", "linked_points",
                                      "counted_points", "final_points")),
        F.bool_and("threshold_met").alias("threshold_met"),
        F.first("team_factor").alias("team_factor"))
    unit = F.concat_ws("/", *keys)
    role = F.col("role") if "role" in keys else F.lit(None).cast("string")
    return sums.select("period", F.lit(level).alias("level"), unit.alias("unit_id"), "org_id",
                       role.alias("role"), "people", "base_points", "threshold",
                       "threshold_met", "linked_points", "counted_points", "team_factor",
                       "final_points")
