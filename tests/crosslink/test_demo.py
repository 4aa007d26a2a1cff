"""The demo's training settings: a small bank's overrides on top of models.yaml."""

from __future__ import annotations

from crosslink.demo import DemoSettings, _with


def test_the_demo_trains_with_small_bank_overrides_and_keeps_the_rest(config):
    settings = DemoSettings()
    demo = _with(config, settings).models.train
    assert demo.min_train_positives == settings.min_train_positives
    assert demo.min_holdout_positives == settings.min_holdout_positives
    assert demo.params["min_child_weight"] == settings.min_child_weight
    others = {k: v for k, v in config.models.train.params.items() if k != "min_child_weight"}
    assert {k: demo.params[k] for k in others} == others     # depth, eta … as configured
    assert config.models.train.params["min_child_weight"] != settings.min_child_weight
