"""jobs/customer_features.py on a tiny lake: three days of hand-written silver tables.

Point in time: features of a date do not change when later data arrives (transactions dated
after it, a later holdings snapshot) and the date is recomputed, incrementally or in full.
That a full roll-up equals the slide is tests/features/test_rollup (crafted window edges) and
tests/jobs/test_features_e2e (five nights of a generated bank).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from crosslink.context import build_context, run_job
from crosslink.tables import table
from jobs import customer_features as job
from tests.features.frames import DAY, days, frame, row

pytestmark = pytest.mark.slow

D0, D1, D2 = DAY - days(1), DAY, DAY + days(1)
GOLD = ("gold.customer_daily", "gold.customer_windows", "gold.customer_features")


def _silver(day: dt.date, later: bool = False) -> dict[str, list[dict]]:
    """One day of silver: P1 is paid 8000 by C1 through us every day; on the later day P1
    also spends a lot and opens a wealth product, and the debit balance jumps."""
    snap = {"snapshot_date": day}
    txns = [row("silver.transactions", txn_id=f"S{day:%d}", business_date=day,
                customer_id="P1", txn_type="payroll", direction="C", amount_cny=8000.0,
                counterparty_is_ours=True, counterparty_bank="CLB",
                counterparty_customer_id="C1", memo="SALARY"),
            row("silver.transactions", txn_id=f"P{day:%d}", business_date=day,
                customer_id="C1", txn_type="payroll", amount_cny=8000.0,
                counterparty_is_ours=True, counterparty_bank="CLB",
                counterparty_customer_id="P1", memo="PAYROLL")]
    holdings = [row("silver.holdings", **snap, holding_id="H1", customer_id="P1",
                    balance=50_000.0 if later else 1000.0),
                row("silver.holdings", **snap, holding_id="H2", customer_id="C1",
                    product_code="payroll_agency", account_id=None, balance=None)]
    if later:
        txns.append(row("silver.transactions", txn_id="X1", business_date=day,
                        customer_id="P1", channel="pos", txn_type="purchase",
                        amount_cny=9999.0, merchant_category="luxury"))
        holdings.append(row("silver.holdings", **snap, holding_id="H3", customer_id="P1",
                            product_code="wealth_management", category="wealth",
                            opened_date=day, balance=20_000.0))
    return {
        "silver.transactions": txns,
        "silver.customers": [row("silver.customers", **snap, customer_id="P1"),
                             row("silver.customers", **snap, customer_id="P2"),
                             row("silver.customers", **snap, customer_id="C1",
                                 customer_type="company", segment="sme", age=None)],
        "silver.holdings": holdings,
        "silver.party_links": [row("silver.party_links", **snap, link_type="employee",
                                   link_types=["employee"])],
    }


def _land(ctx, day: dt.date, later: bool = False) -> None:
    for name, rows in _silver(day, later).items():
        column = "business_date" if name == "silver.transactions" else "snapshot_date"
        ctx.lake.replace(frame(ctx.spark, name, rows), name, {column: day})


@pytest.fixture(scope="module")
def lake(spark, docs_off_config, tmp_path_factory):
    home = tmp_path_factory.mktemp("features_job")
    with pytest.MonkeyPatch.context() as mp:   # then as it was: a package fixture may hold
        mp.setenv("CROSSLINK_HOME", str(home))  # a bank's home
        context = lambda day: build_context(day, docs_off_config, spark=spark)  # noqa: E731
        for day in (D0, D1):
            _land(context(day), day)
            run_job(context(day), job.run)
        yield context


def _checksums(ctx, day: dt.date) -> dict:
    return {n: ctx.lake.checksum(n, where={table(n).partition_by[0]: day}) for n in GOLD}


def _features(ctx, day: dt.date) -> dict[str, dict]:
    rows = ctx.lake.read("gold.customer_features", where={"snapshot_date": day}).collect()
    return {r["customer_id"]: r.asDict() for r in rows}


def test_two_salary_credits_of_8000(lake):
    p1 = _features(lake(D1), D1)["P1"]
    assert (p1["salary_credit_count_30d"], p1["salary_credit_cny_30d"]) == (2, 16000.0)
    assert (p1["salary_ours_count_90d"], p1["employer_payroll_here"], p1["is_employee"]) == \
        (2, 1, 1)


def test_one_row_per_customer_and_the_run_is_logged(lake):
    ctx = lake(D1)
    assert sorted(_features(ctx, D1)) == ["C1", "P1", "P2"]
    runs = ctx.lake.read("ops.runs", where={"business_date": D1, "step": "features"}).collect()
    assert [r["status"] for r in runs] == ["success"]
    assert runs[0]["message"].startswith("mode=incremental")
    assert runs[0]["rows_read"] == 2
    first = ctx.lake.read("ops.runs", where={"business_date": D0, "step": "features"}).first()
    assert first["message"].startswith("mode=full")


def test_later_data_leaves_the_features_of_a_date_unchanged(lake):
    """Point in time: land D2 (a big purchase, a new product, a higher balance), run D2, then
    recompute D1 both ways — every gold partition of D1 is what it was."""
    before = _checksums(lake(D1), D1)
    _land(lake(D2), D2, later=True)
    run_job(lake(D2), job.run)
    assert _features(lake(D2), D2)["P1"]["spend_luxury_cny_30d"] == 9999.0   # D2 did land
    run_job(lake(D1), job.run)
    assert _checksums(lake(D1), D1) == before
    run_job(lake(D1), job.run, True)
    assert _checksums(lake(D1), D1) == before
    p1 = _features(lake(D1), D1)["P1"]
    assert (p1["spend_luxury_cny_30d"], p1["holds_wealth_management"],
            p1["balance_total_cny"]) == (0.0, 0, 1000.0)


def test_a_product_missing_from_the_feature_columns_stops_the_job(config):
    products = config.products.products[:-1]
    ctx = SimpleNamespace(config=SimpleNamespace(products=SimpleNamespace(products=products)))
    with pytest.raises(ValueError, match="holds_"):
        job.check_catalogue(ctx)
