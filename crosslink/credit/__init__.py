"""Linked-marketing credit: attribution of product openings to prompts, the credit split
between the people who worked them, and the ledger rows that scorecards add up."""
