"""Config: the committed base loads; bad values stop with the file, the key and the problem."""

from __future__ import annotations

import argparse
import re
import shutil

import pytest

from crosslink.cli import merge_overrides, parse_override
from crosslink.config import ConfigError, load_config


def test_base_config_loads(config):
    assert len([p for p in config.products.products if p.offerable]) >= 14
    categories = {p.category for p in config.products.products}
    assert categories == {"settlement", "wealth", "insurance", "financing", "custody",
                          "leasing", "pension", "e_channel"}


@pytest.fixture
def conf_copy(tmp_path):
    from crosslink.config import conf_dir

    target = tmp_path / "conf"
    shutil.copytree(conf_dir() / "base", target / "base")
    (target / "local").mkdir()
    return target


def test_local_override_wins(conf_copy):
    (conf_copy / "local" / "spark.yaml").write_text("master: local[1]\n")
    assert load_config(conf_copy).spark.master == "local[1]"
    assert load_config(conf_copy).spark.app_name == "crosslink"  # the rest of base survives


def test_bad_value_names_file_key_and_problem(conf_copy):
    (conf_copy / "local" / "pipeline.yaml").write_text("quality:\n  max_quarantine_rate: 3\n")
    with pytest.raises(ConfigError) as err:
        load_config(conf_copy)
    message = str(err.value)
    assert "local/pipeline.yaml" in message
    assert "quality.max_quarantine_rate" in message
    assert "less than or equal to 1" in message


def test_unknown_key_is_refused(conf_copy):
    (conf_copy / "local" / "spark.yaml").write_text("mastr: local[1]\n")
    with pytest.raises(ConfigError, match="key mastr: Extra inputs are not permitted"):
        load_config(conf_copy)


def test_unknown_product_in_a_centre_is_refused(conf_copy):
    path = conf_copy / "base" / "organisation.yaml"
    path.write_text(path.read_text().replace("products: [custody]", "products: [custardy]"))
    with pytest.raises(ConfigError, match="custardy"):
        load_config(conf_copy)


def test_broken_yaml_names_the_file(conf_copy):
    (conf_copy / "local" / "products.yaml").write_text("products: [unclosed\n")
    with pytest.raises(ConfigError, match="products.yaml: cannot read YAML"):
        load_config(conf_copy)


# --- rules.yaml, policy.yaml, routing.yaml ----------------------------------------------------
def _edit(conf, name: str, old: str, new: str) -> None:
    path = conf / "base" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_decide_config_loads(config):
    assert config.routing.rules[-1].match.empty
    assert {r.product for r in config.rules.rules} >= {
        "basic_settlement", "payroll_agency", "credit_card", "wealth_management",
        "wechat_banking", "cash_management", "trade_finance", "personal_pension"}
    assert config.rules.predicate(config.rules.rules[1]).startswith(
        "payroll_elsewhere_count_90d >= 3")


@pytest.mark.parametrize("name, old, new, expected", [
    ("rules", "AND holds_credit_card = 0", "AND holds_crdit_card = 0",
     r"rules\.yaml(.|\n)*key rules: .*rules\[2\] \(payroll_employee_no_card\)\.when: "
     r"unknown column 'holds_crdit_card'"),
    ("rules", "{min_trade_count_90d} AND", "{min_trade_cnt} AND",
     r"rules\.yaml(.|\n)*rules\[7\] \(trade_flows_trade_finance\)\.when: unknown param "
     r"\{min_trade_cnt\}"),
    ("rules", "trade_count_90d >= {min_trade_count_90d} AND", "trade_cont(1) >= 1 AND",
     r"unknown function trade_cont\(\)"),
    ("rules", "product: payroll_agency", "product: payrol_agency",
     r"rules\.yaml rules\[1\] \(payroll_through_other_bank\)\.product: unknown product "
     r"'payrol_agency'"),
    ("rules", "owner_role: lobby_manager", "owner_role: corporate_rm",
     r"rules\.yaml rules\[5\] \(wechat_payer_not_bound\)\.owner_role: corporate_rm does not "
     r"sell wechat_banking"),
    ("routing", "  - id: catch_all\n    role: default\n", "",
     r"routing\.yaml(.|\n)*key rules: .*rules\[15\] \(person_to_retail_rm\): the last routing "
     r"rule must be a catch-all"),
    ("routing", "match: {category: [e_channel], tier: [C]}\n    role: electronic\n"
                "    channel: mobile_app",
     "match: {product: [mobile_banking], tier: [C]}\n    role: electronic\n"
     "    channel: mobile_app",
     r"routing\.yaml rules\[7\] \(e_channel_low_tier_app\)\.match\.product: electronic on "
     r"mobile_app may not carry \['mobile_banking'\]"),
    ("routing", "role: wealth_advisor\n    channel: branch_rm\n    organisation: own_branch\n"
                "    referral_path: corporate_rm<>wealth_advisor",
     "role: electronic\n    channel: branch_rm\n    organisation: channel",
     r"routing\.yaml rules\[5\] \(linkage_wealth_to_advisor\)\.role: electronic channels"),
    ("routing", "  - {en: \"Offer {product}: {reasons}.\"", "  - {role: retail_rm, en: \"Offer "
     "{product}: {reasons}.\"", r"routing\.yaml(.|\n)*key pitches: .*catch-all template"),
    ("routing", "en: \"Offer {product}: {reasons}.\"", "en: \"Offer {prodcut}.\"",
     r"routing\.yaml(.|\n)*unknown placeholders \['prodcut'\]"),
    ("policy", "max_prompts_per_customer_per_week: 4", "max_prompts_per_customer_per_week: 1",
     r"policy\.yaml(.|\n)*max_prompts_per_customer_per_week must be >="),
    ("policy", "products: {payroll_agency: 1.3}", "products: {payroll_agncy: 1.3}",
     r"policy\.yaml arbitration\.campaign_weights\.products: unknown product 'payroll_agncy'"),
    ("policy", "method: quantiles", "method: deciles", r"policy\.yaml(.|\n)*grading\.method"),
])
def test_bad_decide_config_names_file_and_key(conf_copy, name, old, new, expected):
    _edit(conf_copy, name, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(conf_copy)
    assert re.search(expected, str(err.value)), str(err.value)


def test_set_overrides_nest_by_file_and_key_and_read_values_as_yaml():
    parts = [parse_override("models.train.train_snapshots=24"),
             parse_override("models.train.params.max_depth=2"),
             parse_override("policy.consent_required=[sms, app]")]
    assert merge_overrides(parts) == {
        "models": {"train": {"train_snapshots": 24, "params": {"max_depth": 2}}},
        "policy": {"consent_required": ["sms", "app"]}}
    config = load_config(overrides=merge_overrides(parts[:2]))
    assert config.models.train.train_snapshots == 24
    assert config.models.train.params["max_depth"] == 2


@pytest.mark.parametrize("text", ["models=1", "models.train", ".train=1", "models..x=1"])
def test_a_malformed_set_names_itself(text):
    with pytest.raises(argparse.ArgumentTypeError, match=re.escape(repr(text))):
        parse_override(text)
