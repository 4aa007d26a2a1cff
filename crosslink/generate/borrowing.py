"""Consumer credit at other lenders: the footprint of a person's need for credit.

People who need credit borrow from consumer-finance companies and credit apps before they ask
their own bank: money arrives from the lender (a drawdown) and goes back in instalments
(repayments), several a month for the heaviest borrowers. Both legs are online transfers with
the lender named as counterparty at another bank. The rate and the size grow with the
person's latent `credit_need`, which also drives their personal-loan propensity
(`propensity.RETAIL_WEIGHTS`): a bank that reads its transactions can see the need, one that
does not cannot. Drawdowns are fewer and larger than repayments, so balances do not drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crosslink.generate import vocab
from crosslink.generate.linkflows import counterparties, loan_legs
from crosslink.generate.transactions import Day, Part

if TYPE_CHECKING:
    from crosslink.generate.bank import Bank

EVENTS_PER_DAY_AT_FULL_NEED = 0.35  # credit_need 1.0: a lender leg every ~3 days
REPAYMENT_SHARE = 0.75              # of the legs; a drawdown is 3x a repayment on average
REPAYMENT_INCOME_SHARE = 0.12       # mean repayment at credit_need 1.0, as a share of income

LENDERS = counterparties(vocab.LENDERS, 1)


def borrowing_day(bank: Bank, day: Day) -> list[Part]:
    rng = day.rng("borrowing")
    p = bank.persons
    need = np.clip(p.credit_need, 0, None)
    who = np.flatnonzero((p.activity > 0)
                         & (rng.random(p.n) < EVENTS_PER_DAY_AT_FULL_NEED * need))
    mean = p.income[who] * REPAYMENT_INCOME_SHARE * need[who]
    return [loan_legs(bank, rng, who, mean, LENDERS,
                      (vocab.LENDER_REPAYMENT_MEMOS, vocab.LENDER_DRAWDOWN_MEMOS),
                      vocab.DEVICES_RETAIL, repayment_share=REPAYMENT_SHARE, minimum=100,
                      decimals=-1)]
