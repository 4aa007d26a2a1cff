"""feedback.events: three extracts into one event model; unknown, early and repeated events
are quarantined with reasons, never lost or doubled."""

from __future__ import annotations

import datetime as dt

from crosslink.feedback import events as fb
from crosslink.tables import table

DAY = dt.date(2026, 1, 7)
LINEAGE = (DAY, "landing/x", 1, "h")


def _ts(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10))


def test_each_system_maps_onto_one_event_model(spark):
    teller = spark.createDataFrame(
        [("E1", "P1", "referred", _ts(DAY), "T1", "B1", "retail_rm", "R1", "B1", None,
          *LINEAGE)],
        "event_id string, prompt_id string, event_type string, event_ts timestamp, "
        "teller_id string, branch_id string, refer_to_role string, refer_to_staff string, "
        "refer_to_org string, note string, business_date date, source_file string, "
        "source_line long, record_hash string")
    crm = spark.createDataFrame(
        [("E2", "P1", "handled", _ts(DAY), "R1", "retail_rm", "B1", None, None, None, None,
          *LINEAGE)],
        "event_id string, prompt_id string, event_type string, event_ts timestamp, "
        "actor_id string, actor_role string, actor_org_id string, referred_role string, "
        "referred_staff_id string, referred_org_id string, note string, business_date date, "
        "source_file string, source_line long, record_hash string")
    channel = spark.createDataFrame(
        [("E3", "P2", "contacted", _ts(DAY), "wechat", "S1", *LINEAGE)],
        "event_id string, prompt_id string, event_type string, event_ts timestamp, "
        "channel string, session_id string, business_date date, source_file string, "
        "source_line long, record_hash string")
    staff = spark.createDataFrame([("T1", "teller")], "staff_id string, role string")
    rows = {r.event_id: r for r in fb.unified(teller, crm, channel, staff).collect()}
    assert (rows["E1"].actor_role, rows["E1"].referred_staff_id, rows["E1"].source) == (
        "teller", "R1", "teller_events")
    assert (rows["E2"].actor_id, rows["E2"].actor_role) == ("R1", "retail_rm")
    assert (rows["E3"].actor_id, rows["E3"].actor_role, rows["E3"].channel) == (
        "wechat", None, "wechat")


def test_unknown_early_and_repeated_events_are_quarantined_with_reasons(spark):
    cols = ("event_id string, prompt_id string, event_type string, event_ts timestamp, "
            "source string, actor_id string, actor_role string, actor_org_id string, "
            "channel string, referred_role string, referred_staff_id string, "
            "referred_org_id string, business_date date, source_file string, "
            "source_line long, record_hash string")
    ev = lambda i, p, day: (f"E{i}", p, "contacted", _ts(day), "crm_events", "R1",  # noqa: E731
                            "retail_rm", "B1", None, None, None, None, DAY, "f", i, "h")
    events = spark.createDataFrame([
        ev(1, "P1", DAY),                         # kept
        ev(2, "NOPE", DAY),                       # unknown prompt
        ev(3, "P1", DAY - dt.timedelta(days=3)),  # before the prompt's first working day
        ev(4, "P1", DAY),                         # stored on an earlier day already
    ], cols)
    prompts = spark.createDataFrame(
        [("P1", DAY - dt.timedelta(days=2), "C1", "credit_card", "R1", "retail_rm")],
        "prompt_id string, business_date date, customer_id string, product_code string, "
        "assignee_id string, role string")
    earlier = spark.createDataFrame([("E4",)], "event_id string")
    checked = fb.checked(events, prompts, earlier)
    kept = fb.prompt_events(checked)
    rejected = {r.record_key: r.reasons for r in fb.rejected(checked, dt.datetime.now()).collect()}
    assert [r.event_id for r in kept.collect()] == ["E1"]
    assert kept.columns == table("feedback.prompt_events").columns
    assert kept.first().event_date == DAY and kept.first().customer_id == "C1"
    assert rejected == {"E2": ["unknown_prompt"], "E3": ["before_prompt"],
                        "E4": ["duplicate_event"]}
