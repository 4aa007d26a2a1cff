"""One generated bank for every end-to-end job test in this package: generated once, every
night run once through the in-process pipeline — each after the downstream systems' feedback
on the earlier nights' prompts (`simulate_feedback`) — then shared (tests that write to it
only rerun dates or add models, which the others tolerate)."""

from __future__ import annotations

import datetime as dt

import pytest

from crosslink.context import build_context
from crosslink.generate import generate_bank
from crosslink.generate.feedback import simulate_feedback
from crosslink.pipeline import nightly

START, DAYS, CUSTOMERS = dt.date(2026, 1, 5), 5, 1000
LAST = START + dt.timedelta(days=DAYS - 1)
OPEN_RATE_SCALE = 10.0     # a brisk-selling bank: enough openings in days to learn from


@pytest.fixture(scope="package")
def bank(spark, config, tmp_path_factory):
    home = tmp_path_factory.mktemp("jobs_bank")
    mp = pytest.MonkeyPatch()
    mp.setenv("CROSSLINK_HOME", str(home))
    pipeline = config.pipeline.model_copy(update={
        "quality": config.pipeline.quality.model_copy(update={"build_data_docs": False})})
    generator = config.generator.model_copy(update={"open_rate_scale": OPEN_RATE_SCALE})
    cfg = config.model_copy(update={"pipeline": pipeline, "generator": generator})
    generate_bank(cfg, home, customers=CUSTOMERS, days=DAYS, seed=5, start=START)
    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        simulate_feedback(cfg, home, day)
        nightly(build_context(day, cfg, spark=spark), progress=lambda _: None)
    yield build_context(LAST, cfg, spark=spark)
    mp.undo()
