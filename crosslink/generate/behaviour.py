"""Everyday transactions on every channel: what people and companies do on an ordinary day.

Each customer makes a Poisson number of transactions a day (rate from config × their activity
trait); a person's channel mix follows age and digital / WeChat affinity (mobile app only with
the mobile banking binding), their amounts follow income and saving habit (spending about (1 -
`save_rate`) of income), card spending follows their category mix, and their card-spending
intensity (`spend`) sets how much of their everyday business goes by card. Companies bank mostly
online (counter without corporate e-banking), settle little with us when their main bank is
elsewhere, and trading companies have foreign `trade` flows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.generate import text, vocab
from crosslink.generate.population import industry_mask
from crosslink.generate.rng import cumulative, lognormal_mean, pick_rows
from crosslink.generate.transactions import Day, Part, pair, seconds
from crosslink.sources import ATM_CODES, COUNTER_CODES, MERCHANT_CATEGORIES, OUR_BANK

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

RETAIL_CHANNELS = ("counter", "atm", "online", "mobile_app", "wechat", "pos")
CHANNEL_AMOUNT = np.array([3.0, 2.0, 2.5, 1.2, 0.2, 1.0])    # relative ticket size
STRUCTURED_SHARE = 0.92     # the rest of the configured volume comes from salaries, links, noise
FX_CURRENCIES = ("USD", "EUR", "HKD")
CAT_FACTOR = np.array([vocab.POS_CATEGORIES[c][2] for c in MERCHANT_CATEGORIES])


def retail_rates(bank: Bank) -> np.ndarray:
    return bank.gen.retail_txn_per_day * bank.persons.activity * STRUCTURED_SHARE


def retail_mix(bank: Bank) -> np.ndarray:
    """[person, channel] weights over RETAIL_CHANNELS; recomputed daily (holdings change).

    The card (POS) weight spans 0.05-0.95 with `spend`: a heavy card spender pays by card
    for most of what a light one does at the counter or the ATM (the share of card
    transactions reads `spend` at a rank correlation of about 0.7 over 36 days). The WeChat
    weight, 2 w³, climbs steeply where WeChat affinity separates the heavy users (0.6-0.9):
    they pay most small bills by WeChat Pay, a light user hardly ever.
    """
    p = bank.persons
    d, mobile = p.digital, bank.book.has("mobile_banking")[: p.n]
    return np.column_stack([0.10 + 0.35 * (1 - d), 0.12 + 0.08 * (1 - d), 0.10 * d,
                            0.45 * d * mobile, 2.0 * p.wechat ** 3, 0.05 + 0.9 * p.spend])


def retail_ticket(bank: Bank, mix: np.ndarray) -> np.ndarray:
    """Mean ticket per person such that expected daily spending ≈ (1 - save_rate) × income/30."""
    p = bank.persons
    share = mix / mix.sum(axis=1, keepdims=True)
    norm = share @ CHANNEL_AMOUNT
    spend = np.maximum(1 - p.save_rate, 0.3) * p.income / 30
    return np.maximum(15.0, spend / np.maximum(retail_rates(bank), 0.05) / norm)


def retail_day(bank: Bank, day: Day) -> list[Part]:
    rng = day.rng("retail")
    lam = retail_rates(bank)
    cust = np.repeat(np.arange(bank.persons.n), rng.poisson(lam))
    mix = retail_mix(bank)
    ticket = retail_ticket(bank, mix)
    channel = pick_rows(rng, cumulative(mix), cust)
    builders = (_counter_retail, _atm, _online_retail, _mobile_app, _wechat, _pos)
    parts: list[Part] = []
    for c, build in enumerate(builders):
        sub = cust[channel == c]
        if len(sub):
            parts += build(bank, day.rng("retail", RETAIL_CHANNELS[c]), sub,
                           ticket[sub] * CHANNEL_AMOUNT[c])
    return parts


# --- shared pieces ---------------------------------------------------------------------------
def _money(rng, mean: np.ndarray, sigma: float = 0.9) -> np.ndarray:
    return np.round(np.maximum(lognormal_mean(rng, mean, sigma), 1.0), 2)


def _fx(rng, amount_cny: np.ndarray, mask: np.ndarray):
    """Currency per record (foreign where mask) and the amount in that currency."""
    cur = np.where(mask, rng.choice(len(FX_CURRENCIES), size=len(mask), p=[0.6, 0.2, 0.2]), -1)
    rate = np.where(cur >= 0, np.array([vocab.FX_RATES[c] for c in FX_CURRENCIES])[cur], 1.0)
    currency = text.take(text.options(("CNY",) + FX_CURRENCIES), cur + 1)
    return currency, np.round(amount_cny / rate, 2), rate


def _ext_person(bank: Bank, rng, n: int) -> dict:
    ext = bank.externals
    k = rng.integers(0, len(ext.person_names), size=n)
    return {"counterparty_account": text.take(ext.person_accounts, k),
            "counterparty_name": text.take(ext.person_names, k),
            "counterparty_bank": text.take(ext.person_banks, k)}


def _ext_company(bank: Bank, rng, n: int) -> dict:
    ext = bank.externals
    k = rng.integers(0, len(ext.company_names), size=n)
    return {"counterparty_account": text.take(ext.company_accounts, k),
            "counterparty_name": text.take(ext.company_names, k),
            "counterparty_bank": text.take(ext.company_banks, k)}


def _where(mask: np.ndarray, a: dict, b: dict) -> dict:
    """Per-record choice between two counterparty dicts (missing keys are null)."""
    n = len(mask)
    return {key: _if_else(mask, a.get(key, pa.nulls(n, text.STR)),
                          b.get(key, pa.nulls(n, text.STR))) for key in sorted({*a, *b})}


def _if_else(mask, a: pa.Array, b: pa.Array) -> pa.Array:
    return pc.if_else(mask if isinstance(mask, pa.Array) else pa.array(mask), a, b)


def _codes(values: tuple[str, ...], index: np.ndarray) -> pa.Array:
    return text.take(text.options(values), index)


def _memo(rng, choices: tuple[str, ...], n: int) -> pa.Array:
    memo = text.choose(rng, choices, n)
    return pc.if_else(pc.equal(memo, text.lit("")), pa.scalar(None, text.STR), memo)


def _main(bank: Bank, cust: np.ndarray) -> np.ndarray:
    return bank.book.main_acct[cust]


def _internal_payees(rng, payer: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Random other customers in [lo, hi) (never the payer itself)."""
    if hi - lo < 2:
        return payer.copy()
    other = rng.integers(lo, hi - 1, size=len(payer))
    return np.where(other >= payer, other + 1, other)


# --- counter and ATM ---------------------------------------------------------------------------
def _counter_retail(bank: Bank, rng, cust, ticket) -> list[Part]:
    fx_ok = bank.persons.travel[cust] > 0.35
    return [counter(bank, rng, cust, ticket, (0.28, 0.30, 0.17, 0.20, 0.05), fx_ok, False)]


def counter(bank: Bank, rng, cust, ticket, code_p, fx_ok, corporate: bool) -> Part:
    """Branch counter transactions: deposits in, everything else out; FX in foreign currency."""
    n = len(cust)
    code = rng.choice(len(COUNTER_CODES), size=n, p=code_p)
    dep, cash = code == 0, np.isin(code, (0, 1))
    code[(code == 4) & ~fx_ok] = 3
    amount = _money(rng, ticket)
    amount[cash] = np.maximum(100.0, np.round(amount[cash] / 100) * 100)
    currency, amount_fx, rate = _fx(rng, amount, code == 4)
    home = bank.customers.branch[cust]
    branch = np.where(rng.random(n) < 0.85, home, rng.integers(0, bank.branches.n, size=n))
    teller = bank.pick_teller(rng, branch)
    cp = _ext_company(bank, rng, n) if corporate else _ext_person(bank, rng, n)
    trf = pa.array(code == 2)
    bill = text.choose(rng, vocab.BILL_PAYEES, n)
    cols = {
        "branch_id": text.take(bank.branches.ids, branch),
        "teller_id": text.take(bank.staff.ids, teller),
        "txn_code": _codes(COUNTER_CODES, code), "amount": amount_fx, "currency": currency,
        "counterparty_account": _if_else(trf, cp["counterparty_account"],
                                         pa.nulls(n, text.STR)),
        "counterparty_name": _if_else(trf, cp["counterparty_name"],
                                      _if_else(pa.array(code == 3), bill, pa.nulls(n, text.STR))),
        "counterparty_bank": _if_else(trf, cp["counterparty_bank"], pa.nulls(n, text.STR)),
        "memo": _codes(tuple(vocab.COUNTER_MEMOS[c] for c in COUNTER_CODES), code),
    }
    delta = np.where(dep, amount, -amount)
    return Part("counter_txn", cust, _main(bank, cust), seconds(rng, "branch", n), delta, cols)


def _atm(bank: Bank, rng, cust, ticket) -> list[Part]:
    n = len(cust)
    code = rng.choice(len(ATM_CODES), size=n, p=[0.62, 0.10, 0.08, 0.20])
    cash = np.isin(code, (0, 1))
    amount = _money(rng, ticket)
    amount[cash] = np.clip(np.round(amount[cash] / 100) * 100, 100, 20000)
    amount[code == 3] = 0.0
    home = bank.customers.branch[cust]
    branch = np.where(rng.random(n) < 0.7, home, rng.integers(0, bank.branches.n, size=n))
    machine = 1 + rng.integers(0, 1 + (branch % 4))
    cols = {"atm_id": text.concat("ATM", text.digits(branch + 1, 3), text.digits(machine, 2)),
            "txn_code": _codes(ATM_CODES, code), "amount": amount, "currency": "CNY"}
    delta = np.where(code == 1, amount, -amount)
    return [Part("atm_txn", cust, _main(bank, cust), seconds(rng, "atm", n), delta, cols)]


# --- online banking and mobile -----------------------------------------------------------------
_ONLINE_KINDS = ("transfer", "payment", "bill", "invest", "fx", "transfer")   # last one: in


def _online_retail(bank: Bank, rng, cust, ticket) -> list[Part]:
    n = len(cust)
    kind = rng.choice(6, size=n, p=[0.36, 0.24, 0.18, 0.07, 0.05, 0.10])
    investor = bank.book.has("wealth_management")[cust] | bank.book.has("mutual_fund")[cust]
    kind[(kind == 3) & ~investor] = 1
    kind[(kind == 4) & (bank.persons.travel[cust] <= 0.35)] = 1
    amount = _money(rng, ticket)
    internal = (kind == 0) & (rng.random(n) < 0.2) & (bank.persons.n > 1)
    parts = [_transfer_pairs(bank, rng, "online_txn", cust[internal], amount[internal],
                             {"txn_type": "transfer", "device": text.choose(
                                 rng, vocab.DEVICES_RETAIL, int(internal.sum()))}, "online")]
    keep = ~internal
    cust, kind, amount = cust[keep], kind[keep], amount[keep]
    n = len(cust)
    currency, amount_fx, rate = _fx(rng, amount, kind == 4)
    incoming = kind == 5
    cp = _where(np.isin(kind, (0, 5)), _ext_person(bank, rng, n), _ext_company(bank, rng, n))
    named = pa.array(np.isin(kind, (0, 1, 5)))
    invest_name = pa.array(np.where(kind == 3, "本行理财 CLB WEALTH", None), text.STR)
    bill = text.choose(rng, vocab.BILL_PAYEES, n)
    cols = {
        "txn_type": _codes(_ONLINE_KINDS, kind), "direction": _codes(("D", "C"),
                                                                      incoming.astype(int)),
        "amount": amount_fx, "currency": currency,
        "counterparty_account": _if_else(named, cp["counterparty_account"],
                                         pa.nulls(n, text.STR)),
        "counterparty_name": _if_else(named, cp["counterparty_name"], _if_else(
            pa.array(kind == 2), bill, invest_name)),
        "counterparty_bank": _if_else(named, cp["counterparty_bank"], pa.array(
            np.where(kind == 3, OUR_BANK, None), text.STR)),
        "memo": _codes(("转账 TRANSFER", "网购 ONLINE PURCHASE", "缴费 BILL",
                        "理财申购 WMP PURCHASE", "购汇 FX", "转入 TRANSFER IN"), kind),
        "device": text.choose(rng, vocab.DEVICES_RETAIL, n),
    }
    delta = np.where(incoming, amount, -amount)
    parts.append(Part("online_txn", cust, _main(bank, cust), seconds(rng, "online", n),
                      delta, cols))
    return parts


def _transfer_pairs(bank: Bank, rng, source: str, payer, amount, debit_cols: dict,
                    profile: str, extra: dict | None = None) -> Part:
    """Person-to-person transfers inside the bank: both legs."""
    payee = _internal_payees(rng, payer, 0, bank.persons.n)
    memo = _memo(rng, vocab.TRANSFER_MEMOS, len(payer))
    credit = {k: v for k, v in debit_cols.items() if k != "device"}
    return pair(bank, source, payer, _main(bank, payer), payee, _main(bank, payee), amount,
                seconds(rng, profile, len(payer)), {**debit_cols, "memo": memo, **(extra or {})},
                {**credit, "memo": memo, **(extra or {})})


_MOBILE_KINDS = ("transfer", "payment", "bill", "topup", "invest")


def _mobile_app(bank: Bank, rng, cust, ticket) -> list[Part]:
    """Mobile banking app: transfers (30% to another of our customers, both legs), merchant
    payments, bills, top-ups, investments. Money from other banks never lands here: inbound
    interbank credits are online_txn C legs."""
    n = len(cust)
    kind = rng.choice(5, size=n, p=[0.32, 0.38, 0.13, 0.11, 0.06])
    investor = bank.book.has("wealth_management")[cust] | bank.book.has("mutual_fund")[cust]
    kind[(kind == 4) & ~investor] = 1
    amount = _money(rng, ticket)
    amount[kind == 3] = rng.choice([30.0, 50.0, 100.0, 200.0], size=int((kind == 3).sum()))
    internal = (kind == 0) & (rng.random(n) < 0.3) & (bank.persons.n > 1)
    parts = [_transfer_pairs(bank, rng, "mobile_txn", cust[internal], amount[internal],
                             {"txn_type": "transfer", "channel": "mobile_app"}, "mobile")]
    keep = ~internal
    cust, kind, amount = cust[keep], kind[keep], amount[keep]
    n = len(cust)
    cp = _ext_person(bank, rng, n)
    person = pa.array(kind == 0)
    merchant = _if_else(pa.array(kind == 1), text.choose(rng, vocab.WECHAT_MERCHANTS, n),
                        _if_else(pa.array(kind == 3), text.choose(rng, vocab.TOPUP_MERCHANTS, n),
                                 pa.nulls(n, text.STR)))
    bill = text.choose(rng, vocab.BILL_PAYEES, n)
    cols = {
        "channel": "mobile_app", "txn_type": _codes(_MOBILE_KINDS, kind), "direction": "D",
        "amount": amount, "currency": "CNY", "merchant": merchant,
        "counterparty_account": _if_else(person, cp["counterparty_account"],
                                         pa.nulls(n, text.STR)),
        "counterparty_name": _if_else(person, cp["counterparty_name"], _if_else(
            pa.array(kind == 2), bill, pa.nulls(n, text.STR))),
        "counterparty_bank": _if_else(person, cp["counterparty_bank"], pa.nulls(n, text.STR)),
        "memo": _codes(("转账 TRANSFER", "消费 PAYMENT", "缴费 BILL", "充值 TOPUP",
                        "理财申购 WMP PURCHASE"), kind),
    }
    parts.append(Part("mobile_txn", cust, _main(bank, cust), seconds(rng, "mobile", n), -amount,
                      cols))
    return parts


def _wechat(bank: Bank, rng, cust, ticket) -> list[Part]:
    """WeChat Pay drawn on our debit card: many small merchant payments, some top-ups and
    transfers to WeChat friends (no bank account visible)."""
    n = len(cust)
    kind = rng.choice(3, size=n, p=[0.85, 0.08, 0.07])
    amount = _money(rng, ticket, 0.8)
    merchant = _if_else(pa.array(kind == 0), text.choose(rng, vocab.WECHAT_MERCHANTS, n),
                        _if_else(pa.array(kind == 1), text.choose(rng, vocab.TOPUP_MERCHANTS, n),
                                 pa.nulls(n, text.STR)))
    friend = _ext_person(bank, rng, n)["counterparty_name"]
    cols = {"channel": "wechat", "txn_type": _codes(("payment", "topup", "transfer"), kind),
            "direction": "D", "amount": amount, "currency": "CNY", "merchant": merchant,
            "counterparty_name": _if_else(pa.array(kind == 2), friend, pa.nulls(n, text.STR)),
            "memo": _codes(("微信支付 WECHAT PAY", "话费充值 TOPUP", "微信转账 TRANSFER"), kind)}
    return [Part("mobile_txn", cust, _main(bank, cust), seconds(rng, "mobile", n), -amount,
                 cols)]


def _pos(bank: Bank, rng, cust, ticket) -> list[Part]:
    """Card purchases: category from the person's mix."""
    category = pick_rows(rng, bank.category_cum, cust)
    amount = _money(rng, ticket * CAT_FACTOR[category] / bank.category_mean[cust], 0.8)
    return [card_purchases(bank, rng, cust, category, amount)]


def card_purchases(bank: Bank, rng, cust, category, amount) -> Part:
    """Card purchases of `category` (index into MERCHANT_CATEGORIES) at one of its merchants,
    on the credit card when the person holds one (60% of the time)."""
    n = len(cust)
    ext = bank.externals
    per_cat = len(ext.merchant_category) // len(MERCHANT_CATEGORIES)
    merchant = category * per_cat + rng.integers(0, per_cat, size=n)
    card = bank.book.card_acct[cust]
    credit = (card >= 0) & (rng.random(n) < 0.6)
    acct = np.where(credit, card, _main(bank, cust))
    serial = bank.book.acct_serial[acct] % 10**12
    card_no = text.concat(_codes(("6217", "6259"), credit.astype(int)), text.digits(serial, 12))
    cols = {"card_no": card_no, "merchant_id": text.take(ext.merchant_ids, merchant),
            "mcc": text.take(ext.merchant_mcc, merchant),
            "merchant_category": _codes(MERCHANT_CATEGORIES, category), "amount": amount,
            "currency": "CNY"}
    delta = np.where(credit, amount, -amount)   # a card account's balance is what is owed
    return Part("card_pos", cust, acct, seconds(rng, "pos", n), delta, cols)


# --- companies ---------------------------------------------------------------------------------
def corporate_day(bank: Bank, day: Day) -> list[Part]:
    rng = day.rng("corporate")
    co, n_p = bank.companies, bank.persons.n
    lam = (bank.gen.corporate_txn_per_day * co.activity * STRUCTURED_SHARE
           * np.where(co.settles_here, 1.0, 0.12))
    comp = np.repeat(np.arange(co.n), rng.poisson(lam))
    ticket = co.turnover / 250 / np.maximum(lam, 0.3)
    ebank = bank.book.has("corporate_ebanking")[n_p:]
    cash_business = industry_mask(co.industry, ("retail_trade", "hospitality"))
    at_counter = ~ebank[comp] | (cash_business[comp] & (rng.random(len(comp)) < 0.2))
    c_comp = comp[at_counter]
    parts = [counter(bank, day.rng("corporate", "counter"), n_p + c_comp, ticket[c_comp],
                     (0.35, 0.2, 0.3, 0.15, 0.0), np.zeros(len(c_comp), dtype=bool), True)]
    o_comp = comp[~at_counter]
    parts += _online_corporate(bank, day.rng("corporate", "online"), o_comp, ticket[o_comp])
    parts.append(_trade(bank, day.rng("corporate", "trade")))
    return parts


def _online_corporate(bank: Bank, rng, comp, ticket) -> list[Part]:
    """Supplier payments (D), customer receipts (C), bills, FX; 10% of payments and receipts
    are with another of our companies (both legs)."""
    n_p, co = bank.persons.n, bank.companies
    n = len(comp)
    kind = rng.choice(5, size=n, p=[0.42, 0.42, 0.06, 0.04, 0.06])
    kind[(kind == 3) & (co.trade[comp] < 0.3)] = 0
    amount = _money(rng, ticket, 1.0)
    internal = np.isin(kind, (0, 1)) & (rng.random(n) < 0.1) & (co.n > 1)
    cust = n_p + comp
    other = n_p + _internal_payees(rng, comp[internal], 0, co.n)
    pay = kind[internal] == 0
    payer = np.where(pay, cust[internal], other)
    payee = np.where(pay, other, cust[internal])
    m = int(internal.sum())
    memo = text.numbered_memos(rng, vocab.SUPPLIER_MEMOS, m)
    device = text.choose(rng, vocab.DEVICES_CORPORATE, m)
    parts = [pair(bank, "online_txn", payer, _main(bank, payer), payee, _main(bank, payee),
                  amount[internal], seconds(rng, "business", m),
                  {"txn_type": "payment", "memo": memo, "device": device},
                  {"txn_type": "payment", "memo": memo})]
    keep = ~internal
    cust, kind, amount = cust[keep], kind[keep], amount[keep]
    n = len(cust)
    currency, amount_fx, rate = _fx(rng, amount, kind == 3)
    incoming = kind == 1
    cp = _ext_company(bank, rng, n)
    named = pa.array(np.isin(kind, (0, 1, 4)))
    memo = _if_else(pa.array(incoming), text.numbered_memos(rng, vocab.RECEIPT_MEMOS, n),
                    text.numbered_memos(rng, vocab.SUPPLIER_MEMOS, n))
    cols = {
        "txn_type": _codes(("payment", "transfer", "bill", "fx", "transfer"), kind),
        "direction": _codes(("D", "C"), incoming.astype(int)), "amount": amount_fx,
        "currency": currency,
        "counterparty_account": _if_else(named, cp["counterparty_account"],
                                         pa.nulls(n, text.STR)),
        "counterparty_name": _if_else(named, cp["counterparty_name"], _if_else(
            pa.array(kind == 2), text.choose(rng, vocab.BILL_PAYEES, n), pa.nulls(n, text.STR))),
        "counterparty_bank": _if_else(named, cp["counterparty_bank"], pa.nulls(n, text.STR)),
        "memo": memo, "device": text.choose(rng, vocab.DEVICES_CORPORATE, n),
    }
    delta = np.where(incoming, amount, -amount)
    parts.append(Part("online_txn", cust, _main(bank, cust), seconds(rng, "business", n), delta,
                      cols))
    return parts


def _trade(bank: Bank, rng) -> Part:
    """Import payments and export receipts of trading companies, in foreign currency, with
    foreign counterparties (type `trade`)."""
    co, n_p = bank.companies, bank.persons.n
    rate = np.where(co.trade > 0.45, 1.5 * co.trade, 0.0) * np.where(co.settles_here, 1, 0.15)
    comp = np.repeat(np.arange(co.n), rng.poisson(rate))
    n = len(comp)
    incoming = rng.random(n) < 0.5
    cur = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])
    fx = np.array([vocab.FX_RATES[c] for c in FX_CURRENCIES])[cur]
    amount_cny = _money(rng, co.turnover[comp] * co.trade[comp] / 250, 0.8)
    amount = np.round(amount_cny / fx, 2)
    cols = {"txn_type": "trade", "direction": _codes(("D", "C"), incoming.astype(int)),
            "amount": amount, "currency": _codes(FX_CURRENCIES, cur),
            "counterparty_account": text.foreign_accounts(rng, n),
            "counterparty_name": text.foreign_names(rng, n),
            "counterparty_bank": text.choose(rng, vocab.FOREIGN_BANKS, n),
            "memo": text.numbered_memos(rng, vocab.TRADE_MEMOS, n),
            "device": text.choose(rng, vocab.DEVICES_CORPORATE, n)}
    delta = np.where(incoming, amount_cny, -amount_cny)
    cust = n_p + comp
    return Part("online_txn", cust, _main(bank, cust), seconds(rng, "business", n), delta, cols)

