"""The retrain DAG's `publish_models`: one asset event per model the date's promote run made
champion, read from the record the promote job writes (crosslink.promotions)."""

from __future__ import annotations

import datetime as dt
import runpy

from crosslink import promotions
from models.promotion import Decision
from tests.dags.conftest import DAGS_FOLDER

DAY = dt.date(2026, 2, 7)


def _decision(product: str, version: int, promoted: bool) -> Decision:
    return Decision(product=product, challenger_version=version, champion_version=version - 1,
                    metric="auc", challenger_value=0.8, champion_value=0.7, margin=0.005,
                    promoted=promoted, reason="beats the champion" if promoted else "refused")


def _publish(home, monkeypatch):
    from airflow.sdk.execution_time.context import OutletEventAccessors

    monkeypatch.setenv("CROSSLINK_HOME", str(home))
    module = runpy.run_path(str(DAGS_FOLDER / "crosslink_retrain.py"))
    events = OutletEventAccessors()
    published = module["publish_models"].function(DAY.isoformat(), outlet_events=events)
    alias_events = events[module["PROMOTED_MODELS"]].asset_alias_events
    return published, alias_events


def test_one_event_per_promoted_model_and_none_for_refused(tmp_path, monkeypatch):
    promotions.write_record(tmp_path, DAY, [_decision("credit_card", 3, True),
                                            _decision("mortgage", 2, False),
                                            _decision("wealth_management", 5, True)])
    published, events = _publish(tmp_path, monkeypatch)
    assert published == ["crosslink.credit_card v3", "crosslink.wealth_management v5"]
    assert [e.dest_asset_key.uri for e in events] == [
        "crosslink://models/crosslink.credit_card",
        "crosslink://models/crosslink.wealth_management"]
    assert events[0].extra == {"version": 3, "business_date": "2026-02-07",
                               "reason": "beats the champion"}


def test_no_record_no_event(tmp_path, monkeypatch):
    published, events = _publish(tmp_path, monkeypatch)
    assert published == [] and events == []


def test_a_rerun_of_promote_replaces_the_record(tmp_path):
    promotions.write_record(tmp_path, DAY, [_decision("credit_card", 3, True)])
    promotions.write_record(tmp_path, DAY, [_decision("credit_card", 3, False)])
    assert promotions.promoted(tmp_path, DAY) == []
    assert promotions.promoted(tmp_path, DAY.isoformat()) == []
