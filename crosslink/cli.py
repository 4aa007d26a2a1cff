"""`crosslink` — the command line for operators, data scientists and the demo.

    crosslink generate [--customers N] [--days D] [--seed S] [--start DATE]
    crosslink ingest --date D [--source NAME ...]
    crosslink conform --date D
    crosslink features --date D [--full]
    crosslink score --date D
    crosslink train --date D [--products P,Q] [--horizon H] [--no-promote]
    crosslink promote --date D [--products P,Q] | --product P (--version N | --rollback)
    crosslink models
    crosslink decide --date D
    crosslink prompts --date D [--role R] [--branch B] [--channel C] [--limit N]
    crosslink evaluate --date D [--seed S] [--objective accepts|value]
    crosslink demo [--customers N] [--days D] [--seed S] [--open-rate-scale X] [--horizon H]
    crosslink nightly --date D | --all
    crosslink backfill --start D1 --end D2
    crosslink tables [--date D]
    crosslink airflow test --date D [--dag DAG] | airflow ui [--port P]

`--home PATH` (or CROSSLINK_HOME) picks where everything is written. `--set FILE.KEY=VALUE`
(repeatable) overrides one config value for this command, e.g.
`--set generator.open_rate_scale=8` or `--set models.train.min_train_positives=20`. Config is
loaded and validated before any work starts: a bad file stops the command with the file, key
and problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from crosslink.config import Config, ConfigError, deep_merge, load_config
from crosslink.context import build_context, run_job


def parse_override(text: str) -> dict:
    """`file.key.sub=value` -> {"file": {"key": {"sub": value}}}; the value is read as YAML."""
    import yaml

    path, sep, value = text.partition("=")
    keys = path.split(".")
    if not sep or len(keys) < 2 or not all(keys):
        raise argparse.ArgumentTypeError(f"--set wants FILE.KEY=VALUE, got {text!r}")
    nested: dict = {keys[-1]: yaml.safe_load(value)}
    for key in reversed(keys[:-1]):
        nested = {key: nested}
    return nested


def merge_overrides(parts: list[dict]) -> dict:
    merged: dict = {}
    for part in parts:
        merged = deep_merge(merged, part)
    return merged


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _landing_dates(config: Config) -> list[dt.date]:
    landing = config.home / "landing"
    return sorted(dt.date.fromisoformat(p.name) for p in landing.glob("????-??-??"))


def cmd_generate(args, config: Config) -> None:
    from crosslink.generate import generate_bank

    start = time.perf_counter()
    summary = generate_bank(config, config.home, customers=args.customers, days=args.days,
                            seed=args.seed, start=args.start, progress=print)
    files = summary.get("files", {})
    print(f"generated {len(files)} day(s) for {summary.get('customers')} customers "
          f"in {time.perf_counter() - start:.1f}s")
    print(f"  source extracts: {config.home / 'landing'}")
    print(f"  hidden truth:    {config.home / 'truth'}")


def _context(args, config: Config):
    return build_context(args.date or dt.date.today(), config)



def cmd_ingest(args, config: Config) -> None:
    from jobs import ingest

    results = run_job(_context(args, config), ingest.run, args.source)
    for source, c in results.items():
        print(f"{source:12s} read {c.rows_read:>9,}  bronze {c.rows_written:>9,}  "
              f"quarantined {c.rows_quarantined:>6,}  duplicates {c.rows_duplicate:>5,}")


def cmd_conform(args, config: Config) -> None:
    from jobs import conform

    counts = run_job(_context(args, config), conform.run)
    for name, rows in counts.items():
        print(f"{name:22s} {rows:>10,} rows")


def cmd_features(args, config: Config) -> None:
    from jobs import customer_features as features

    counts = run_job(_context(args, config), features.run, args.full)
    for name, rows in counts.items():
        print(f"{name:24s} {rows:>10,} rows")


def cmd_score(args, config: Config) -> None:
    from jobs import score

    result = run_job(_context(args, config), score.run)
    print(f"{score.SCORES:24s} {result.rows_written:>10,} rows")
    for product, (version, rows) in result.scored.items():
        print(f"  {product:22s} v{version:<4d} {rows:>10,} rows")
    if result.skipped:
        print(f"  no champion (not scored): {', '.join(result.skipped)}")


def cmd_train(args, config: Config) -> None:
    from jobs import train
    from models.registry import ui_command

    outcomes = run_job(_context(args, config), train.run, args.products, args.horizon,
                       False if args.no_promote else None)
    print(train.report(outcomes))
    print(f"\nMLflow UI:   {ui_command(config.home)}")


def cmd_promote(args, config: Config) -> None:
    if args.product is None:
        if args.date is None:
            raise SystemExit("promote: give --date D (gate the challengers) or --product P")
        from jobs import promote

        for d in run_job(_context(args, config), promote.run, args.products):
            print(f"{d.product:22s} v{d.challenger_version}: "
                  f"{'promoted' if d.promoted else 'refused'} ({d.reason})")
        return
    from models import promotion, registry

    client = registry.configure(config.home)
    if args.rollback:
        version = registry.rollback(client, args.product)
        print(f"{registry.model_name(args.product)}: champion rolled back to v{version}")
    elif args.version is not None:
        promotion.promote_by_hand(client, args.product, args.version, args.reason)
        print(f"{registry.model_name(args.product)}: v{args.version} is champion ({args.reason})")
    else:
        raise SystemExit("promote --product P needs --version N or --rollback")


def cmd_models(args, config: Config) -> None:
    from models import registry

    client = registry.configure(config.home)
    print(f"{'model':30s} {'champion':>8s} {'challenger':>10s}  champion history")
    for product in (p.code for p in config.products.products if p.offerable):
        champion = registry.alias_version(client, product, registry.CHAMPION)
        challenger = registry.alias_version(client, product, registry.CHALLENGER)
        print(f"{registry.model_name(product):30s} {champion or '-':>8} {challenger or '-':>10}"
              f"  {registry.champion_history(client, product)}")
    print(f"\nMLflow UI:   {registry.ui_command(config.home)}")


def cmd_decide(args, config: Config) -> None:
    from crosslink.pipeline import format_summary, nightly

    ctx = _context(args, config)
    print(format_summary(nightly(ctx, from_step="decide")))
    print(f"exports:     {config.home / 'exports' / args.date.isoformat()}")


def cmd_prompts(args, config: Config) -> None:
    from crosslink.prompts_view import show_prompts

    print(show_prompts(config, args.date, role=args.role, branch=args.branch,
                       channel=args.channel, limit=args.limit))


def cmd_evaluate(args, config: Config) -> None:
    from jobs import evaluate

    result = run_job(_context(args, config), evaluate.run, args.seed, args.objective)
    print(result.describe())
    print(f"\nfigures: {config.home / 'reports' / args.date.isoformat() / 'evaluation.json'}")


def cmd_demo(args, config: Config) -> None:
    from crosslink.demo import DemoSettings, run_demo

    settings = DemoSettings(customers=args.customers, days=args.days, seed=args.seed,
                            open_rate_scale=args.open_rate_scale, horizon=args.horizon)
    run_demo(config, settings, _print_tables)


def cmd_nightly(args, config: Config) -> None:
    from crosslink.pipeline import format_summary, nightly

    dates = _landing_dates(config) if args.all else [args.date]
    if not dates:
        raise SystemExit(f"no landing data under {config.home / 'landing'}; run generate first")
    for day in dates:
        summaries = nightly(build_context(day, config))
        print(format_summary(summaries))
    _print_tables(config, dates[-1])


def cmd_simulate_feedback(args, config: Config) -> None:
    from crosslink.generate.feedback import simulate_feedback

    written = simulate_feedback(config, config.home, args.date, args.seed)
    landing = config.home / "landing" / args.date.isoformat()
    for source, rows in written.items():
        print(f"{source:15s} {rows:>8,} events" + ("" if rows else " (no file)"))
    print(f"landing:        {landing}")


def cmd_prompt_trail(args, config: Config) -> None:
    from crosslink.feedback.trail import format_trail, prompt_trail

    ctx = _context(args, config)
    print(format_trail(prompt_trail(ctx, args.prompt_id), config.pipeline.timezone))


def cmd_scorecard(args, config: Config) -> None:
    from crosslink.credit.view import show_scorecards

    print(show_scorecards(_context(args, config), args.period, level=args.level,
                          org=args.org, limit=args.limit))


def cmd_backfill(args, config: Config) -> None:
    from crosslink.pipeline import format_summary, nightly

    if args.end < args.start:
        raise SystemExit(f"--end {args.end} is before --start {args.start}")
    dates = [args.start + dt.timedelta(days=i) for i in range((args.end - args.start).days + 1)]
    missing = [d for d in dates if not (config.home / "landing" / d.isoformat()).is_dir()]
    if missing:
        raise SystemExit(f"no landing data under {config.home / 'landing'} for "
                         f"{', '.join(d.isoformat() for d in missing)}")
    for day in dates:
        if args.simulate_feedback:
            from crosslink.generate.feedback import simulate_feedback

            simulate_feedback(config, config.home, day)
        summaries = nightly(build_context(day, config))
        print(format_summary(summaries))
    _print_tables(config, dates[-1])


def cmd_airflow_test(args, config: Config) -> None:
    from crosslink import airflow_local

    code = airflow_local.dags_test(args.date, config, dag_id=args.dag)
    states = airflow_local.task_states(config, args.dag)
    print(f"\n{args.dag} for {args.date}: " + ("succeeded" if code == 0 else "FAILED"))
    for task_id, state in states.items():
        print(f"  {task_id:24s} {state}")
    print(f"task logs: {airflow_local.airflow_home(config) / 'logs'}")
    if code:
        raise SystemExit(code)


def cmd_airflow_ui(args, config: Config) -> None:
    from crosslink import airflow_local

    raise SystemExit(airflow_local.standalone(config, port=args.port))


def cmd_tables(args, config: Config) -> None:
    _print_tables(config, args.date)


def _print_tables(config: Config, day: dt.date | None) -> None:
    from crosslink.lake import Lake
    from crosslink.spark import get_spark
    from crosslink.tables import TABLES

    lake = Lake(get_spark(config.spark), config.home)
    print(f"\n{'table':24s} {'rows':>12s} {'rows on ' + str(day) if day else '':>22s} "
          f"{'version':>8s}")
    for name, spec in TABLES.items():
        if not lake.exists(name):
            continue
        df = lake.read(name)
        today = ""
        if day is not None:
            col = spec.partition_by[0]
            today = f"{df.where(df[col] == day).count():,}"
        print(f"{name:24s} {df.count():>12,} {today:>22s} {lake.version(name):>8}")
    print(f"\nlake:        {config.home / 'lake'}   (Delta tables: <layer>/<name>)")
    print("quarantine:  bronze.quarantine — every rejected record with its reasons")
    docs = config.home / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    print(f"data docs:   {docs if docs.exists() else config.home / 'gx'}")
    print("run log:     ops.runs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crosslink", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="CROSSLINK_HOME (default ./var)")
    parser.add_argument("--set", dest="overrides", type=parse_override, action="append", default=[],
                        metavar="FILE.KEY=VALUE", help="override one config value (repeatable)")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write a synthetic bank's source extracts")
    gen.add_argument("--customers", type=int)
    gen.add_argument("--days", type=int)
    gen.add_argument("--seed", type=int)
    gen.add_argument("--start", type=_date)
    gen.set_defaults(func=cmd_generate)

    ing = sub.add_parser("ingest", help="landing extracts -> bronze (+ quarantine)")
    ing.add_argument("--date", type=_date, required=True)
    ing.add_argument("--source", action="append")
    ing.set_defaults(func=cmd_ingest)

    con = sub.add_parser("conform", help="bronze -> silver for a date")
    con.add_argument("--date", type=_date, required=True)
    con.set_defaults(func=cmd_conform)

    fea = sub.add_parser("features", help="silver -> gold.customer_daily and "
                                          "gold.customer_features for a date")
    fea.add_argument("--date", type=_date, required=True)
    fea.add_argument("--full", action="store_true",
                     help="roll windows up from the daily partitions, not the day before")
    fea.set_defaults(func=cmd_features)

    sco = sub.add_parser("score", help="gold.propensity_scores for a date: every eligible "
                                       "customer x product, by the product's champion")
    sco.add_argument("--date", type=_date, required=True)
    sco.set_defaults(func=cmd_score)

    products = lambda text: [p for p in text.split(",") if p]  # noqa: E731
    tra = sub.add_parser("train", help="train and register a challenger per product as of a "
                                       "date; gated promotion unless --no-promote")
    tra.add_argument("--date", type=_date, required=True)
    tra.add_argument("--products", type=products, help="comma-separated (default: all)")
    tra.add_argument("--horizon", type=int, help="label horizon in days (default: config)")
    tra.add_argument("--no-promote", action="store_true")
    tra.set_defaults(func=cmd_train)

    pro = sub.add_parser("promote", help="gate undecided challengers (--date), or move a "
                                         "champion by hand (--product with --version or "
                                         "--rollback)")
    pro.add_argument("--date", type=_date)
    pro.add_argument("--products", type=products)
    pro.add_argument("--product")
    pro.add_argument("--version", type=int)
    pro.add_argument("--rollback", action="store_true")
    pro.add_argument("--reason", default="promoted by hand")
    pro.set_defaults(func=cmd_promote)

    mod = sub.add_parser("models", help="champion and challenger of every product model")
    mod.set_defaults(func=cmd_models)

    dec = sub.add_parser("decide", help="opportunities and routed prompts for a date, checked, "
                                        "then published with their exports")
    dec.add_argument("--date", type=_date, required=True)
    dec.set_defaults(func=cmd_decide)

    pro_list = sub.add_parser("prompts", help="a role's (or branch's, channel's) prompt list")
    pro_list.add_argument("--date", type=_date, required=True)
    pro_list.add_argument("--role")
    pro_list.add_argument("--branch")
    pro_list.add_argument("--channel")
    pro_list.add_argument("--limit", type=int, default=20)
    pro_list.set_defaults(func=cmd_prompts)

    evl = sub.add_parser("evaluate", help="decision quality on generated data: the day's "
                                          "prompts against an oracle, rules-only and random")
    evl.add_argument("--date", type=_date, required=True)
    evl.add_argument("--seed", type=int, default=7, help="seed of the random baseline")
    evl.add_argument("--objective", choices=["accepts", "value"], default="value",
                     help="what the oracle maximises and the ratios compare")
    evl.set_defaults(func=cmd_evaluate)

    from crosslink.demo import DemoSettings

    dem = sub.add_parser("demo", help="generate a small bank, run every night, train the "
                                      "first models when there is no champion, score")
    for flag, kind in (("customers", int), ("days", int), ("seed", int),
                       ("open_rate_scale", float), ("horizon", int)):
        dem.add_argument(f"--{flag.replace('_', '-')}", type=kind,
                         default=getattr(DemoSettings, flag))
    dem.set_defaults(func=cmd_demo)

    nig = sub.add_parser("nightly", help="every pipeline step for a date, in one process")
    when = nig.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_date)
    when.add_argument("--all", action="store_true", help="every date under landing/, in order")
    nig.set_defaults(func=cmd_nightly)

    bac = sub.add_parser("backfill", help="the in-process nightly for every date of a range")
    bac.add_argument("--start", type=_date, required=True, help="first business date")
    bac.add_argument("--end", type=_date, required=True, help="last business date (included)")
    bac.add_argument("--simulate-feedback", action="store_true",
                     help="generated banks: before each night, write the day's feedback "
                          "extracts from the prompts already issued (simulate-feedback)")
    bac.set_defaults(func=cmd_backfill)

    sim = sub.add_parser("simulate-feedback", help="generated banks: the teller, CRM and "
                         "channel event extracts of a date, for the prompts already issued")
    sim.add_argument("--date", type=_date, required=True)
    sim.add_argument("--seed", type=int, help="default: generator.seed")
    sim.set_defaults(func=cmd_simulate_feedback)

    trail = sub.add_parser("prompt-trail", help="a prompt's workflow: every event, who, when, "
                                                "and its state")
    trail.add_argument("prompt_id")
    trail.set_defaults(func=cmd_prompt_trail, date=None)

    sco_card = sub.add_parser("scorecard", help="a period's points per person, team and branch")
    sco_card.add_argument("--period", required=True, help="2026-01 (month) or 2026-Q1 (quarter)")
    sco_card.add_argument("--level", choices=["person", "team", "branch"])
    sco_card.add_argument("--org", help="one branch or centre")
    sco_card.add_argument("--limit", type=int, default=30)
    sco_card.set_defaults(func=cmd_scorecard, date=None)

    tab = sub.add_parser("tables", help="row counts and versions of every lake table")
    tab.add_argument("--date", type=_date)
    tab.set_defaults(func=cmd_tables)

    air = sub.add_parser("airflow", help="run the DAGs locally (home: $CROSSLINK_HOME/airflow)")
    air_sub = air.add_subparsers(dest="airflow_command", required=True)
    air_test = air_sub.add_parser("test", help="airflow dags test for a business date, "
                                               "no scheduler")
    air_test.add_argument("--date", type=_date, required=True, help="business date")
    air_test.add_argument("--dag", default="crosslink_nightly",
                          choices=["crosslink_nightly", "crosslink_maintenance",
                                   "crosslink_retrain"])
    air_test.set_defaults(func=cmd_airflow_test)
    air_ui = air_sub.add_parser("ui", help="airflow standalone on 127.0.0.1, until Ctrl-C")
    air_ui.add_argument("--port", type=int, default=8080)
    air_ui.set_defaults(func=cmd_airflow_ui)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.home:
        os.environ["CROSSLINK_HOME"] = str(args.home.resolve())
    try:
        config = load_config(overrides=merge_overrides(args.overrides))
    except ConfigError as exc:
        print(f"crosslink: configuration error\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    args.func(args, config)


if __name__ == "__main__":
    main()
