"""The synthetic bank generator: landing extracts for every source, and the hidden truth.

    from crosslink.generate import generate_bank
    summary = generate_bank(config, home, customers=2000, days=10, seed=42)

writes `home/landing/<YYYY-MM-DD>/<source>.<ext>` for every source of `crosslink.sources` and
every day (snapshots in full each day, transactions of that day), with injected defects, and
the truth under `home/truth/` (see `truth`). Same config and seed → byte-identical files.

Modules, by concern: `population` (branches, staff, customers, latent traits), `links`
(person–company relations, CRM view), `holdings` (accounts, products, balances), `propensity`
(true opening probabilities, openings), `behaviour` (everyday transactions by channel),
`linkflows` (payroll, owner transfers and their noise), `borrowing` (consumer credit at other
lenders: the footprint of the credit need), `housing` (rent and property agents), `financing`
(companies' factoring and equipment), `saving` (monthly savings plans), `schooling` (children's
class fees), `transactions` (legs, pairs, daily assembly), `snapshots`, `formats` (CSV / JSON-
lines encoding), `defects`, `writers`, `truth`, `bank` (the whole bank, day by day), `rng`,
`text`, `vocab`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from crosslink.config import Config
from crosslink.generate import defects
from crosslink.generate.bank import Bank, build_bank
from crosslink.generate.transactions import Day
from crosslink.generate.truth import Evidence, write_truth
from crosslink.generate.writers import write_source
from crosslink.sources import SOURCES

__all__ = ["generate_bank", "build_bank", "Bank"]

MIN_CUSTOMERS = 20


def generate_bank(config: Config, home: Path, *, customers: int | None = None,
                  days: int | None = None, seed: int | None = None,
                  start: dt.date | None = None,
                  progress: Callable[[str], None] | None = None) -> dict:
    """Generate the bank; None arguments come from `config.generator`. Returns a summary:
    customers, persons, companies, days, start, seed, files {date: {source: records}},
    defects, openings, truth {table: rows}, seconds."""
    gen = config.generator
    n = gen.customers if customers is None else int(customers)
    days = gen.days if days is None else int(days)
    seed = gen.seed if seed is None else int(seed)
    start = gen.start if start is None else start
    if n < MIN_CUSTOMERS or days < 1:
        raise ValueError(f"need at least {MIN_CUSTOMERS} customers and 1 day, got {n}, {days}")
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    home = Path(home)
    bank = build_bank(config, n, seed, np.datetime64(start, "D"))
    say(f"built bank: {bank.persons.n} persons, {bank.companies.n} companies, "
        f"{bank.branches.n} branches, {bank.links.n} links ({time.perf_counter() - t0:.1f}s)")
    files: dict[str, dict[str, int]] = {}
    found: list[dict] = []
    evidence = Evidence()
    for i in range(days):
        day = Day(i, np.datetime64(start, "D") + i, seed)
        files[day.iso], day_defects = _write_day(bank, day, home, evidence)
        found += day_defects
        say(f"{day.iso}: {sum(files[day.iso].values())} records "
            f"({time.perf_counter() - t0:.1f}s)")
    truth_rows = write_truth(home, bank, evidence, found)
    return {"customers": n, "persons": bank.persons.n, "companies": bank.companies.n,
            "days": days, "start": str(start), "seed": seed, "files": files,
            "defects": len(found), "openings": truth_rows["openings"], "truth": truth_rows,
            "seconds": round(time.perf_counter() - t0, 3)}


def _write_day(bank: Bank, day: Day, home: Path, evidence: Evidence):
    """Generate one day, write every source file with its defects, free the day's data."""
    result = bank.run_day(day)
    gen, max_amount = bank.gen, bank.config.pipeline.ingest.max_amount
    date = dt.date.fromisoformat(day.iso)
    counts, found = {}, []
    for name, spec in SOURCES.items():
        txn = result.transactions.pop(name, None)
        table = txn.table if txn is not None else result.snapshots.pop(name)
        rng = day.rng("defects", name)
        planned = defects.plan(spec, table, gen.defects, rng)
        written = write_source(home / "landing" / day.iso / spec.file_name, spec, table,
                               planned, rng, date, max_amount)
        counts[name] = written.rows
        found += written.defects
        if txn is not None:
            evidence.add(txn, written.damaged)
    return counts, found
