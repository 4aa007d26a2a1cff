"""JobContext's date windows: the rows of a table between two dates, by its partition column."""

from __future__ import annotations

import datetime as dt

from crosslink.context import build_context

DAY = dt.date(2026, 1, 10)


def _prompts(spark, days: list[dt.date]):
    from crosslink.tables import table

    empty = spark.createDataFrame([], table("gold.prompts").ddl)
    rows = spark.createDataFrame([(f"P{d.day}", d) for d in days],
                                 "prompt_id string, business_date date")
    return empty.unionByName(rows, allowMissingColumns=True)


def test_between_reads_the_closed_window_and_defaults_to_the_business_date(spark, home, config):
    ctx = build_context(DAY, config, spark=spark)
    days = [DAY - dt.timedelta(days=n) for n in range(6)]          # Jan 5 … Jan 10
    for day in days:
        ctx.lake.replace(_prompts(spark, [day]), "gold.prompts", {"business_date": day})

    assert ctx.days_ago(3) == dt.date(2026, 1, 7)
    earlier = ctx.between("gold.prompts", ctx.days_ago(3), ctx.days_ago(1))
    assert sorted(r.prompt_id for r in earlier.collect()) == ["P7", "P8", "P9"]
    through_today = ctx.between("gold.prompts", ctx.days_ago(1))
    assert sorted(r.prompt_id for r in through_today.collect()) == ["P10", "P9"]


def test_between_an_absent_table_is_empty_with_its_schema(spark, home, config):
    from crosslink.tables import table

    ctx = build_context(DAY, config, spark=spark)
    got = ctx.between("feedback.prompt_events", ctx.days_ago(7))
    assert got.isEmpty()
    assert got.schema.simpleString() == spark.createDataFrame(
        [], table("feedback.prompt_events").ddl).schema.simpleString()
