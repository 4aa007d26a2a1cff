"""Accounts and product holdings: the bank's book, changed by openings, closings and the day's
transactions, and written as the daily `holdings` snapshot.

Account products (deposit, card, loan accounts) carry an `account_id` and the account's
end-of-day balance; value products (wealth, insurance, custody, ...) carry their own value;
service products (e-channel bindings, payroll agency, ...) have no balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from crosslink.config import ProductsConfig
from crosslink.generate import text
from crosslink.sources import HOLDING_STATUS

ACCOUNT_PRODUCTS = ("debit_account", "general_account", "basic_settlement", "credit_card",
                    "personal_pension", "personal_loan", "mortgage", "working_capital_loan")
SERVICE_PRODUCTS = ("mobile_banking", "wechat_banking", "payroll_agency", "cash_management",
                    "corporate_ebanking")
ACTIVE, CLOSED, DORMANT = (HOLDING_STATUS.index(s) for s in ("active", "closed", "dormant"))
NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Catalog:
    """The product catalogue as arrays (index = position in products.yaml)."""
    codes: tuple[str, ...]
    corporate: np.ndarray       # bool: corporate segment
    offerable: np.ndarray
    risk_level: np.ndarray
    account: np.ndarray         # bool: has an account_id
    service: np.ndarray         # bool: no balance

    @classmethod
    def from_config(cls, products: ProductsConfig) -> Catalog:
        ps = products.products
        return cls(codes=tuple(p.code for p in ps),
                   corporate=np.array([p.segment == "corporate" for p in ps]),
                   offerable=np.array([p.offerable for p in ps]),
                   risk_level=np.array([p.risk_level for p in ps]),
                   account=np.array([p.code in ACCOUNT_PRODUCTS for p in ps]),
                   service=np.array([p.code in SERVICE_PRODUCTS for p in ps]))

    @property
    def n(self) -> int:
        return len(self.codes)

    def index(self, code: str) -> int:
        return self.codes.index(code) if code in self.codes else -1

    def base(self, corporate: bool) -> np.ndarray:
        """Non-offerable (base) products every customer of the segment holds."""
        return np.flatnonzero(~self.offerable & (self.corporate == corporate))


class Book:
    """All accounts and holdings, as growable columnar arrays."""

    def __init__(self, catalog: Catalog, n_customers: int):
        self.catalog = catalog
        self.acct_serial = np.zeros(0, dtype=np.int64)
        self.acct_cust = np.zeros(0, dtype=np.int64)
        self.acct_product = np.zeros(0, dtype=np.int64)
        self.acct_balance = np.zeros(0, dtype=np.float64)
        self.h_serial = np.zeros(0, dtype=np.int64)
        self.h_cust = np.zeros(0, dtype=np.int64)
        self.h_product = np.zeros(0, dtype=np.int64)
        self.h_account = np.zeros(0, dtype=np.int64)
        self.h_opened = np.zeros(0, dtype="datetime64[D]")
        self.h_closed = np.zeros(0, dtype="datetime64[D]")
        self.h_status = np.zeros(0, dtype=np.int8)
        self.h_value = np.zeros(0, dtype=np.float64)
        self.held = np.zeros((n_customers, catalog.n), dtype=bool)
        self.blocked = np.zeros((n_customers, catalog.n), dtype=bool)   # held now or before
        self.main_acct = np.full(n_customers, -1, dtype=np.int64)
        self.card_acct = np.full(n_customers, -1, dtype=np.int64)
        self._acct_next = 6_200_000_000
        self._hold_next = 1_000_000_000
        self._acct_ids: pa.Array | None = None

    # --- changes ---------------------------------------------------------------------------
    def open(self, rng: np.random.Generator, cust: np.ndarray, product: np.ndarray,
             opened: np.ndarray, value: np.ndarray, status: np.ndarray | None = None
             ) -> np.ndarray:
        """Open holdings (and accounts for account products); returns the holding indices.
        `value` is the opening balance (accounts) or value (value products)."""
        n = len(cust)
        is_acct = self.catalog.account[product]
        account = np.full(n, -1, dtype=np.int64)
        if is_acct.any():
            account[is_acct] = self._new_accounts(rng, cust[is_acct], product[is_acct],
                                                  value[is_acct])
        first = len(self.h_serial)
        serial = self._hold_next + np.cumsum(rng.integers(1, 8, size=n))
        self._hold_next = int(serial[-1]) if n else self._hold_next
        hvalue = np.where(is_acct | self.catalog.service[product], np.nan, value)
        self.h_serial = np.concatenate([self.h_serial, serial])
        self.h_cust = np.concatenate([self.h_cust, cust])
        self.h_product = np.concatenate([self.h_product, product])
        self.h_account = np.concatenate([self.h_account, account])
        self.h_opened = np.concatenate([self.h_opened, opened.astype("datetime64[D]")])
        self.h_closed = np.concatenate([self.h_closed, np.full(n, NAT)])
        self.h_status = np.concatenate([self.h_status, np.full(n, ACTIVE, dtype=np.int8)
                                        if status is None else status.astype(np.int8)])
        self.h_value = np.concatenate([self.h_value, hvalue])
        self.held[cust, product] = True
        self.blocked[cust, product] = True
        return np.arange(first, first + n)

    def _new_accounts(self, rng, cust, product, balance) -> np.ndarray:
        n = len(cust)
        first = len(self.acct_serial)
        serial = self._acct_next + np.cumsum(rng.integers(1, 10, size=n))
        self._acct_next = int(serial[-1])
        self.acct_serial = np.concatenate([self.acct_serial, serial])
        self.acct_cust = np.concatenate([self.acct_cust, cust])
        self.acct_product = np.concatenate([self.acct_product, product])
        self.acct_balance = np.concatenate([self.acct_balance, np.round(balance, 2)])
        self._acct_ids = None
        card = self.catalog.index("credit_card")
        idx = np.arange(first, first + n)
        self.card_acct[cust[product == card]] = idx[product == card]
        return idx

    def close(self, holdings: np.ndarray, date: np.datetime64) -> None:
        """Close holdings: status closed, closed_date set, balance 0; the product stays blocked
        (no re-opening within the generated period)."""
        self.h_status[holdings] = CLOSED
        self.h_closed[holdings] = date
        self.h_value[holdings] = np.where(np.isnan(self.h_value[holdings]), np.nan, 0.0)
        acct = self.h_account[holdings]
        self.acct_balance[acct[acct >= 0]] = 0.0
        self.held[self.h_cust[holdings], self.h_product[holdings]] = False
        card = self.catalog.index("credit_card")
        closed_cards = self.h_cust[holdings][self.h_product[holdings] == card]
        self.card_acct[closed_cards] = -1

    def apply_deltas(self, delta: np.ndarray, floor_rng: np.random.Generator,
                     cap: float) -> None:
        """Add the day's net movements to account balances; an account driven below zero is
        reset to a small positive balance (money topped up from elsewhere) and one above `cap`
        is trimmed (money swept elsewhere), so balances follow the transactions roughly and
        stay clean amounts."""
        bal = self.acct_balance + delta
        low = bal < 0
        bal[low] = np.round(floor_rng.uniform(50, 2000, size=int(low.sum())), 2)
        self.acct_balance = np.round(np.minimum(bal, cap), 2)

    # --- views -------------------------------------------------------------------------------
    @property
    def n_accounts(self) -> int:
        return len(self.acct_serial)

    def account_ids(self) -> pa.Array:
        if self._acct_ids is None or len(self._acct_ids) != self.n_accounts:
            self._acct_ids = text.fmt_ids("A", self.acct_serial, 10)
        return self._acct_ids

    def has(self, code: str) -> np.ndarray:
        k = self.catalog.index(code)
        return self.held[:, k] if k >= 0 else np.zeros(self.held.shape[0], dtype=bool)

    def holding_balances(self) -> np.ndarray:
        """End-of-day balance per holding (NaN = null for service products)."""
        bal = self.h_value.copy()
        acct = self.h_account >= 0
        bal[acct] = self.acct_balance[self.h_account[acct]]
        bal[self.h_status == CLOSED] = np.where(np.isnan(bal[self.h_status == CLOSED]),
                                                np.nan, 0.0)
        return bal

    def snapshot(self, customer_ids: pa.Array) -> dict:
        """Columns of the `holdings` source for today's end of day."""
        return {
            "holding_id": text.fmt_ids("H", self.h_serial, 10),
            "customer_id": text.take(customer_ids, self.h_cust),
            "product_code": text.take(text.options(self.catalog.codes), self.h_product),
            "account_id": text.take(self.account_ids(), self.h_account),
            "opened_date": self.h_opened,
            "closed_date": self.h_closed,
            "status": text.take(text.options(HOLDING_STATUS), self.h_status),
            "balance": self.holding_balances(),
        }
