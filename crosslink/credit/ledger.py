"""perf.credit_ledger rows: the night's credited sales, one row per participant, and the checks
every ledger partition must pass before it is written.

* linked — a sale attributed to a prompt (attribution.attribute), split among the people who
  worked it (split.credit); each row carries the prompt, every prompt that touched the sale,
  the prompt's event ids and the config version;
* base   — an opening of a base product (products.yaml `offerable: false`: the everyday
  accounts), credited whole to whoever sold it (`base_sellers`); these points are what
  credit.yaml thresholds are measured on.

A sale is credited on the first night it is seen (`business_date`), never again: the night's
candidates leave out every sale already in an earlier partition.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from crosslink.config import Product
from crosslink.decide._catalogue import lookup, product_attr
from crosslink.tables import table

LEDGER = "perf.credit_ledger"
SHARE_TOLERANCE = 1e-9


class LedgerError(ValueError):
    """A ledger partition breaks an invariant; nothing is written."""


def new_sales(holdings: DataFrame, since, credited: DataFrame) -> DataFrame:
    """Holdings opened on or after `since` (the attribution window) and never credited."""
    return (holdings.where(F.col("opened_date") >= F.lit(since))
            .select(F.col("holding_id").alias("sale_id"), "customer_id", "product_code",
                    F.col("opened_date").alias("open_date"))
            .join(credited.select("sale_id").distinct(), "sale_id", "left_anti"))


def linked_rows(credited: DataFrame, attributed: DataFrame, people: DataFrame,
                prompts: DataFrame, events: DataFrame) -> DataFrame:
    """split.credit rows with the sale's customer, its touches, the organisation of each
    participant and the credited prompt's event ids (module doc)."""
    touches = attributed.select("sale_id", "customer_id", "touched_prompts")
    orgs = people.select("prompt_id", "participant_id", "role", F.col("org_id").alias("_org"))
    own = prompts.select("prompt_id", F.col("org_id").alias("_prompt_org"))
    ids = events.groupBy("prompt_id").agg(F.array_sort(F.collect_set("event_id"))
                                          .alias("event_ids"))
    return (credited.join(touches, "sale_id")
            .join(orgs, ["prompt_id", "participant_id", "role"], "left")
            .join(own, "prompt_id", "left").join(ids, "prompt_id", "left")
            .withColumn("org_id", F.coalesce("_org", "_prompt_org"))
            .withColumn("credit_type", F.lit("linked")))


def base_sellers(sales: DataFrame, customers: DataFrame, staff: DataFrame,
                 counter: DataFrame, products: Sequence[Product]) -> DataFrame:
    """(sale_id, participant_id) for base-product sales: the customer's manager when the
    manager's role sells the product (products.yaml roles); else the teller who last served
    the customer at the counter up to the opening day (`counter`: customer_id, teller_id,
    txn_ts), when tellers sell it; else, deterministically, a colleague of the product's
    first role in the customer's branch (hash of sale and staff id)."""
    roles = {p.code: p.roles for p in products if not p.offerable}
    first_role = lookup({code: r[0] for code, r in roles.items()}, F.col("product_code"))
    people = staff.select("staff_id", "role", "org_id")
    rows = (sales.join(customers.select("customer_id", "branch_id", "manager_id"), "customer_id")
            .withColumn("_role", first_role))
    mgr = people.select(F.col("staff_id").alias("manager_id"), F.col("role").alias("_mgr_role"))
    rows = rows.join(mgr, "manager_id", "left")
    manager_sells = F.col("_mgr_role").isNotNull() & _sells(roles, "_mgr_role")
    served = (rows.join(counter.select("customer_id", "teller_id", "txn_ts"), "customer_id")
              .where(F.to_date("txn_ts") <= F.col("open_date"))
              .withColumn("_n", F.row_number().over(Window.partitionBy("sale_id").orderBy(
                  F.col("txn_ts").desc(), "teller_id")))
              .where("_n = 1").select("sale_id", F.col("teller_id").alias("_teller")))
    pick = (rows.join(people.select(F.col("org_id").alias("branch_id"),
                                    F.col("role").alias("_role"), "staff_id"),
                      ["branch_id", "_role"])
            .withColumn("_n", F.row_number().over(Window.partitionBy("sale_id").orderBy(
                F.xxhash64("sale_id", "staff_id"), "staff_id")))
            .where("_n = 1").select("sale_id", F.col("staff_id").alias("_desk")))
    teller_sells = _sells(roles, F.lit("teller"))
    chosen = (F.when(manager_sells, F.col("manager_id"))
              .when(teller_sells & F.col("_teller").isNotNull(), F.col("_teller"))
              .otherwise(F.col("_desk")))
    return (rows.join(served, "sale_id", "left").join(pick, "sale_id", "left")
            .select("sale_id", chosen.alias("participant_id"))
            .where(F.col("participant_id").isNotNull()))


def _sells(roles: dict[str, list[str]], role) -> Column:
    """The sale's product is sold by `role` (a column name or a Column)."""
    role = F.col(role) if isinstance(role, str) else role
    allowed = F.create_map(*[x for code, r in roles.items()
                             for x in (F.lit(code), F.array(*map(F.lit, r)))])
    return F.coalesce(F.array_contains(allowed[F.col("product_code")], role), F.lit(False))


def base_rows(sales: DataFrame, customers: DataFrame, staff: DataFrame, counter: DataFrame,
              products: Sequence[Product], config_version: str) -> DataFrame:
    """Base-product openings, whole to the person who sold them (module doc, base_sellers)."""
    base = sales.where(F.col("product_code").isin(*[p.code for p in products
                                                      if not p.offerable]))
    sellers = base_sellers(base, customers, staff, counter, products)
    people = staff.select(F.col("staff_id").alias("participant_id"), "role", "org_id")
    rows = base.join(sellers, "sale_id").join(people, "participant_id")
    return rows.select(
        "sale_id", "customer_id", "product_code", "open_date", "participant_id", "role",
        "org_id", F.lit(1.0).alias("share"),
        product_attr(products, "points").cast("double").alias("points"),
        product_attr(products, "category").alias("category"),
        F.lit(None).cast("string").alias("prompt_id"),
        F.array().cast("array<string>").alias("touched_prompts"),
        F.array().cast("array<string>").alias("event_ids"),
        F.lit(None).cast("string").alias("referral_path"),
        F.lit(config_version).alias("config_version"), F.lit("base").alias("credit_type"),
        F.sha2(F.concat_ws("|", "sale_id", "participant_id", "role", F.lit(config_version)),
               256).alias("ledger_id"))


def partition_rows(linked: DataFrame, base: DataFrame, business_date) -> DataFrame:
    columns = table(LEDGER).columns
    day = F.lit(business_date).alias("business_date")
    return (linked.select(day, *[c for c in columns if c != "business_date"])
            .unionByName(base.select(day, *[c for c in columns if c != "business_date"]))
            .select(*columns))


def problems(rows: DataFrame, credited_before: DataFrame) -> list[str]:
    """What is wrong with a ledger partition (empty: nothing): shares of a sale not summing
    to one, a sale credited to two prompts or on an earlier night, a ledger id twice."""
    found = []
    sums = rows.groupBy("sale_id").agg(F.sum("share").alias("total"),
                                        F.countDistinct(F.coalesce("prompt_id", F.lit("")))
                                        .alias("prompts"))
    bad = sums.where(F.abs(F.col("total") - 1) > SHARE_TOLERANCE).limit(5).collect()
    if bad:
        found.append("shares do not sum to one: " + ", ".join(
            f"{r.sale_id}={r.total:.6f}" for r in bad))
    twice = sums.where("prompts > 1").limit(5).collect()
    if twice:
        found.append("sale credited to several prompts: " + ", ".join(r.sale_id for r in twice))
    again = rows.join(credited_before.select("sale_id").distinct(), "sale_id") \
        .select("sale_id").distinct().limit(5).collect()
    if again:
        found.append("sale already credited on an earlier night: "
                     + ", ".join(r.sale_id for r in again))
    dup = rows.groupBy("ledger_id").count().where("count > 1").limit(5).collect()
    if dup:
        found.append(f"{len(dup)} ledger id(s) twice, e.g. {dup[0].ledger_id[:12]}")
    return found
