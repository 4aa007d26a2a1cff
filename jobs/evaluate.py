"""Evaluate a day's decisions on generated data: expected accepted offers of the day's prompts
against an oracle allocation and rules-only and random baselines (crosslink/evaluation.py).

    spark-submit jobs/evaluate.py --date 2026-01-26 [--seed 7] [--objective accepts|value]

Needs `truth/` (a generated bank) and the date's gold.prompts. The oracle and the baselines are
routed by the same engine under the same policy and capacities but never written: only the
figures are, to `reports/<date>/evaluation.json`, and a row of ops.runs (step `evaluate`).

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
import json
from dataclasses import asdict, dataclass

from pyspark.sql import DataFrame

from crosslink import evaluation
from crosslink.context import JobContext, build_context, parse_date, run_job
from crosslink.decide import combine
from jobs import decide, route

VARIANTS = ("pipeline", "oracle", "rules_only", "random")
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
                 f"objective: {self.objective}", "",
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


def variant_prompts(ctx: JobContext, data: decide.Inputs, accept: DataFrame, seed: int,
                    objective: str = "value") -> dict[str, DataFrame]:
    day = ctx.business_date
    pairs = evaluation.candidate_pairs(data.features, accept).localCheckpoint()
    no_hits = evaluation.no_hits(ctx.spark)
    oracle_ctx = dataclasses.replace(ctx, config=evaluation.oracle_config(ctx.config,
                                                                          objective))
    rules_only = decide.Inputs(**{**vars(data), "scores": None})
    return {
        "pipeline": ctx.partition(decide.PROMPTS, required=True),
        "oracle": allocate(oracle_ctx, data, combine.opportunities(
            no_hits, evaluation.oracle_scores(pairs, day))),
        "rules_only": allocate(ctx, data, decide.find_candidates(ctx, rules_only)),
        "random": allocate(ctx, data, combine.opportunities(
            no_hits, evaluation.random_scores(pairs, day, seed))),
    }


def run(ctx: JobContext, seed: int = 7, objective: str = "value") -> Evaluation:
    ttl = ctx.config.policy.contact.prompt_ttl_days
    with ctx.run_log.step("evaluate") as rec:
        accept = acceptance(ctx).localCheckpoint()
        data = decide.read_inputs(ctx)
        try:
            prompts = variant_prompts(ctx, data, accept, seed, objective)
            results = [VariantResult(name, **evaluation.expected(prompts[name], accept,
                                                                 ctx.config),
                                     violations=len(route.violations(ctx, data, prompts[name])))
                       for name in VARIANTS]
        finally:
            data.unpersist()
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
