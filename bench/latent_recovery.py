"""How much of each latent trait of the generator the features can read: the ceiling a
propensity model meets before any modelling choice.

    .venv/bin/python bench/latent_recovery.py --home /path/to/bank --date 2026-01-26 \
        [--horizon 7]

For every person, then every company, of gold.customer_features at --date, an XGBoost
regressor (2-fold by customer) predicts each latent of truth/customers.parquet from the model
feature columns; the table shows R² and the three features with the most gain. A latent that
weighs in a product's true propensity (crosslink/generate/propensity.py) but reads near 0 here
is a trait without a footprint in the transactions: no model can rank that product close to
the oracle. home_need is also shown inside its age band (26–42), where all of its variance lives.

Then the same per product: the regressor learns each pair's true logit (logit of daily_prob)
from the features of every eligible pair at --date (the customer neither held it at the
start nor opened it since, and it suits their risk rating), 2-fold by customer. Its expected
AUC against openings within --horizon days (models.metrics.expected_auc: free of the noise of
the draws), next to the oracle's, is the features' reach: what a model with unlimited
positives could get. A product's gap in bench/model_quality.py splits into this reach gap
(history too short, a trait without a footprint, the per-pair noise of
bench/oracle_ceiling.py) and the rest, the cost of learning from few positives.
`--latent-value` adds, per product, the reach gap left if each latent in turn were a feature
(best three): the trait whose missing footprint costs the product most.

The home must have run features for --date (`crosslink nightly` or its features step).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAYROLL_SOURCES = ("client_payroll", "external_salary")
HOME_BAND = (26, 42)


def targets(people: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A person's latent name -> (values, rows it is judged on)."""
    every = np.ones(len(people), dtype=bool)
    band = people.age.between(*HOME_BAND).to_numpy()
    values = {
        "log_income": np.log(people.income_monthly), "log_wealth": np.log(people.wealth),
        "salaried": people.income_source.isin(PAYROLL_SOURCES),
        "payroll_client": people.income_source == "client_payroll",
        "credit_need": people.credit_need, "home_need": people.home_need,
        "save_rate": people.save_rate, "spend": people.spend_intensity,
        "travel": people.travel_affinity, "children": people.has_children,
        "digital": people.digital_affinity, "wechat": people.wechat_affinity,
    }
    out = {name: (np.asarray(v, dtype=float), every) for name, v in values.items()}
    out["home_need (age 26-42)"] = (out["home_need"][0], band)
    return out


def company_targets(companies: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A company's latent name -> (values, rows): the needs behind the corporate products."""
    every = np.ones(len(companies), dtype=bool)
    values = {"growth": companies.growth_need, "capex": companies.capex_need,
              "trade": companies.trade_activity, "fund_assets": companies.fund_assets,
              "log_turnover": np.log(companies.annual_turnover),
              "log_headcount": np.log(companies.headcount)}
    return {name: (np.asarray(v, dtype=float), every) for name, v in values.items()}


def recovery(x: np.ndarray, y: np.ndarray, names: list[str], seed: int = 0
             ) -> tuple[float, list[str]]:
    """Out-of-fold R² of y from x, and the top-3 features by total gain of the last fold."""
    pred, gain = out_of_fold(x, y, names, seed)
    r2 = 1 - np.mean((y - pred) ** 2) / np.var(y)
    return float(r2), sorted(gain, key=gain.get, reverse=True)[:3]


def out_of_fold(x: np.ndarray, y: np.ndarray, names: list[str], seed: int = 0
                ) -> tuple[np.ndarray, dict[str, float]]:
    """2-fold predictions of y from x, and the total gain by feature of the last fold."""
    import xgboost as xgb

    fold = np.random.default_rng(seed).random(len(y)) < 0.5
    pred = np.zeros(len(y))
    params = {"max_depth": 4, "eta": 0.1, "nthread": 2, "seed": seed}
    for train in (fold, ~fold):
        model = xgb.train(params, xgb.DMatrix(x[train], y[train], feature_names=names), 150)
        pred[~train] = model.predict(xgb.DMatrix(x[~train], feature_names=names))
    return pred, model.get_score(importance_type="total_gain")


def product_reach(features: pd.DataFrame, home: Path, day, horizon: int,
                  truth: pd.DataFrame | None = None, products: list[str] | None = None) -> None:
    """Per product: the oracle's expected AUC and the features' reach (module doc); with
    `truth` (truth/customers.parquet), also the reach gap left if each latent in turn were
    a feature, best three."""
    from crosslink.generate.propensity import within_days
    from features.columns import FEATURE_COLUMNS
    from models.metrics import expected_auc

    pairs = pd.read_parquet(home / "truth" / "propensity.parquet")
    opened = pd.read_parquet(home / "truth" / "openings.parquet")
    opened = opened[pd.to_datetime(opened.open_date).dt.date <= day]
    pairs = pairs[(pairs.daily_prob > 0) & ~pairs.held_at_start
                  & (pairs.product_code.isin(products) if products else True)]
    pairs = pairs.merge(opened[["customer_id", "product_code"]].drop_duplicates()
                        .assign(_opened=True), how="left", on=["customer_id", "product_code"])
    pairs = pairs[pairs._opened.isna()]
    names = list(FEATURE_COLUMNS)
    print(f"\n{'product':22s} {'pairs':>8s} {'oracle E-AUC':>12s} {'reach':>6s} {'gap':>6s}")
    for product, group in pairs.groupby("product_code", sort=False):
        rows = features.merge(group[["customer_id", "daily_prob"]], on="customer_id")
        daily = rows.daily_prob.to_numpy(np.float64)
        x, logit = rows[names].to_numpy(np.float32), np.log(daily / (1 - daily))
        pred, _ = out_of_fold(x, logit, names)
        within = within_days(daily, horizon)
        oracle, reach = expected_auc(within, within), expected_auc(within, pred)
        line = (f"{product:22s} {len(rows):>8,d} {oracle:>12.3f} {reach:>6.3f} "
                f"{oracle - reach:>6.3f}")
        if truth is not None:
            line += "  with " + latent_value(rows, truth, x, logit, names, within, oracle)
        print(line, flush=True)


def latent_value(rows: pd.DataFrame, truth: pd.DataFrame, x: np.ndarray, logit: np.ndarray,
                 names: list[str], within: np.ndarray, oracle: float) -> str:
    """The reach gap with each latent of the rows' kind added as a feature, best three.
    `x` and `logit` are the rows' feature matrix and true logits (as `product_reach` fits)."""
    from models.metrics import expected_auc

    rows = rows.merge(truth, how="left", on="customer_id", suffixes=("", "_truth"))
    latents = targets if rows.customer_type.iloc[0] == "person" else company_targets
    gaps = {}
    for name, (values, judged) in latents(rows).items():
        if judged.all():
            pred, _ = out_of_fold(np.column_stack([x, values.astype(np.float32)]), logit,
                                  [*names, "_latent"])
            gaps[name] = oracle - expected_auc(within, pred)
    return ", ".join(f"{n} {gaps[n]:.3f}" for n in sorted(gaps, key=gaps.get)[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--date", required=True)
    parser.add_argument("--horizon", type=int, default=7)
    parser.add_argument("--latent-value", action="store_true",
                        help="per product, the reach gap with each latent as a feature")
    parser.add_argument("--products", type=lambda s: [p for p in s.split(",") if p],
                        help="comma-separated product codes for the reach (default: all)")
    args = parser.parse_args()

    import pyarrow.parquet as pq
    from deltalake import DeltaTable

    from features.columns import FEATURE_COLUMNS

    day = pd.Timestamp(args.date).date()
    features = DeltaTable(str(args.home / "lake" / "gold" / "customer_features")).to_pandas(
        filters=[("snapshot_date", "=", day)])
    truth = pq.read_table(args.home / "truth" / "customers.parquet").to_pandas()
    start = time.perf_counter()
    for kind, latents in (("person", targets), ("company", company_targets)):
        rows = features[features.customer_type == kind].merge(truth, on="customer_id",
                                                              suffixes=("", "_truth"))
        names = [c for c in FEATURE_COLUMNS if c in rows.columns]
        x = rows[names].to_numpy(np.float32)
        print(f"\n{args.home.name} as of {day}: {len(rows):,} {kind}s, {len(names)} features")
        print(f"{'latent':22s} {'R2':>6s}  top features by gain")
        for name, (y, judged) in latents(rows).items():
            r2, top = recovery(x[judged], y[judged], names)
            print(f"{name:22s} {r2:6.3f}  {', '.join(top)}")
    product_reach(features, args.home, day, args.horizon,
                  truth if args.latent_value else None, args.products)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
