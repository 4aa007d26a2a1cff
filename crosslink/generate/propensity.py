"""True propensity: who would open which product, and the daily openings it causes.

For every customer × offerable product of their segment, the daily probability of opening is a
logistic function of the customer's latent traits *and* of the behaviour those traits produce
in the generated data (salary credits, idle balances, channel use, spending mix, links to
companies and what those companies do), plus a small unobservable noise term. Each product's
intercept is calibrated on the generated population so that the expected number of openings in
30 days is a fixed, product-specific share of the segment (base rates differ by product).
Products above a customer's risk rating are unsuitable (probability 0); so are held products.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate.population import (
    CAPEX_INDUSTRIES,
    CUSTODY_INDUSTRIES,
    INCOME_CLIENT,
    INCOME_EXTERNAL,
    industry_mask,
    sigmoid,
    zscore,
)

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

HORIZON_DAYS = 30
MAX_DAILY_PROB = 0.2

# Weights (logit units) on the features below; every product also gets COMMON_WEIGHTS.
RETAIL_WEIGHTS: dict[str, dict[str, float]] = {
    "credit_card": {"payroll_client": 2.2, "salaried": 0.5, "spend": 0.5, "travel": 0.5,
                    "young": 0.8, "old": -1.5, "income": 0.3},
    "wealth_management": {"idle": 1.2, "idle_big": 1.2, "wealth": 0.4, "save": 0.4,
                          "affluent": 0.4, "young": -0.4},
    "mutual_fund": {"idle": 0.9, "idle_big": 0.8, "risk": 1.2, "digital": 0.8, "wealth": 0.3},
    "life_insurance": {"children": 2.0, "income": 0.6, "owner": 0.8, "mid_age": 0.8},
    "personal_loan": {"credit_need": 1.2, "young": 0.6, "low_balance": 0.9, "salaried": 0.5,
                      "save": -0.5},
    "mortgage": {"home_need": 1.0, "income": 0.6, "save": 0.5, "payroll_client": 0.4},
    "personal_pension": {"near_retirement": 3.2, "income": 0.5, "salaried": 0.5},
    "mobile_banking": {"digital": 4.0, "young": 0.6, "wechat_heavy": 0.6, "old": -1.0},
    "wechat_banking": {"wechat_heavy": 3.6, "digital": 0.6},
}
CORPORATE_WEIGHTS: dict[str, dict[str, float]] = {
    "basic_settlement": {"owner_ours": 2.2, "owner_wealthy": 1.0, "size": 0.3},
    "payroll_agency": {"pays_salary_elsewhere": 2.2, "headcount": 0.6, "settles_here": 0.6},
    "cash_management": {"trade": 1.2, "size": 0.8, "large": 0.6},
    "working_capital_loan": {"growth": 1.0, "low_liquidity": 0.8, "trade": 0.4, "capex": 0.3},
    "trade_finance": {"trade": 2.2, "size": 0.3},
    "custody": {"large": 2.0, "fund_assets": 1.0, "custody_industry": 0.8},
    "financial_leasing": {"capex": 1.2, "leasing_industry": 0.8, "large": 0.5, "sme": 0.5},
    "enterprise_annuity": {"large": 1.8, "headcount": 0.8, "payroll_here": 0.6},
    "corporate_ebanking": {"size": 0.5, "activity": 1.4, "owner_ours": 0.3},
}
GENERIC_WEIGHTS = {False: {"wealth": 0.5, "income": 0.3}, True: {"size": 0.5}}
COMMON_WEIGHTS = {"kyc_missing": -1.5, "dormant": -2.0}
NOISE_SD = 0.4

# Expected openings within 30 days, as a share of the segment's customers.
TARGET_SHARE = {
    "credit_card": 0.024, "wealth_management": 0.016, "mutual_fund": 0.010,
    "life_insurance": 0.008, "personal_loan": 0.009, "mortgage": 0.006,
    "personal_pension": 0.012, "mobile_banking": 0.028, "wechat_banking": 0.020,
    "basic_settlement": 0.050, "payroll_agency": 0.055, "cash_management": 0.046,
    "working_capital_loan": 0.060, "trade_finance": 0.046, "custody": 0.045,
    "financial_leasing": 0.045, "enterprise_annuity": 0.045, "corporate_ebanking": 0.065,
}
DEFAULT_TARGET = {False: 0.01, True: 0.04}

# Share of the segment holding the product before the first day (basic_settlement and
# payroll_agency follow the companies' settlement and payroll habits instead).
INITIAL_SHARE = {
    "credit_card": 0.35, "wealth_management": 0.15, "mutual_fund": 0.08, "life_insurance": 0.10,
    "personal_loan": 0.05, "mortgage": 0.12, "personal_pension": 0.05, "mobile_banking": 0.55,
    "wechat_banking": 0.25, "cash_management": 0.15, "working_capital_loan": 0.20,
    "trade_finance": 0.08, "custody": 0.03, "financial_leasing": 0.04,
    "enterprise_annuity": 0.04, "corporate_ebanking": 0.85,
}
DEFAULT_INITIAL = 0.05


def person_features(bank: Bank, balances: bool = True) -> dict[str, np.ndarray]:
    """Per person, roughly unit-scaled. Balance features need the initial balances."""
    p, c = bank.persons, bank.customers
    n = p.n
    age = p.age
    main = bank.book.main_acct[:n]
    bal = bank.book.acct_balance[main] if balances else np.zeros(n)
    employer = np.maximum(p.employer, 0)
    links = bank.links
    owner = np.zeros(n, dtype=bool)
    owner[links.person[np.isin(links.kind, (0, 1))]] = True
    return {
        "young": np.clip((42 - age) / 20, 0, 1), "old": np.clip((age - 62) / 15, 0, 1),
        "mid_age": np.exp(-(((age - 40) / 10) ** 2)),
        "near_retirement": np.exp(-(((age - 56) / 4.5) ** 2)),
        "income": zscore(np.log(p.income)), "wealth": zscore(np.log(p.wealth)),
        "idle": zscore(np.log1p(bal)) if balances else np.zeros(n),
        "idle_big": (bal >= 200_000).astype(float),
        "low_balance": ((bal < 0.5 * p.income) & balances).astype(float),
        "save": zscore(p.save_rate), "digital": p.digital - 0.5,
        "wechat_heavy": np.clip((p.wechat - 0.6) / 0.3, 0, 1),
        "payroll_client": ((p.income_source == INCOME_CLIENT)
                           & bank.companies.payroll_here[employer]).astype(float),
        "salaried": np.isin(p.income_source, (INCOME_CLIENT, INCOME_EXTERNAL)).astype(float),
        "travel": zscore(p.travel), "luxury": zscore(p.luxury), "spend": zscore(p.spend),
        "children": p.children.astype(float), "credit_need": zscore(p.credit_need),
        "home_need": 3 * p.home_need, "risk": (c.risk[:n] - 3) / 2.0,
        "owner": owner.astype(float), "affluent": (c.segment[:n] >= 1).astype(float),
        "kyc_missing": (~c.kyc[:n]).astype(float), "dormant": p.dormant.astype(float),
    }


def company_features(bank: Bank, balances: bool = True) -> dict[str, np.ndarray]:
    co, links, n_p = bank.companies, bank.links, bank.persons.n
    ours = np.bincount(np.maximum(bank.persons.employer[bank.persons.employer >= 0], 0),
                       minlength=co.n)
    owned = np.isin(links.kind, (0, 1))
    owner_ours = np.zeros(co.n, dtype=bool)
    owner_ours[links.company[owned]] = True
    wealthy = owned & (bank.customers.segment[links.person] >= 1)
    owner_wealthy = np.zeros(co.n, dtype=bool)
    owner_wealthy[links.company[wealthy]] = True
    main = bank.book.main_acct[n_p:]
    bal = bank.book.acct_balance[main] if balances else co.turnover
    ebanking = bank.book.has("corporate_ebanking")[n_p:]
    return {
        "large": (co.segment == 2).astype(float), "sme": (co.segment == 1).astype(float),
        "size": zscore(np.log(co.turnover)), "trade": 3 * (co.trade - 0.3),
        "pays_salary_elsewhere": (~co.payroll_here) * np.log1p(ours) / np.log(10) * 2,
        "settles_here": co.settles_here.astype(float),
        "payroll_here": co.payroll_here.astype(float),
        "headcount": zscore(np.log(co.headcount)), "growth": zscore(co.growth),
        "capex": zscore(co.capex), "fund_assets": zscore(co.fund_assets),
        "owner_ours": owner_ours.astype(float), "owner_wealthy": owner_wealthy.astype(float),
        "leasing_industry": industry_mask(co.industry, CAPEX_INDUSTRIES).astype(float),
        "custody_industry": industry_mask(co.industry, CUSTODY_INDUSTRIES).astype(float),
        "low_liquidity": (bal < co.turnover / 24).astype(float),
        "activity": zscore(co.activity) * (~ebanking),
        "kyc_missing": (~bank.customers.kyc[n_p:]).astype(float),
        "dormant": np.zeros(co.n),
    }


def product_score(features: dict[str, np.ndarray], code: str, corporate: bool) -> np.ndarray:
    """A product's true logit before the intercept and the per-pair noise (NOISE_SD): the
    part the customer's traits explain."""
    table = CORPORATE_WEIGHTS if corporate else RETAIL_WEIGHTS
    weights = {**table.get(code, GENERIC_WEIGHTS[corporate]), **COMMON_WEIGHTS}
    n = len(next(iter(features.values())))
    return sum((w * features[f] for f, w in weights.items() if f in features), np.zeros(n))


def within_days(daily_prob, days: int):
    """The chance of opening at least once in `days` days, 1 - (1 - daily_prob) ** days: for
    numpy arrays, pandas Series and Spark Columns alike."""
    return 1 - (1 - daily_prob) ** days


def solve_intercept(score: np.ndarray, target: float, horizon: int = 1) -> float:
    """Intercept b with Σ P(open within horizon | σ(b + score)) = target, by bisection."""
    if len(score) == 0 or target <= 0:
        return -30.0
    lo, hi = -30.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        p = np.minimum(sigmoid(mid + score), MAX_DAILY_PROB if horizon > 1 else 0.98)
        got = within_days(p, horizon).sum()
        lo, hi = (mid, hi) if got < target else (lo, mid)
    return (lo + hi) / 2


def segment_customers(bank: Bank, corporate: bool) -> np.ndarray:
    n_p = bank.persons.n
    return np.arange(n_p, bank.customers.n) if corporate else np.arange(n_p)


def initial_holdings(bank: Bank, rng: np.random.Generator) -> list[tuple[int, np.ndarray]]:
    """(product, customer rows) held before day one: drawn from a softened version of the
    same scores, so holders lean towards the need but many high scorers remain to open."""
    cat, co = bank.book.catalog, bank.companies
    feats = {False: person_features(bank, balances=False),
             True: company_features(bank, balances=False)}
    out = []
    for k in np.flatnonzero(cat.offerable):
        code, corporate = cat.codes[k], bool(cat.corporate[k])
        rows = segment_customers(bank, corporate)
        if code == "basic_settlement":
            out.append((k, rows[co.settles_here]))
            continue
        if code == "payroll_agency":
            out.append((k, rows[co.payroll_here]))
            continue
        suitable = bank.customers.risk[rows] >= cat.risk_level[k]
        score = 0.5 * product_score(feats[corporate], code, corporate)[suitable]
        target = INITIAL_SHARE.get(code, DEFAULT_INITIAL) * len(rows)
        p = sigmoid(solve_intercept(score, min(target, 0.95 * len(score))) + score)
        out.append((k, rows[suitable][rng.random(len(p)) < p]))
    return out


@dataclass
class Propensity:
    products: np.ndarray        # catalog indices of offerable products (matrix columns)
    prob: np.ndarray            # [customer, column] daily probability (float32), 0 = cannot
    segment_rows: np.ndarray    # [customer, column] bool: the product is of the customer's segment
    held_at_start: np.ndarray   # [customer, column] bool


def build_propensity(bank: Bank, rng: np.random.Generator, scale: float) -> Propensity:
    """Daily open probabilities for every customer × offerable product (see module doc)."""
    cat = bank.book.catalog
    products = np.flatnonzero(cat.offerable)
    n = bank.customers.n
    prob = np.zeros((n, len(products)), dtype=np.float32)
    seg = np.zeros((n, len(products)), dtype=bool)
    feats = {False: person_features(bank), True: company_features(bank)}
    for j, k in enumerate(products):
        code, corporate = cat.codes[k], bool(cat.corporate[k])
        rows = segment_customers(bank, corporate)
        seg[rows, j] = True
        score = (product_score(feats[corporate], code, corporate)
                 + rng.normal(0, NOISE_SD, len(rows)))
        ok = (bank.customers.risk[rows] >= cat.risk_level[k]) & ~bank.book.held[rows, k]
        target = TARGET_SHARE.get(code, DEFAULT_TARGET[corporate]) * len(rows)
        b = solve_intercept(score[ok], target, HORIZON_DAYS)
        p = np.minimum(sigmoid(b + score), MAX_DAILY_PROB) * scale
        prob[rows, j] = np.where(ok, np.minimum(p, 1.0), 0.0)
    return Propensity(products=products, prob=prob, segment_rows=seg,
                      held_at_start=bank.book.held[:, products].copy())


def draw_openings(prop: Propensity, blocked: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Today's openings: one Bernoulli draw per customer × product not held (or held) before.
    Returns (customer rows, catalog product indices), ordered by customer then product."""
    u = rng.random(prop.prob.shape, dtype=np.float32)
    hit = (u < prop.prob) & ~blocked[:, prop.products]
    rows, cols = np.nonzero(hit)
    return rows, prop.products[cols]
