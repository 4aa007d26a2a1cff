"""How much of the oracle AUC no model can reach: the generator's per-pair noise.

    .venv/bin/python bench/oracle_ceiling.py [--customers 100000] [--seed 42] [--horizon 7]

A product's true daily propensity is sigmoid(intercept + traits + noise): `traits` is what the
customer's latent traits explain (crosslink.generate.propensity.product_score) and `noise`
a per-pair draw (NOISE_SD in logit units) that no data reveals. The oracle AUC that
bench/model_quality.py compares models with scores the true propensity, noise included; a
model that read every trait perfectly would score `traits` alone. For each product, over the
pairs eligible on day one (the customer does not hold it, the product suits their risk
rating), this prints the *expected* AUC of both against openings within --horizon days
(expected over the Bernoulli draws, so free of the noise of a few hundred positives) and the
difference: the part of a model's gap to the oracle that is out of any model's reach.

Builds the population only (no days, no Spark): a few seconds at 100k customers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--horizon", type=int, default=7)
    args = parser.parse_args()

    from crosslink.config import load_config
    from crosslink.generate import propensity as truth
    from crosslink.generate.bank import build_bank
    from models.metrics import expected_auc

    config = load_config()
    seed = config.generator.seed if args.seed is None else args.seed
    began = time.perf_counter()
    bank = build_bank(config, args.customers, seed, np.datetime64(config.generator.start))
    traits = {False: truth.person_features(bank), True: truth.company_features(bank)}
    prop, catalog = bank.propensity, bank.book.catalog
    print(f"{args.customers:,} customers, seed {seed}, horizon {args.horizon} days")
    print(f"{'product':22s} {'eligible':>9s} {'positives':>9s} {'oracle':>7s} "
          f"{'traits':>7s} {'noise':>6s}")
    for j, k in enumerate(prop.products):
        code, corporate = catalog.codes[k], bool(catalog.corporate[k])
        rows = truth.segment_customers(bank, corporate)
        daily = prop.prob[rows, j]
        eligible = daily > 0
        within = truth.within_days(daily[eligible].astype(np.float64), args.horizon)
        score = truth.product_score(traits[corporate], code, corporate)[eligible]
        oracle, read = expected_auc(within, within), expected_auc(within, score)
        print(f"{code:22s} {eligible.sum():9,d} {within.sum():9,.0f} {oracle:7.3f} "
              f"{read:7.3f} {oracle - read:6.3f}")
    print(f"{time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
