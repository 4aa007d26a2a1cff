"""End to end on a small generated bank: the nightly pipeline with the features step, then
the gold tables checked against silver, against a full roll-up, against a rerun, and the
labels against the generator's hidden truth."""

from __future__ import annotations

import pandas as pd
import pytest
from pyspark.sql import functions as F

from crosslink.context import run_job
from crosslink.tables import table
from features import FEATURE_COLUMNS
from features.labels import training_frame
from jobs import customer_features as job
from tests.jobs.conftest import DAYS, LAST, START

pytestmark = pytest.mark.slow

GOLD = ("gold.customer_daily", "gold.customer_windows", "gold.customer_features")


def _checksums(ctx) -> dict:
    return {n: ctx.lake.checksum(n, where={table(n).partition_by[0]: LAST}) for n in GOLD}


def test_one_feature_row_per_customer(bank):
    customers = bank.lake.read("silver.customers", where={"snapshot_date": LAST})
    features = bank.lake.read("gold.customer_features", where={"snapshot_date": LAST})
    ids = lambda df: sorted(r[0] for r in df.select("customer_id").collect())  # noqa: E731
    assert ids(features) == ids(customers)
    assert features.count() == features.select("customer_id").distinct().count()


def test_no_feature_is_null_or_nan(bank):
    features = bank.lake.read("gold.customer_features", where={"snapshot_date": LAST})
    doubles = {f.name for f in features.schema.fields if f.dataType.typeName() == "double"}
    bad = features.select(*(F.sum((F.col(c).isNull() | (F.isnan(c) if c in doubles
                                                       else F.lit(False))).cast("int")).alias(c)
                            for c in FEATURE_COLUMNS)).first().asDict()
    assert not {c: n for c, n in bad.items() if n}


def test_every_night_slid_after_the_first(bank):
    runs = bank.lake.read("ops.runs").where("step = 'features'").orderBy("business_date")
    modes = [r["message"].split(",")[0] for r in runs.collect()]
    assert modes == ["mode=full"] + ["mode=incremental"] * (DAYS - 1)


def test_features_find_what_the_generator_planted(bank):
    """Companies paying salaries through us hold payroll agency; the person they pay is
    flagged as employee of a company that runs payroll here."""
    truth = pd.read_parquet(bank.home / "truth" / "customers.parquet")
    features = bank.lake.read("gold.customer_features", where={"snapshot_date": LAST}) \
        .select("customer_id", "is_company", "holds_payroll_agency").toPandas()
    merged = features.merge(truth, on="customer_id")
    assert (merged["is_company"] == (merged["customer_type"] == "C")).all()
    payroll_here = merged[merged["payroll_with_us"] == 1.0]
    assert len(payroll_here) > 0 and (payroll_here["holds_payroll_agency"] == 1).all()


def test_labels_match_the_openings_the_generator_drew(bank):
    """With a horizon from the first to the last date every label 1 is a true opening, and the true
    openings of eligible customers are found (a quarantined holding record may hide one)."""
    horizon = DAYS - 1
    frame = training_frame(bank.lake.read("gold.customer_features"),
                           bank.lake.read("silver.holdings"), bank.config.products.products,
                           [START], horizon)
    found = {(r["customer_id"], r["product_code"]) for r in
             frame.where("label = 1").select("customer_id", "product_code").collect()}
    openings = pd.read_parquet(bank.home / "truth" / "openings.parquet")
    opened = pd.to_datetime(openings["open_date"])
    window = openings[(opened > pd.Timestamp(START)) & (opened <= pd.Timestamp(LAST))]
    truth = set(zip(window["customer_id"], window["product_code"], strict=True))
    assert truth, "the generator drew no openings in the horizon: the test would be vacuous"
    assert found <= truth
    eligible = {(r["customer_id"], r["product_code"])
                for r in frame.select("customer_id", "product_code").collect()}
    assert len(truth & eligible - found) <= max(1, len(truth) // 10)


def test_full_roll_up_equals_the_nightly_slide(bank):
    before = _checksums(bank)
    try:
        run_job(bank, job.run, True)
        assert _checksums(bank) == before
    finally:
        run_job(bank, job.run)    # the run log of the date says "slide" again, as the night did


# A rerun of the whole night leaves every table's content as it was, features included:
# tests/dags/test_nightly_e2e.py::test_crosslink_backfill_rebuilds_the_airflow_night_exactly.
