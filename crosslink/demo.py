"""`make demo`: a small synthetic bank through the whole nightly pipeline, models included.

1. generate the bank's source extracts (a brisk-selling bank: `open_rate_scale` raised so that
   a week of history holds enough openings to learn from);
2. run the nightly pipeline for every generated date, each night after the downstream systems'
   reports on the prompts of the nights before (`simulate_feedback`: the feedback loop and the
   credit ledger fill up as they would in a bank);
3. when a product has no champion yet, train the first models as of the last date (a short
   label horizon, lower minimum positives: a demo has days, not months) and promote them
   through the gate, then run the steps from scoring on again for the last date;
4. print the tables and where to look: lake, quarantine, Data Docs, run log, the prompt
   exports, a credited prompt's trail, the scorecards, MLflow UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crosslink.config import Config
from crosslink.context import build_context, run_job


@dataclass(frozen=True)
class DemoSettings:
    customers: int = 3000
    days: int = 8
    seed: int = 7
    open_rate_scale: float = 8.0
    horizon: int = 3
    min_train_positives: int = 20
    min_holdout_positives: int = 8
    # a leaf's hessian sum: models.yaml's 20 suits a bank's size; on 3000 customers and rare
    # openings it leaves the first models without a single split
    min_child_weight: float = 5.0


def _with(config: Config, settings: DemoSettings) -> Config:
    generator = config.generator.model_copy(update={"open_rate_scale": settings.open_rate_scale})
    train = config.models.train.model_copy(update={
        "min_train_positives": settings.min_train_positives,
        "min_holdout_positives": settings.min_holdout_positives,
        "params": {**config.models.train.params, "min_child_weight": settings.min_child_weight}})
    models = config.models.model_copy(update={"train": train})
    return config.model_copy(update={"generator": generator, "models": models})


def products_without_champion(config: Config) -> list[str]:
    from models import registry

    client = registry.configure(config.home)
    return [p.code for p in config.products.products
            if p.offerable and registry.alias_version(client, p.code, registry.CHAMPION) is None]


def run_demo(config: Config, settings: DemoSettings, print_tables) -> None:
    from crosslink.generate import generate_bank
    from crosslink.generate.feedback import simulate_feedback
    from crosslink.pipeline import format_summary, nightly
    from jobs import train
    from models.registry import ui_command

    config = _with(config, settings)
    generate_bank(config, config.home, customers=settings.customers, days=settings.days,
                  seed=settings.seed, progress=print)
    start = config.generator.start
    dates = [start + dt.timedelta(days=i) for i in range(settings.days)]
    for day in dates:
        simulate_feedback(config, config.home, day)
        print(format_summary(nightly(build_context(day, config))))
    missing = products_without_champion(config)
    if missing:
        print(f"\nno champion yet for {len(missing)} products: training the first models as of "
              f"{dates[-1]} (label horizon {settings.horizon} days)")
        outcomes = run_job(build_context(dates[-1], config), train.run, missing,
                           settings.horizon, True)
        print(train.report(outcomes))
        print(format_summary(nightly(build_context(dates[-1], config), from_step="score")))
    print_tables(config, dates[-1])
    print(f"prompts:     {config.home / 'exports' / dates[-1].isoformat()}  (per channel/role "
          f"and per branch), or: crosslink prompts --date {dates[-1]} --role teller")
    _print_credit(config, dates[-1])
    print(f"MLflow UI:   {ui_command(config.home)}")
    print("             then open http://127.0.0.1:5000 (experiment crosslink.propensity)")


def _print_credit(config: Config, day: dt.date) -> None:
    """Where the feedback loop and the credit ledger show: a credited prompt's trail, the
    month's scorecards."""
    from pyspark.sql import functions as F

    ctx = build_context(day, config)
    if not ctx.lake.exists("perf.credit_ledger"):
        return
    credited = (ctx.lake.read("perf.credit_ledger").where(F.col("credit_type") == "linked")
                .orderBy(F.col("business_date").desc(), "sale_id").select("prompt_id").first())
    if credited is not None:
        print(f"credit:      crosslink prompt-trail {credited.prompt_id}   (a credited sale)")
    print(f"             crosslink scorecard --period {day:%Y-%m}")
