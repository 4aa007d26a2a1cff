"""Vectorised text building: identifiers, names, external account numbers, memo choices.

Everything returns Arrow `large_string` arrays: Arrow's string kernels build millions of
identifiers in C++ (no per-record Python), and large offsets keep one file's text in one array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.generate import vocab

STR = pa.large_string()


def lit(text: str) -> pa.Scalar:
    return pa.scalar(text, STR)


def concat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation; a null in any array part gives null."""
    args = [lit(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, lit(""))


def to_text(values: np.ndarray | pa.Array) -> pa.Array:
    return pc.cast(pa.array(values) if isinstance(values, np.ndarray) else values, STR)


def digits(numbers: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as zero-padded decimal text."""
    return pc.utf8_lpad(to_text(np.asarray(numbers, dtype=np.int64)), width, "0")


def fmt_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded number, e.g. fmt_ids("P", [7], 8) -> ["P00000007"]."""
    return concat(prefix, digits(numbers, width))


def options(values: Sequence[str]) -> pa.Array:
    return pa.array(list(values), STR)


def take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """`values[index]`, with null wherever index < 0."""
    index = np.asarray(index, dtype=np.int64)
    neg = index < 0
    if neg.any():
        return values.take(pa.array(np.where(neg, 0, index), mask=neg))
    return values.take(pa.array(index))


def choose(rng: np.random.Generator, values: Sequence[str], n: int,
           p: Sequence[float] | None = None) -> pa.Array:
    """n texts drawn from `values` (with optional probabilities)."""
    return take(options(values), rng.choice(len(values), size=n, p=p))


def month_memos(rng: np.random.Generator, templates: Sequence[str], ym: str, n: int) -> pa.Array:
    return choose(rng, [t.format(ym=ym) for t in templates], n)


def numbered_memos(rng: np.random.Generator, templates: Sequence[str], n: int) -> pa.Array:
    """Memos whose `{n}` placeholder becomes an invoice-like number (texts vary per record)."""
    which = rng.integers(0, len(templates), size=n)
    numbers = digits(rng.integers(0, 10**6, size=n), 6)
    out = []
    for template in templates:
        head, _, tail = template.partition("{n}")
        out.append(concat(head, numbers, tail) if "{n}" in template else
                   pa.array(np.full(n, template, dtype=object), STR))
    result = out[0]
    for k in range(1, len(templates)):
        result = pc.if_else(pa.array(which == k), out[k], result)
    return result.combine_chunks() if isinstance(result, pa.ChunkedArray) else result


def person_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Chinese personal names: a frequent surname (Zipf-weighted) and one or two given chars."""
    weights = 1.0 / np.arange(1, len(vocab.SURNAMES) + 1) ** 0.9
    sur = rng.choice(len(vocab.SURNAMES), size=n, p=weights / weights.sum())
    g1 = rng.integers(0, len(vocab.GIVEN_CHARS), size=n)
    g2 = np.where(rng.random(n) < 0.65, rng.integers(0, len(vocab.GIVEN_CHARS), size=n), -1)
    given = options(vocab.GIVEN_CHARS)
    second = pc.fill_null(take(given, g2), lit(""))
    return concat(take(options(vocab.SURNAMES), sur), take(given, g1), second)


def company_names(rng: np.random.Generator, industries: np.ndarray, n_reserved: int = 0,
                  industry_names: Sequence[str] = tuple(vocab.INDUSTRY_WORDS)) -> pa.Array:
    """Unique company names: city + two-character brand + industry word + legal form.

    Names must be unique: a salary credit from another bank identifies the paying company by
    its exact name, so two companies sharing a name would fake links. Duplicates are redrawn.
    """
    n = len(industries)
    city = rng.integers(0, len(vocab.CITIES), size=n)
    brand = rng.integers(0, len(vocab.BRAND_CHARS), size=(n, 2))
    word = rng.integers(0, 1000, size=n)
    form = rng.choice(len(vocab.COMPANY_FORMS), size=n, p=[0.7, 0.15, 0.15])
    for _ in range(50):
        names = _compose(city, brand, word, form, industries, industry_names)
        dup = _duplicated(names)
        if not dup.any():
            return names
        brand[dup] = rng.integers(0, len(vocab.BRAND_CHARS), size=(int(dup.sum()), 2))
        city[dup] = rng.integers(0, len(vocab.CITIES), size=int(dup.sum()))
    raise RuntimeError("could not draw unique company names")


def _compose(city, brand, word, form, industries, industry_names) -> pa.Array:
    brands = options(vocab.BRAND_CHARS)
    words = []
    for name in industry_names:
        choices = vocab.INDUSTRY_WORDS[name]
        words.append(np.asarray(choices, dtype=object)[word % len(choices)])
    word_text = np.empty(len(industries), dtype=object)
    for k, arr in enumerate(words):
        mask = industries == k
        word_text[mask] = arr[mask]
    return concat(take(options(vocab.CITIES), city), take(brands, brand[:, 0]),
                  take(brands, brand[:, 1]), pa.array(word_text, STR),
                  take(options(vocab.COMPANY_FORMS), form))


def _duplicated(names: pa.Array) -> np.ndarray:
    """True for every occurrence after the first of a repeated name."""
    codes = pc.dictionary_encode(names).indices.to_numpy()
    order = np.argsort(codes, kind="stable")
    dup = np.zeros(len(codes), dtype=bool)
    sorted_codes = codes[order]
    dup[order[1:]] = sorted_codes[1:] == sorted_codes[:-1]
    return dup


def foreign_names(rng: np.random.Generator, n: int) -> pa.Array:
    a, b, c = vocab.FOREIGN_WORDS
    return concat(choose(rng, a, n), " ", choose(rng, b, n), " ", choose(rng, c, n))


def external_accounts(rng: np.random.Generator, bank_index: np.ndarray) -> pa.Array:
    """Account numbers in each other bank's own format (prefix + digits, bank-specific length)."""
    body = rng.integers(0, 10**17, size=len(bank_index))
    result = None
    for k, (prefix, width) in enumerate(vocab.OTHER_BANKS.values()):
        text = concat(prefix, digits(body % 10 ** (width - len(prefix)), width - len(prefix)))
        result = text if result is None else pc.if_else(pa.array(bank_index == k), text, result)
    return result


def foreign_accounts(rng: np.random.Generator, n: int) -> pa.Array:
    """IBAN-like accounts of foreign trade counterparties."""
    country = choose(rng, ("DE", "GB", "SG", "US", "HK", "JP"), n)
    return concat(country, digits(rng.integers(10, 99, size=n), 2), "X",
                  digits(rng.integers(0, 10**16, size=n), 16))


def bank_codes() -> pa.Array:
    return options(tuple(vocab.OTHER_BANKS))
