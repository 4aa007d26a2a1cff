"""Credit: the night's product openings credited to the prompts and people that won them →
perf.credit_ledger, and the period's scorecards → perf.scorecards.

    spark-submit jobs/credit.py --date 2026-01-05

1. Sales: holdings of the date's silver.holdings snapshot opened within the attribution window
   and not credited on an earlier night.
2. Attribution (`crosslink.credit.attribution`, credit.yaml `attribution`): each sale of an
   offerable product goes to at most one prompt that reached the customer (first contact, or
   the customer opening a channel's offer, from feedback.prompt_events) within the window.
3. Split (`crosslink.credit.split`): the sale's shares among the prompt's participants
   (`crosslink.feedback.workflow.participants`) by referral path and category; base-product
   openings go whole to whoever sold them: the customer's manager, or the teller who served
   the customer at the counter (`crosslink.credit.ledger.base_sellers`).
4. The partition's invariants (shares sum to one, one prompt per sale, no sale credited twice,
   unique ledger ids) are checked before anything is written; then the date's ledger
   partition is replaced — a rerun writes the same rows — and the scorecards of the date's
   period are rebuilt from all the period's ledger rows (`crosslink.credit.scorecard`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from crosslink.config import ROLES
from crosslink.context import JobContext, run_for_date
from crosslink.credit import attribution, ledger, scorecard, split
from crosslink.feedback import workflow
from jobs.feedback import EVENTS, PROMPTS

SCORECARDS = "perf.scorecards"
TOUCH_EVENTS = ("contacted",)     # a prompt reaches the customer: staff contact, offer opened


@dataclass
class CreditResult:
    sales: int = 0
    linked_sales: int = 0
    base_sales: int = 0
    rows: int = 0
    points: float = 0.0
    scorecards: int = 0
    period: str = ""
    config_version: str = ""

    def describe(self) -> str:
        return (f"sales={self.sales}: linked={self.linked_sales} base={self.base_sales}; "
                f"ledger rows={self.rows} points={self.points:.1f} (config "
                f"{self.config_version}); scorecards {self.period}={self.scorecards}")


def touched_prompts(prompts: DataFrame, events: DataFrame) -> DataFrame:
    """Prompts that reached the customer, with the day they first did (touch_date)."""
    first = (events.where(F.col("event_type").isin(*TOUCH_EVENTS))
             .groupBy("prompt_id").agg(F.min(F.to_date("event_ts")).alias("touch_date")))
    return prompts.join(first, "prompt_id")


def credited_before(ctx: JobContext) -> DataFrame:
    if not ctx.lake.exists(ledger.LEDGER):
        return ctx.spark.createDataFrame([], "sale_id string")
    return (ctx.lake.read(ledger.LEDGER)
            .where(F.col("business_date") < F.lit(ctx.business_date)).select("sale_id"))


def build_ledger(ctx: JobContext, result: CreditResult) -> DataFrame:
    """The date's ledger rows (module doc, steps 1-3)."""
    cfg = ctx.config
    products = cfg.products.products
    window = cfg.credit.attribution.window_days
    version = split.config_version(cfg.credit, products)
    result.config_version = version
    before = credited_before(ctx).localCheckpoint()
    sales = ledger.new_sales(ctx.partition("silver.holdings", required=True),
                             ctx.days_ago(window), before)
    sales = sales.localCheckpoint()
    first = ctx.days_ago(window + cfg.policy.contact.prompt_ttl_days + 7)
    prompts = ctx.between(PROMPTS, first, ctx.days_ago(1))
    events = ctx.between(EVENTS, first).localCheckpoint()
    offerable = [p.code for p in products if p.offerable]
    attributed = attribution.attribute(
        sales.where(F.col("product_code").isin(*offerable)), touched_prompts(prompts, events),
        cfg.credit.attribution).localCheckpoint()
    people = workflow.participants(events)
    credited = split.credit(attributed, prompts, people, products, cfg.credit, version)
    linked = ledger.linked_rows(credited, attributed, people, prompts, events)
    counter = ctx.between("bronze.counter_txn", ctx.days_ago(window))
    base = ledger.base_rows(sales, ctx.partition("silver.customers"), ctx.partition("silver.staff"),
                            counter, products, version)
    rows = ledger.partition_rows(linked, base, ctx.business_date).localCheckpoint()
    problems = ledger.problems(rows, before)
    if problems:
        raise ledger.LedgerError(f"credit ledger for {ctx.business_date} refused: "
                                 + "; ".join(problems))
    result.sales, result.linked_sales = sales.count(), attributed.count()
    return rows


def build_scorecards(ctx: JobContext, result: CreditResult) -> DataFrame:
    """The date's period's scorecards from every ledger row credited in the period — so a
    rerun of an earlier night leaves cards that agree with the whole ledger; `as_of` is the
    latest night they include."""
    cfg = ctx.config.credit
    period = ctx.spark.range(1).select(
        scorecard.period_of(F.lit(ctx.business_date), cfg.thresholds.period)).first()[0]
    result.period = period
    rows = (ctx.lake.read(ledger.LEDGER)
            .where(scorecard.period_of(F.col("business_date"), cfg.thresholds.period) == period)
            .withColumn("open_date", F.col("business_date"))    # the period it is credited in
            .where(F.col("role").isin(*ROLES))    # staff: a channel's sales stay in the ledger
            .localCheckpoint())
    as_of = rows.agg(F.max("business_date")).first()[0] or ctx.business_date
    cards = scorecard.scorecards(rows.where("credit_type = 'linked'"),
                                 rows.where("credit_type = 'base'"),
                                 ctx.partition("silver.staff", as_of), cfg)
    return cards.withColumn("as_of", F.lit(as_of)).localCheckpoint()


def run(ctx: JobContext) -> CreditResult:
    result = CreditResult()
    with ctx.run_log.step("credit") as rec:
        rows = build_ledger(ctx, result)
        ctx.lake.replace(rows, ledger.LEDGER, {"business_date": ctx.business_date})
        stats = rows.agg(F.count(F.lit(1)), F.sum("points"), F.countDistinct(
            F.when(F.col("credit_type") == "base", F.col("sale_id")))).first()
        result.rows, result.points, result.base_sales = stats[0], stats[1] or 0.0, stats[2]
        cards = build_scorecards(ctx, result)
        ctx.lake.replace(cards, SCORECARDS, {"period": result.period})
        result.scorecards = cards.count()
        rec.rows_read, rec.rows_written = result.sales, result.rows
        rec.message = result.describe()
    print(result.describe())
    return result


def main(argv: list[str] | None = None) -> None:
    run_for_date(__doc__, run, argv)


if __name__ == "__main__":
    main()
