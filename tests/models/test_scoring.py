"""Scoring: the pure Spark function against a tiny real booster, then jobs/score.py against a
real MLflow registry in tmp_path on a hand-written lake."""

from __future__ import annotations

import dataclasses
import fnmatch

import numpy as np
import pytest
import xgboost as xgb

from crosslink.context import build_context, run_job
from features.labels import eligible
from models import calibration, registry, scoring
from models.registry import LoadedModel
from tests.features.frames import DAY, features_row, frame, row

# a few real feature names, deliberately not in the table's column order; two share a phrase
MODEL_FEATURES = ("balance_total_cny", "salary_ours_count_30d", "age", "is_employee",
                  "share_wechat_90d", "salary_ours_cny_90d")
PERSONS = ("P1", "P2", "P3", "P4", "P5")


@pytest.fixture(scope="module")
def booster():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, len(MODEL_FEATURES)))
    y = (x[:, 0] + 0.8 * x[:, 1] - 0.5 * x[:, 2] + rng.normal(scale=0.5, size=600) > 0.3)
    params = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.4, "nthread": 1,
              "seed": 1}
    return xgb.train(params, xgb.DMatrix(x, y.astype(int), feature_names=list(MODEL_FEATURES)),
                     num_boost_round=15)


def _values(i: int) -> dict:
    """Feature values of customer i: spread out so that the trees split them differently."""
    rng = np.random.default_rng(100 + i)
    v = rng.normal(size=len(MODEL_FEATURES)) * 1.5
    return {"balance_total_cny": float(v[0]), "salary_ours_count_30d": int(round(v[1] * 2)),
            "age": int(round(v[2] * 3)), "is_employee": int(v[3] > 0),
            "share_wechat_90d": float(v[4]), "salary_ours_cny_90d": float(v[5])}


def _feature_rows(day=DAY) -> list[dict]:
    rows = [features_row(c, snapshot_date=day, **_values(i)) for i, c in enumerate(PERSONS)]
    rows.append(features_row("C1", "company", snapshot_date=day, is_company=1,
                             **_values(len(PERSONS))))
    return rows


def _holdings(day=DAY) -> list[dict]:
    """P2 already holds a credit card: not eligible for one."""
    return [row("silver.holdings", snapshot_date=day, holding_id="H1", customer_id="P1"),
            row("silver.holdings", snapshot_date=day, holding_id="H2", customer_id="P2",
                product_code="credit_card", category="financing")]


def _model(booster, product: str, version: int) -> LoadedModel:
    return LoadedModel(product, registry.model_name(product), version, booster,
                       tuple(booster.feature_names), f"run-{product}-{version}")


def _expected_reasons(contribs: np.ndarray, cfg, phrases) -> list[tuple[str, str, str]]:
    """Independent of models.reasons: phrase of each feature by the first matching glob,
    summed per phrase text, >= min_contribution and > 0, largest first, top_reasons of them."""
    sums: dict[tuple[str, str], list] = {}
    for name, value in zip(MODEL_FEATURES, contribs[:-1], strict=True):
        phrase = next(p for p in phrases if fnmatch.fnmatchcase(name, p.match))
        entry = sums.setdefault((phrase.en, phrase.zh), [0.0, []])
        entry[0] += float(value)
        if phrase.match not in entry[1]:
            entry[1].append(phrase.match)
    kept = [(total, en, zh, "|".join(globs)) for (en, zh), (total, globs) in sums.items()
            if total >= cfg.min_contribution and total > 0]
    kept.sort(key=lambda t: -t[0])
    return [(glob, en, zh) for _, en, zh, glob in kept[:cfg.top_reasons]]


@pytest.fixture(scope="module")
def inputs(spark):
    features = frame(spark, "gold.customer_features", _feature_rows())
    holdings = frame(spark, "silver.holdings", _holdings())
    return features, holdings


@pytest.fixture(scope="module", params=["approx", "exact"])
def scored(request, spark, config, inputs, booster):
    features, holdings = inputs
    pairs = eligible(features, holdings, config.products.products)
    models = [_model(booster, "credit_card", 3), _model(booster, "payroll_agency", 1)]
    # min_contribution 0.01: tiny trees make small contributions; keep several reasons
    cfg = config.models.scoring.model_copy(update={"min_contribution": 0.01,
                                                   "contributions": request.param})
    scores = scoring.score(features, pairs.repartition(3), models, cfg, config.models.reasons)
    scores = scores.persist()
    yield scores, pairs, cfg
    scores.unpersist()


def test_one_row_per_eligible_pair_of_a_product_with_a_model(scored):
    scores, pairs, _ = scored
    keys = sorted((r.customer_id, r.product_code) for r in scores.collect())
    expected = sorted((r.customer_id, r.product_code) for r in pairs.collect()
                      if r.product_code in ("credit_card", "payroll_agency"))
    assert keys == expected
    assert ("P2", "credit_card") not in keys                     # already held
    assert [k for k in keys if k[1] == "payroll_agency"] == [("C1", "payroll_agency")]


def test_the_rows_have_the_table_schema_and_the_model_stamps(scored):
    from crosslink.tables import table

    scores, _, _ = scored
    assert scores.columns == table("gold.propensity_scores").columns
    stamps = {(r.product_code, r.model_name, r.model_version, r.model_run_id)
              for r in scores.collect()}
    assert stamps == {("credit_card", "crosslink.credit_card", 3, "run-credit_card-3"),
                      ("payroll_agency", "crosslink.payroll_agency", 1, "run-payroll_agency-1")}
    p1 = scores.where("customer_id = 'P1' AND product_code = 'credit_card'").first()
    assert (p1.customer_type, p1.suitable, p1.snapshot_date) == ("person", True, DAY)


def test_propensities_are_the_boosters_own_predictions(scored, booster):
    scores, _, _ = scored
    got = {(r.customer_id, r.product_code): r.propensity for r in scores.collect()}
    customers = [*PERSONS, "C1"]
    matrix = np.array([[_values(i)[f] for f in MODEL_FEATURES] for i in range(len(customers))])
    expected = dict(zip(customers, booster.inplace_predict(matrix).tolist(), strict=True))
    assert len(set(np.round(list(expected.values()), 6))) > 3        # the rows do differ
    for (customer, _), propensity in got.items():
        assert propensity == pytest.approx(expected[customer], abs=1e-6)


def test_reasons_are_the_phrases_of_the_top_contributing_features(scored, booster, config):
    scores, _, cfg = scored
    customers = [*PERSONS, "C1"]
    matrix = np.array([[_values(i)[f] for f in MODEL_FEATURES] for i in range(len(customers))])
    approx = cfg.contributions == "approx"
    contribs = booster.predict(xgb.DMatrix(matrix, feature_names=list(MODEL_FEATURES)),
                               pred_contribs=True, approx_contribs=approx)
    expected = {c: _expected_reasons(contribs[i], cfg, config.models.reasons)
                for i, c in enumerate(customers)}
    rows = scores.collect()
    assert any(len(r.reasons) >= 2 for r in rows)
    for r in rows:
        got = list(zip(r.reason_features, r.reasons, r.reasons_zh, strict=True))
        assert got == expected[r.customer_id], r.customer_id
    phrases = {p for r in rows for p in r.reasons}
    assert phrases <= {p.en for p in config.models.reasons}


def test_without_reasons_the_lists_are_empty_and_scores_unchanged(scored, spark, config,
                                                                    inputs, booster):
    scores, pairs, cfg = scored
    features, _ = inputs
    plain = scoring.score(features, pairs, [_model(booster, "credit_card", 3)], cfg,
                          config.models.reasons, with_reasons=False).collect()
    with_reasons = {r.customer_id: r.propensity for r in scores.collect()
                    if r.product_code == "credit_card"}
    assert {r.customer_id: r.propensity for r in plain} == with_reasons
    assert all(r.reasons == [] and r.reason_features == [] for r in plain)


def test_calibration_moves_the_propensity_but_not_the_reasons(scored, config, inputs, booster):
    """min_contribution is read in the trees as trained: a folded slope scales every
    contribution, so it scales the threshold too."""
    scores, pairs, cfg = scored
    features, _ = inputs
    folded = calibration.fold(booster, 0.3, -1.0)
    calibrated = scoring.score(features, pairs, [_model(folded, "credit_card", 4)], cfg,
                               config.models.reasons).collect()
    before = {r.customer_id: r for r in scores.collect() if r.product_code == "credit_card"}
    assert any(r.reasons for r in calibrated)
    for r in calibrated:
        assert r.propensity != pytest.approx(before[r.customer_id].propensity, abs=1e-3)
        assert r.reasons == before[r.customer_id].reasons, r.customer_id


def test_a_model_reading_a_missing_feature_is_refused_before_spark_runs(inputs, booster,
                                                                        config):
    features, _ = inputs
    model = dataclasses.replace(_model(booster, "credit_card", 3),
                                feature_names=(*MODEL_FEATURES, "nope"))
    with pytest.raises(ValueError, match="'nope'"):
        scoring.score(features, features, [model], config.models.scoring,
                      config.models.reasons)


def test_no_models_give_an_empty_frame_of_the_table(inputs, config):
    features, _ = inputs
    empty = scoring.score(features, features, [], config.models.scoring, config.models.reasons)
    assert empty.isEmpty()
    assert empty.columns[:4] == ["snapshot_date", "customer_id", "customer_type",
                                 "product_code"]


# --- jobs/score.py against a real registry -----------------------------------------------------
@pytest.fixture(scope="module")
def job_lake(spark, docs_off_config, tmp_path_factory, booster):
    """A lake with the date's features and holdings, and a registry in which credit_card has
    a champion (version 2 of 2) and payroll_agency only an unaliased version."""
    home = tmp_path_factory.mktemp("score_job")
    with pytest.MonkeyPatch.context() as mp:   # then as it was: a package fixture may hold
        mp.setenv("CROSSLINK_HOME", str(home))  # a bank's home
        yield _score_job_lake(spark, docs_off_config, home, booster)


def _score_job_lake(spark, cfg, home, booster):
    import mlflow
    import mlflow.xgboost

    ctx = build_context(DAY, cfg, spark=spark)
    ctx.lake.replace(frame(spark, "gold.customer_features", _feature_rows()),
                     "gold.customer_features", {"snapshot_date": DAY})
    ctx.lake.replace(frame(spark, "silver.holdings", _holdings()), "silver.holdings",
                     {"snapshot_date": DAY})
    client = registry.configure(home)
    experiment = client.get_experiment_by_name(registry.EXPERIMENT).experiment_id
    for product in ("credit_card", "credit_card", "payroll_agency"):
        with mlflow.start_run(experiment_id=experiment):
            mlflow.xgboost.log_model(booster, name="model",
                                     registered_model_name=registry.model_name(product))
    registry.set_champion(client, "credit_card", 2)
    return (lambda: build_context(DAY, cfg, spark=spark)), client


@pytest.mark.slow
def test_the_job_scores_the_champions_and_names_the_products_without_one(job_lake, booster):
    from jobs import score as job

    context, _ = job_lake
    ctx = context()
    result = run_job(ctx, job.run)
    rows = ctx.lake.read("gold.propensity_scores", where={"snapshot_date": DAY}).collect()
    assert sorted(r.customer_id for r in rows) == ["P1", "P3", "P4", "P5"]   # P2 holds one
    assert {(r.product_code, r.model_version) for r in rows} == {("credit_card", 2)}
    assert result.scored == {"credit_card": (2, 4)}
    assert "payroll_agency" in result.skipped and "mortgage" in result.skipped
    assert "debit_account" not in result.skipped                    # not offerable
    p1 = next(r for r in rows if r.customer_id == "P1")
    assert p1.propensity == pytest.approx(
        float(booster.inplace_predict(np.array([[_values(0)[f] for f in MODEL_FEATURES]]))[0]),
        abs=1e-6)
    (run,) = ctx.lake.read("ops.runs", where={"business_date": DAY, "step": "score"}).collect()
    assert (run.status, run.rows_read, run.rows_written) == ("success", 6, 4)
    assert run.message.startswith("scored: credit_card v2=4; no champion: ")
    assert "payroll_agency" in run.message and "credit_card," not in run.message


@pytest.mark.slow
def test_the_nightly_pipeline_runs_score_after_features(job_lake, monkeypatch):
    from crosslink import pipeline
    from crosslink.pipeline import STEPS, nightly

    context, _ = job_lake
    names = [name for name, _ in STEPS]
    assert names[names.index("features") + 1] == "score"
    # this tiny lake has no consent or staff: run the steps up to score only
    monkeypatch.setattr(pipeline, "STEPS", STEPS[:names.index("score") + 1])
    (summary,) = nightly(context(), progress=lambda _: None, from_step="score")
    assert (summary.step, summary.rows_in, summary.rows_out) == ("score", 6, 4)
    with pytest.raises(ValueError, match="unknown step 'scoring'"):
        nightly(context(), progress=lambda _: None, from_step="scoring")


@pytest.mark.slow
def test_a_rerun_is_exact_and_without_champions_the_partition_is_emptied(job_lake):
    from jobs import score as job

    context, client = job_lake
    ctx = context()
    run_job(ctx, job.run)
    before = ctx.lake.checksum("gold.propensity_scores", where={"snapshot_date": DAY})
    version = ctx.lake.version("gold.propensity_scores")
    run_job(context(), job.run)
    assert ctx.lake.checksum("gold.propensity_scores", where={"snapshot_date": DAY}) == before
    assert ctx.lake.version("gold.propensity_scores") == version + 1

    client.delete_registered_model_alias(registry.model_name("credit_card"), registry.CHAMPION)
    result = run_job(context(), job.run)
    assert (result.scored, result.rows_written) == ({}, 0)
    assert ctx.lake.count("gold.propensity_scores", where={"snapshot_date": DAY}) == 0
    (run,) = ctx.lake.read("ops.runs", where={"business_date": DAY, "step": "score"}).collect()
    assert run.message.startswith("scored: none; no champion: ")
