"""Evaluate a day's decisions on generated data: expected accepted offers of the day's prompts
against an oracle allocation and rules-only and random baselines (crosslink/evaluation.py).

    spark-submit jobs/evaluate.py --date 2026-01-26 [--seed 7] [--objective accepts|value]

Needs `truth/` (a generated bank) and the date's gold.prompts. The oracle and the baselines are
routed by the same engine under the same policy and capacities, each under its own contact
history (crosslink/evaluation.py): their prompts go to ops.evaluation_prompts, to be that
history on the next evaluated day; the figures to `reports/<date>/evaluation.json` and a row
of ops.runs (step `evaluate`). Evaluate consecutive days in order.

`--objective value` (the default): the oracle is the pipeline with perfect knowledge — the
same engine and the bank's own value function (probability x points x campaign weight), fed
the true probabilities; the headline ratio is on expected value, what the engine maximises.
`--objective accepts`: the oracle's value is the true probability alone. Through the same
engine that is *not* an upper bound on accepted offers: the engine is greedy and routing
depends on the tier, so the likeliest e-channel bindings become tier A and take tellers' and
lobby managers' capacity (a deferred prompt falls back to the next matching rule only
`routing.fallback_passes` times). Both measures and both ratios are printed either way, and
each variant's prompts and expected value per role (where it spends the capacity).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
from dataclasses import asdict, dataclass

from pyspark.sql import DataFrame

from crosslink import evaluation
from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.decide import combine
from jobs import decide, route

VARIANTS = ("pipeline", "oracle", "rules_only", "random")
BASELINES = VARIANTS[1:]            # allocated here, each with its own contact history
EVALUATION_PROMPTS = "ops.evaluation_prompts"
MEASURES = {"accepts": "expected_accepts", "value": "expected_value"}


@dataclass(frozen=True)
class VariantResult:
    variant: str
    prompts: int
    expected_accepts: float
    expected_value: float
    violations: int             # invariants broken (policy, capacity, suitability, ids): 0
    by_role: dict = dataclasses.field(default_factory=dict)  # role: prompts, expected value
    by_product: dict = dataclasses.field(default_factory=dict)  # product: the same
    own_history_days: int = 0   # earlier days whose prompts in its history are its own


@dataclass
class Variant:
    """One variant's prompts of the day and the inputs it was decided on (its history)."""
    prompts: DataFrame
    inputs: decide.Inputs
    own_history_days: int = 0


@dataclass(frozen=True)
class Evaluation:
    business_date: str
    ttl_days: int
    objective: str                # accepts | value: what the oracle maximises, what ratios use
    results: list[VariantResult]

    def get(self, variant: str) -> VariantResult:
        return next(r for r in self.results if r.variant == variant)

    def ratio(self, variant: str, to: str, measure: str | None = None) -> float:
        measure = measure or MEASURES[self.objective]
        base = getattr(self.get(to), measure)
        return getattr(self.get(variant), measure) / base if base else float("nan")

    def describe(self) -> str:
        lines = [f"decision quality on {self.business_date}: expected accepted offers = sum of "
                 f"each prompt's true probability of opening within its {self.ttl_days}-day life",
                 "expected value = the same, weighted by product points x campaign weight; "
                 f"objective: {self.objective}", self.history_line(), "",
                 f"{'variant':12s} {'prompts':>8s} {'exp. accepts':>13s} {'per prompt':>11s} "
                 f"{'/ oracle':>9s} {'exp. value':>11s} {'/ oracle':>9s} {'violations':>10s}"]
        for r in self.results:
            per = r.expected_accepts / r.prompts if r.prompts else 0.0
            lines.append(f"{r.variant:12s} {r.prompts:>8,} {r.expected_accepts:>13.2f} "
                         f"{per:>11.4f} "
                         f"{self.ratio(r.variant, 'oracle', 'expected_accepts'):>9.3f} "
                         f"{r.expected_value:>11.2f} "
                         f"{self.ratio(r.variant, 'oracle', 'expected_value'):>9.3f} "
                         f"{r.violations:>10,}")
        lines += ["", f"on {MEASURES[self.objective].replace('_', ' ')}: "
                  "pipeline / oracle: {:.3f}   pipeline / rules only: {:.2f}x   "
                  "pipeline / random: {:.2f}x".format(self.ratio("pipeline", "oracle"),
                                                       self.ratio("pipeline", "rules_only"),
                                                       self.ratio("pipeline", "random"))]
        return "\n".join(lines + ["", *self.breakdown("role"), "",
                                   *self.breakdown("product")])

    def history_line(self) -> str:
        own = {r.variant: r.own_history_days for r in self.results if r.variant != "pipeline"}
        counts = ", ".join(f"{name} {days}" for name, days in own.items())
        return (f"contact history: each baseline's own prompts on the earlier evaluated days "
                f"({counts}), the pipeline's on the others")

    def breakdown(self, by: str) -> list[str]:
        """Prompts and expected value per role (where each variant spends the capacity) or
        per product (where its value comes from)."""
        tables = [getattr(r, f"by_{by}") for r in self.results]
        keys = sorted({key for table in tables for key in table}, key=lambda k: k or "")
        lines = [f"prompts (expected value) per {by}:",
                 f"{by:22s}" + "".join(f"{r.variant:>20s}" for r in self.results)]
        for key in keys:
            cells = [t.get(key, {"prompts": 0, "expected_value": 0.0}) for t in tables]
            lines.append(f"{key or '-':22s}" + "".join(
                f"{c['prompts']:>10,} ({c['expected_value']:>7.1f})" for c in cells))
        return lines


def _truth(ctx: JobContext, name: str) -> DataFrame:
    path = ctx.home / "truth" / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: evaluate needs a generated bank's truth/ "
                                f"(crosslink generate)")
    return ctx.spark.read.parquet(str(path))


def acceptance(ctx: JobContext) -> DataFrame:
    """Every truth pair's acceptance probability on the date (evaluation.acceptance)."""
    return evaluation.acceptance(_truth(ctx, "propensity"), _truth(ctx, "openings"),
                                 ctx.business_date, ctx.config.policy.contact.prompt_ttl_days)


def allocate(ctx: JobContext, data: decide.Inputs, candidates: DataFrame) -> DataFrame:
    """The engine on these candidates, as decide and route run it; nothing is written."""
    opportunities = decide.decide(ctx, data, decide.DecideResult(), candidates)
    return route.route_prompts(ctx, opportunities, data, route.RouteResult())


def baseline_inputs(ctx: JobContext, data: decide.Inputs) -> dict[str, tuple]:
    """Per baseline: the day's inputs with its own contact history (persisted: the caller
    unpersists it, `release`), and how many earlier days of that history are its own
    (evaluation.own_history)."""
    first, yesterday = decide.history_window(ctx)
    pipeline = ctx.between(decide.PROMPTS, first, yesterday)
    current = evaluation.fingerprints(pipeline).localCheckpoint()
    recorded = ctx.between(EVALUATION_PROMPTS, first, yesterday)
    found: dict[str, tuple] = {}
    try:
        for name in BASELINES:
            own = evaluation.own_prompts(current, recorded, name).localCheckpoint()
            history = decide.history(ctx, evaluation.own_history(pipeline, own)).persist()
            scores = None if name == "rules_only" else data.scores
            found[name] = (dataclasses.replace(data, history=history, scores=scores),
                           own.select("business_date").distinct().count())
    except BaseException:
        release(found)
        raise
    return found


def release(baselines: dict[str, tuple]) -> None:
    """Unpersist the contact histories `baseline_inputs` persisted."""
    for variant_data, _ in baselines.values():
        variant_data.history.unpersist()


def candidates(ctx: JobContext, name: str, data: decide.Inputs, pairs: DataFrame,
               seed: int) -> DataFrame:
    """A baseline's candidates: the active-list rules alone; every eligible pair scored by
    the truth, under the policy's floors as a model's scores are (oracle); or every eligible
    pair at random (a floor on a random score would only thin the list at random)."""
    if name == "rules_only":
        return decide.find_candidates(ctx, data)
    day, no_hits = ctx.business_date, evaluation.no_hits(ctx.spark)
    if name == "random":
        return combine.opportunities(no_hits, evaluation.random_scores(pairs, day, seed))
    arbitration = ctx.config.policy.arbitration
    return combine.opportunities(no_hits, evaluation.oracle_scores(pairs, day),
                                 min_model_propensity=arbitration.min_model_propensity,
                                 min_model_lift=arbitration.min_model_lift)


def variants(ctx: JobContext, data: decide.Inputs, baselines: dict[str, tuple],
             accept: DataFrame, seed: int, objective: str = "value") -> dict[str, Variant]:
    """The pipeline's prompts of the day, and each baseline's allocation on its own inputs
    (`baseline_inputs`)."""
    pairs = evaluation.candidate_pairs(data.features, accept).localCheckpoint()
    oracle_ctx = dataclasses.replace(ctx, config=evaluation.oracle_config(ctx.config,
                                                                          objective))
    found = {"pipeline": Variant(ctx.partition(decide.PROMPTS, required=True), data)}
    for name, (variant_data, own_days) in baselines.items():
        engine_ctx = oracle_ctx if name == "oracle" else ctx
        prompts = allocate(engine_ctx, variant_data,
                           candidates(ctx, name, variant_data, pairs, seed))
        found[name] = Variant(prompts.localCheckpoint(), variant_data, own_days)
    return found


def record_baselines(ctx: JobContext, found: dict[str, Variant]) -> None:
    """The baselines' prompts of the day to ops.evaluation_prompts (the date's rows replaced),
    stamped with the fingerprint of the pipeline prompts they were decided beside."""
    stamp = evaluation.fingerprints(found["pipeline"].prompts).collect()
    fingerprint = stamp[0]["pipeline_fingerprint"] if stamp else "none"
    rows = functools.reduce(DataFrame.unionByName, (
        evaluation.record(found[name].prompts, name, fingerprint) for name in BASELINES))
    ctx.lake.replace(rows, EVALUATION_PROMPTS, {"business_date": ctx.business_date})


def run(ctx: JobContext, seed: int = 7, objective: str = "value") -> Evaluation:
    ttl = ctx.config.policy.contact.prompt_ttl_days
    with ctx.run_log.step("evaluate") as rec:
        accept = acceptance(ctx).localCheckpoint()
        data = decide.read_inputs(ctx)
        baselines: dict[str, tuple] = {}
        try:
            baselines = baseline_inputs(ctx, data)
            found = variants(ctx, data, baselines, accept, seed, objective)
            results = [VariantResult(
                name, **evaluation.expected(v.prompts, accept, ctx.config),
                violations=len(route.violations(ctx, v.inputs, v.prompts)),
                own_history_days=v.own_history_days) for name, v in found.items()]
            record_baselines(ctx, found)
        finally:
            data.unpersist()
            release(baselines)
        result = Evaluation(ctx.business_date.isoformat(), ttl, objective, results)
        rec.rows_read = result.get("pipeline").prompts
        rec.message = (f"pipeline/oracle={result.ratio('pipeline', 'oracle'):.3f}, "
                       f"/rules_only={result.ratio('pipeline', 'rules_only'):.2f}, "
                       f"/random={result.ratio('pipeline', 'random'):.2f}")
    path = ctx.home / "reports" / ctx.business_date.isoformat() / "evaluation.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(result), indent=2))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=parse_date, help="business date")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random baseline")
    parser.add_argument("--objective", choices=sorted(MEASURES), default="value")
    args = parser.parse_args(argv)
    print(run_job(build_context(args.date), run, args.seed, args.objective).describe())


if __name__ == "__main__":
    main()
