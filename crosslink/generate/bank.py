"""The whole synthetic bank: built once from config and seed, then advanced one day at a time.

`build_bank` draws the population, links, initial holdings, consent and true propensities;
`Bank.run_day` applies the day's openings and closings, generates every channel's
transactions, moves balances and returns the day's source tables (typed, before formatting and
defects) with the bookkeeping the truth needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from crosslink.config import Config, GeneratorConfig, LinkageConfig
from crosslink.generate import (
    behaviour,
    borrowing,
    financing,
    housing,
    linkflows,
    saving,
    schooling,
    text,
)
from crosslink.generate.holdings import ACTIVE, DORMANT, Book, Catalog
from crosslink.generate.links import Links, build_links
from crosslink.generate.population import (
    DAY,
    Branches,
    Companies,
    Customers,
    Externals,
    Persons,
    Staff,
    assign_managers,
    build_branches,
    build_companies,
    build_customers,
    build_externals,
    build_persons,
    build_staff,
    settle_incomes,
)
from crosslink.generate.propensity import (
    Propensity,
    build_propensity,
    draw_openings,
    initial_holdings,
)
from crosslink.generate.rng import cumulative, lognormal_mean, stream
from crosslink.generate.snapshots import (
    Consent,
    branch_columns,
    build_consent,
    consent_columns,
    crm_link_columns,
    customer_columns,
    staff_columns,
    update_consent,
)
from crosslink.generate.transactions import (
    Day,
    DayTable,
    Part,
    assemble,
    snapshot_table,
)
from crosslink.sources import INDUSTRIES, OUR_BANK, SOURCES, TRANSACTION_SOURCES

DAILY_CLOSE_RATE = 0.0004
AMOUNT_CAP_SHARE = 0.9          # of pipeline.ingest.max_amount
TURNOVER_CAP_SHARE = 0.8
LOAN_PRODUCTS = ("personal_loan", "mortgage", "working_capital_loan")


@dataclass
class Bank:
    config: Config
    seed: int
    start: np.datetime64
    branches: Branches
    staff: Staff
    persons: Persons
    companies: Companies
    customers: Customers
    externals: Externals
    links: Links
    book: Book
    consent: Consent | None = None
    propensity: Propensity | None = None
    tellers: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.int64))
    category_cum: np.ndarray | None = None
    category_mean: np.ndarray | None = None
    renters: tuple = ()             # housing.renters: who rents, where, on which day
    savers: tuple = ()              # saving.savers: who keeps a savings plan, on which day
    families: tuple = ()            # schooling.families: who pays for classes, on which day
    pending: tuple = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
                      np.zeros(0, np.int64))
    openings: list = field(default_factory=list)

    @property
    def gen(self) -> GeneratorConfig:
        return self.config.generator

    @property
    def linkage(self) -> LinkageConfig:
        return self.config.pipeline.linkage

    @property
    def amount_cap(self) -> float:
        """Clean amounts and balances stay below this, so that only injected defects exceed
        the pipeline's ingest.max_amount."""
        return AMOUNT_CAP_SHARE * self.config.pipeline.ingest.max_amount

    def pick_teller(self, rng: np.random.Generator, branch: np.ndarray) -> np.ndarray:
        """A random active teller of each branch (-1 where a branch has none)."""
        sizes = (self.tellers >= 0).sum(axis=1)[branch]
        slot = np.floor(rng.random(len(branch)) * np.maximum(sizes, 1)).astype(np.int64)
        return np.where(sizes > 0, self.tellers[branch, slot], -1)

    def schedule_instalments(self, rng, person, comp, amount, day_index: int) -> None:
        """12% of large purchases are paid in two instalments: book the second one."""
        later = rng.random(len(person)) < 0.12
        due = day_index + rng.integers(3, 13, size=int(later.sum()))
        p, c, a, d = self.pending
        self.pending = (np.concatenate([p, person[later]]), np.concatenate([c, comp[later]]),
                        np.concatenate([a, amount[later]]), np.concatenate([d, due]))

    def due_instalments(self, day_index: int):
        p, c, a, d = self.pending
        now = d == day_index
        self.pending = (p[~now], c[~now], a[~now], d[~now])
        return p[now], c[now], a[now]

    # --- one day ---------------------------------------------------------------------------
    def run_day(self, day: Day) -> DayResult:
        parts: list[Part] = []
        if day.index >= 1:
            parts += self._open_products(day)
            self._close_products(day)
        update_consent(self.consent, day.rng("consent"), day.date)
        parts += behaviour.retail_day(self, day)
        parts += behaviour.corporate_day(self, day)
        parts += linkflows.salary_day(self, day)
        parts += linkflows.owner_day(self, day)
        parts += linkflows.noise_day(self, day)
        parts += borrowing.borrowing_day(self, day)
        parts += housing.housing_day(self, day)
        parts += saving.saving_day(self, day)
        parts += schooling.schooling_day(self, day)
        parts += financing.financing_day(self, day)
        txns = {s: assemble(self, day, s, parts) for s in TRANSACTION_SOURCES}
        delta = sum(np.bincount(t.acct, weights=t.delta, minlength=self.book.n_accounts)
                    for t in txns.values())
        self.book.apply_deltas(delta, day.rng("balance-floor"), self.amount_cap)
        self._end_of_day(day)
        return DayResult(txns, self._snapshots())

    def _snapshots(self) -> dict[str, pa.Table]:
        columns = {
            "branches": branch_columns(self.branches), "staff": staff_columns(self.staff),
            "customers": customer_columns(self),
            "holdings": self.book.snapshot(self.customers.ids),
            "consent": consent_columns(self.consent, self.customers),
            "crm_links": crm_link_columns(self),
        }
        return {name: snapshot_table(SOURCES[name], cols) for name, cols in columns.items()}

    def _open_products(self, day: Day) -> list[Part]:
        rng = day.rng("openings")
        rows, products = draw_openings(self.propensity, self.book.blocked, rng)
        value = opening_values(self, rng, rows, products)
        idx = self.book.open(day.rng("open-ids"), rows, products,
                             np.full(len(rows), day.date), value)
        self.openings.append((rows, products, np.full(len(rows), day.date), idx))
        return opening_flows(self, day, rows, products, value, idx)

    def _close_products(self, day: Day) -> None:
        """A few active, non-base holdings close (never a customer's main account)."""
        book = self.book
        rng = day.rng("closings")
        offerable = book.catalog.offerable[book.h_product]
        main = np.zeros(len(book.h_product), dtype=bool)
        acct = book.h_account >= 0
        main[acct] = book.main_acct[book.h_cust[acct]] == book.h_account[acct]
        ok = offerable & (book.h_status == ACTIVE) & ~main & (book.h_opened < day.date)
        close = np.flatnonzero(ok & (rng.random(len(ok)) < DAILY_CLOSE_RATE))
        book.close(close, day.date)

    def _end_of_day(self, day: Day) -> None:
        """Cards are repaid little by little, loans amortise, investments move with markets."""
        book, cat = self.book, self.book.catalog
        rng = day.rng("markets")
        card = book.acct_product == cat.index("credit_card")
        book.acct_balance[card] = np.round(book.acct_balance[card] * 0.97, 2)
        loans = np.isin(book.acct_product, [cat.index(c) for c in LOAN_PRODUCTS])
        book.acct_balance[loans] = np.round(book.acct_balance[loans] * (1 - 1 / 720), 2)
        fund = (book.h_product == cat.index("mutual_fund")) & (book.h_status == ACTIVE)
        book.h_value[fund] = np.round(book.h_value[fund] * np.exp(
            rng.normal(0.0002, 0.008, size=int(fund.sum()))), 2)
        wmp = (book.h_product == cat.index("wealth_management")) & (book.h_status == ACTIVE)
        book.h_value[wmp] = np.round(book.h_value[wmp] * 1.0001, 2)


@dataclass
class DayResult:
    transactions: dict[str, DayTable]
    snapshots: dict[str, pa.Table]


# --- building the bank -----------------------------------------------------------------------
def build_bank(config: Config, n_customers: int, seed: int, start: np.datetime64) -> Bank:
    gen = config.generator

    def rng(name: str) -> np.random.Generator:
        return stream(seed, "bank", name)

    n_c = max(1, int(round(n_customers * gen.corporate_share)))
    n_p = n_customers - n_c
    branches = build_branches(rng("branches"), n_customers, gen, start)
    staff = build_staff(rng("staff"), branches, gen, config.organisation, start)
    persons = build_persons(rng("persons"), n_p)
    companies = build_companies(rng("companies"), n_c, gen, start)
    cap = TURNOVER_CAP_SHARE * config.pipeline.ingest.max_amount
    companies.turnover = np.round(cap * np.tanh(companies.turnover / cap), 2)
    links = build_links(rng("links"), persons, companies, gen.employment_rate, start)
    ext_industry = rng("ext-industry").integers(0, len(INDUSTRIES), size=max(200, n_c))
    all_names = text.company_names(rng("company-names"),
                                   np.concatenate([companies.industry, ext_industry]))
    externals = build_externals(rng("externals"), n_p, all_names.slice(n_c), n_customers)
    settle_incomes(rng("incomes"), persons, externals.n_employers)
    names = pa.concat_arrays([text.person_names(rng("person-names"), n_p),
                              all_names.slice(0, n_c)])
    customers = build_customers(rng("customers"), persons, companies, names, branches, start)
    assign_managers(rng("managers"), customers, staff, branches.n)
    bank = Bank(config=config, seed=seed, start=start, branches=branches, staff=staff,
                persons=persons, companies=companies, customers=customers,
                externals=externals, links=links,
                book=Book(Catalog.from_config(config.products), n_customers))
    bank.tellers = staff.members("teller", branches.n)
    w = persons.category_weights.astype(np.float64)
    bank.category_cum = cumulative(w)
    bank.category_mean = (w / w.sum(axis=1, keepdims=True)) @ behaviour.CAT_FACTOR
    bank.renters = housing.renters(bank)
    bank.savers = saving.savers(bank)
    bank.families = schooling.families(bank)
    _open_initial(bank, rng("holdings"))
    bank.consent = build_consent(rng("consent"), customers, start)
    bank.propensity = build_propensity(bank, rng("propensity"), gen.open_rate_scale)
    return bank


def _open_initial(bank: Bank, rng: np.random.Generator) -> None:
    """Base products for everyone (the first base account product is the main account),
    offerable products by softened propensity, then balances."""
    book, cat, cust = bank.book, bank.book.catalog, bank.customers
    for corporate in (False, True):
        rows = np.arange(cust.n_person, cust.n) if corporate else np.arange(cust.n_person)
        base = cat.base(corporate)
        accounts = [k for k in base if cat.account[k]]
        if not accounts:
            raise ValueError(f"products.yaml: no base (offerable: false) account product for "
                             f"{'corporate' if corporate else 'retail'} customers")
        for k in base:
            status = np.where(bank.persons.dormant, DORMANT, ACTIVE) if not corporate \
                else None
            idx = book.open(rng, rows, np.full(len(rows), k), cust.since[rows],
                            np.zeros(len(rows)), status)
            if k == accounts[0]:
                book.main_acct[rows] = book.h_account[idx]
    start = bank.start
    for k, rows in initial_holdings(bank, rng):
        since = cust.since[rows]
        span = np.maximum(((start - since) / DAY).astype(np.int64) - 1, 1)
        opened = since + np.floor(rng.random(len(rows)) * span).astype(np.int64) * DAY
        value = opening_values(bank, rng, rows, np.full(len(rows), k))
        idx = book.open(rng, rows, np.full(len(rows), k), opened, value)
        if cat.codes[k] == "basic_settlement":
            book.main_acct[rows] = book.h_account[idx]
    _initial_balances(bank, rng)


def _initial_balances(bank: Bank, rng: np.random.Generator) -> None:
    """Deposits: people who invest keep less idle; some wealthy non-investors keep large idle
    balances (a wealth-management signal). Companies keep ~a month of turnover where they
    settle, little where they do not."""
    p, co, book = bank.persons, bank.companies, bank.book
    invests = book.has("wealth_management")[: p.n] | book.has("mutual_fund")[: p.n]
    share = np.where(invests, rng.beta(2, 5, size=p.n), rng.beta(4, 2, size=p.n))
    deposit = np.maximum(p.wealth * share, p.income * rng.uniform(0.3, 2.0, size=p.n))
    cap = bank.amount_cap
    book.acct_balance[book.main_acct[: p.n]] = np.round(np.minimum(deposit, cap), 2)
    monthly = co.turnover / 12 * lognormal_mean(rng, 1.0, 0.7, size=co.n)
    main = book.main_acct[p.n:]
    book.acct_balance[main] = np.round(np.minimum(monthly * np.where(co.settles_here, 1.0, 0.08),
                                                  cap), 2)
    general = book.catalog.index("general_account")
    other = (book.acct_product == general) & ~np.isin(np.arange(book.n_accounts), main) \
        & (book.acct_cust >= p.n)
    book.acct_balance[other] = np.round(
        co.turnover[book.acct_cust[other] - p.n] / 200 * rng.uniform(0.2, 2, int(other.sum())), 2)


def opening_values(bank: Bank, rng: np.random.Generator, rows: np.ndarray,
                   products: np.ndarray) -> np.ndarray:
    """Balance or value a holding starts with (loans: amount lent; investments: amount put in,
    taken from the main account's balance when opened during the period)."""
    p, co, book = bank.persons, bank.companies, bank.book
    n_p = p.n
    out = np.full(len(rows), np.nan)
    pi = np.minimum(rows, n_p - 1)
    ci = np.clip(rows - n_p, 0, co.n - 1)
    u = rng.random(len(rows))
    income, wealth = p.income[pi], p.wealth[pi]
    turnover = co.turnover[ci]
    balance = book.acct_balance[book.main_acct[rows]]
    by_code = {
        "credit_card": income * 0.6 * u,
        "personal_pension": 36_000 * u,
        "personal_loan": 20_000 + 180_000 * u,
        "mortgage": income * (60 + 140 * u),
        "working_capital_loan": turnover * (0.05 + 0.15 * u),
        "wealth_management": np.maximum(wealth * (0.2 + 0.3 * u), 10_000),
        "mutual_fund": np.maximum(wealth * (0.1 + 0.2 * u), 1_000),
        "life_insurance": income * (2 + 18 * u),
        "trade_finance": turnover * co.trade[ci] * (0.02 + 0.08 * u),
        "custody": turnover * co.fund_assets[ci] * (0.5 + 2.5 * u),
        "financial_leasing": turnover * co.capex[ci] * (0.05 + 0.25 * u),
        "enterprise_annuity": co.headcount[ci] * (5_000 + 25_000 * u),
    }
    for code, values in by_code.items():
        k = book.catalog.index(code)
        mask = products == k
        if code in ("wealth_management", "mutual_fund") and len(book.acct_balance):
            values = np.where(balance > 0, np.minimum(values, np.maximum(balance * 0.5, 1000)),
                              values)
        out[mask] = values[mask]
    unknown = np.isnan(out) & ~book.catalog.service[products] & ~book.catalog.account[products]
    out[unknown] = np.where(rows[unknown] >= n_p, turnover[unknown] * 0.05,
                            wealth[unknown] * 0.1)
    out[book.catalog.account[products] & np.isnan(out)] = 0.0
    return np.round(np.minimum(out, bank.amount_cap), 2)


def opening_flows(bank: Bank, day: Day, rows, products, value, holdings) -> list[Part]:
    """Money that moves when a product is opened: investments are bought from the main
    account; loans are paid out into it."""
    rng = day.rng("opening-flows")
    cat, book = bank.book.catalog, bank.book
    invest = np.isin(products, [cat.index(c) for c in ("wealth_management", "mutual_fund")])
    loan = np.isin(products, [cat.index(c) for c in ("personal_loan", "working_capital_loan")])
    parts = []
    for mask, incoming, memo, type_ in ((invest, False, "理财申购 WMP PURCHASE", "invest"),
                                        (loan, True, "贷款发放 LOAN DISBURSEMENT", "transfer")):
        cust, amount = rows[mask], value[mask]
        n = len(cust)
        sec = 9 * 3600 + rng.integers(0, 9 * 3600, size=n)
        loan_acct = book.h_account[holdings[mask]]
        cols = {"txn_type": type_, "direction": "C" if incoming else "D", "amount": amount,
                "currency": "CNY", "memo": memo, "counterparty_bank": OUR_BANK,
                "counterparty_account": text.take(book.account_ids(), loan_acct),
                "device": text.choose(rng, ("PC-Chrome", "UKEY-A"), n)}
        main = book.main_acct[cust]
        parts.append(Part("online_txn", cust, main, sec, amount if incoming else -amount, cols))
    return parts
