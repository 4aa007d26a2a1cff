"""Config: the committed base loads; bad values stop with the file, the key and the problem."""

from __future__ import annotations

import shutil

import pytest

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
