"""decide.route: ordered routing rules, then assignment within capacity."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from crosslink.config import RoutingConfig
from crosslink.decide.route import assign, route, route_and_assign
from tests.decide.frames import consent, opp, opps, organisation, staff

ROUTING = RoutingConfig.model_validate({
    "rules": [
        {"id": "centre", "match": {"category": ["custody"]}, "role": "specialist_centre",
         "channel": "branch_rm", "organisation": "specialist_centre",
         "referral_path": "corporate_rm>specialist_centre"},
        {"id": "e_app", "match": {"category": ["e_channel"], "tier": ["C"]},
         "role": "electronic", "channel": "mobile_app", "organisation": "channel"},
        {"id": "e_wechat", "match": {"category": ["e_channel"], "tier": ["C"]},
         "role": "electronic", "channel": "wechat", "organisation": "channel"},
        {"id": "top_wealth", "match": {"category": ["wealth"], "tier": ["A"]},
         "role": "wealth_advisor", "channel": "branch_rm", "organisation": "own_branch"},
        {"id": "insurance_phone", "match": {"category": ["insurance"]}, "role": "retail_rm",
         "channel": "phone", "organisation": "own_branch"},
        {"id": "person", "match": {"customer_type": "person", "when": "value >= 1"},
         "role": "retail_rm", "channel": "branch_rm", "organisation": "own_branch"},
        {"id": "catch_all", "role": "default"}],
    "pitches": [{"en": "Offer {product}.", "zh": "推荐{product}。"}]})

# customer, product, opp values, consented channels, expected (route, role, channel, org)
CASES = [
    ("P1", "mobile_banking", {}, "all", ("e_wechat", "electronic", "wechat", "wechat")),
    ("P2", "wechat_banking", {}, "all", ("e_app", "electronic", "mobile_app", "mobile_app")),
    ("P3", "wechat_banking", {}, ("branch_counter",),
     ("catch_all", "teller", "branch_counter", "B1")),
    ("P4", "wealth_management", {"tier": "A"}, "all",
     ("top_wealth", "wealth_advisor", "branch_rm", "B1")),
    ("P5", "wealth_management", {"tier": "B", "value": 2.0}, "all",
     ("person", "retail_rm", "branch_rm", "B1")),
    ("P6", "wealth_management", {"tier": "B", "value": 0.5}, "all",
     ("catch_all", "retail_rm", "branch_rm", "B1")),
    ("C1", "custody", {}, "all",
     ("centre", "specialist_centre", "branch_rm", "SC-CUSTODY")),
    ("P7", "life_insurance", {}, (), "no_consent"),
    ("P8", "credit_card", {"branch_id": None}, "all", "no_organisation"),
    ("P9", "life_insurance", {}, ("phone",), ("insurance_phone", "retail_rm", "phone", "B1")),
]


def _route(spark, config, routing=ROUTING, cases=CASES):
    rows = [opp(c, p, **values) for c, p, values, _, _ in cases]
    grants = {c: g for c, _, _, g, _ in cases}
    return route(opps(spark, rows), routing, config.products.products, config.organisation,
                 consent(spark, grants))


@pytest.fixture(scope="module")
def routed(spark, config):
    ok, unrouted = _route(spark, config)
    got = {r["customer_id"]: (r["route_id"], r["role"], r["channel"], r["org_id"])
           for r in ok.collect()}
    got.update({r["customer_id"]: r["reason"] for r in unrouted.collect()})
    return got, ok


def test_first_rule_that_matches_and_may_carry_wins(routed):
    got, _ = routed
    assert got == {c: expected for c, _, _, _, expected in CASES}


def test_electronic_channels_carry_only_their_products(routed, config):
    _, ok = routed
    catalogue = config.products.by_code()
    for r in ok.where(F.col("role") == "electronic").collect():
        assert r["channel"] in catalogue[r["product_code"]].channels


def test_route_attributes(routed):
    _, ok = routed
    c1 = ok.where("customer_id = 'C1'").first()
    assert (c1["org_type"], c1["referral_path"]) == ("centre", "corporate_rm>specialist_centre")
    p1 = ok.where("customer_id = 'P1'").first()
    assert (p1["org_type"], p1["referral_path"]) == ("channel", None)


def test_moving_a_rules_tier_changes_the_role(spark, config):
    """routing.yaml lever: top_wealth for tiers A and B takes P5 from the retail RM."""
    rules = [r.model_copy(update={"match": r.match.model_copy(update={"tier": ["A", "B"]})})
             if r.id == "top_wealth" else r for r in ROUTING.rules]
    wider = ROUTING.model_copy(update={"rules": rules})
    p5 = [c for c in CASES if c[0] == "P5"]
    before = _route(spark, config, cases=p5)[0].first()["role"]
    after = _route(spark, config, wider, p5)[0].first()["role"]
    assert (before, after) == ("retail_rm", "wealth_advisor")


def _routed(customer, product, role, channel="branch_rm", org="B1", **values):
    row = opp(customer, product, **values)
    row.update(route_id="r", role=role, channel=channel, org_type="branch", org_id=org,
               referral_path=None)
    return row


def _frame(spark, rows):
    extra = ("route_id", "role", "channel", "org_type", "org_id", "referral_path")
    base = opps(spark, [{k: v for k, v in r.items() if k not in extra} for r in rows])
    keys = spark.createDataFrame([(r["customer_id"], r["product_code"], *(r[c] for c in extra))
                                  for r in rows], "customer_id string, product_code string, "
                                 + ", ".join(f"{c} string" for c in extra))
    return base.join(keys, ["customer_id", "product_code"])


STAFF = [{"staff_id": "S1", "role": "retail_rm", "daily_capacity": 2},
         {"staff_id": "S2", "role": "retail_rm", "daily_capacity": 2},
         {"staff_id": "S3", "role": "retail_rm", "daily_capacity": 9, "active": False},
         {"staff_id": "W1", "role": "wealth_advisor", "daily_capacity": 1},
         {"staff_id": "T1", "role": "teller", "daily_capacity": None}]
ROUTED = [
    _routed("P1", "credit_card", "retail_rm", value=10.0, manager_id="S1"),   # own manager
    _routed("P2", "credit_card", "retail_rm", value=9.0, manager_id="W1"),    # other role
    _routed("P3", "credit_card", "retail_rm", value=8.0),
    _routed("P4", "credit_card", "retail_rm", value=7.0, manager_id="S3"),    # inactive
    _routed("P5", "credit_card", "retail_rm", value=1.0),                     # lowest: deferred
    _routed("P6", "wealth_management", "wealth_advisor", org="B2", value=5.0),  # nobody there
    _routed("P7", "credit_card", "electronic", "mobile_app", "mobile_app", value=5.0),
    _routed("P8", "credit_card", "electronic", "mobile_app", "mobile_app", value=6.0),
    _routed("P9", "wealth_management", "wealth_advisor", value=4.0, manager_id="W1"),
    _routed("P10", "wealth_management", "wealth_advisor", value=3.0, manager_id="W1"),
    _routed("P11", "credit_card", "teller", "branch_counter", value=1.0),     # role capacity
]


@pytest.fixture(scope="module")
def assigned(spark, config):
    ok, deferred = assign(_frame(spark, ROUTED), staff(spark, STAFF),
                          organisation(config, mobile_app=1))
    got = {r["customer_id"]: (r["assignee_id"], r["assigned_by"]) for r in ok.collect()}
    got.update({r["customer_id"]: r["reason"] for r in deferred.collect()})
    return got


def test_own_manager_when_the_role_matches(assigned):
    assert assigned["P1"] == ("S1", "own_manager")
    assert assigned["P9"] == ("W1", "own_manager")


def test_load_balanced_over_the_least_loaded_then_deferred_lowest_value(assigned):
    # S1 carries P1 already: S2 gets the best pool prompt, then S1 and S2 share the rest
    assert assigned["P2"] == ("S2", "load_balance")
    assert assigned["P3"] == ("S1", "load_balance")
    assert assigned["P4"] == ("S2", "load_balance")       # inactive manager: pool
    assert assigned["P5"] == "staff_capacity"              # lowest value, all full


def test_no_staff_and_manager_overflow(assigned):
    assert assigned["P6"] == "no_staff"
    assert assigned["P10"] == "staff_capacity"             # W1 full with P9


def test_channel_capacity_defers_the_lowest_value(assigned):
    assert assigned["P8"] == ("mobile_app", "channel")
    assert assigned["P7"] == "channel_capacity"


def test_capacity_falls_back_to_the_role(assigned):
    assert assigned["P11"] == ("T1", "load_balance")


def test_same_input_same_assignment(spark, config):
    runs = [sorted(tuple(r) for r in assign(_frame(spark, ROUTED), staff(spark, STAFF),
                                            config.organisation)[0]
                   .select("customer_id", "assignee_id").collect()) for _ in range(2)]
    assert runs[0] == runs[1]


FALLBACK = {
    "rules": [
        {"id": "wealth_top", "match": {"category": ["wealth"], "tier": ["A"]},
         "role": "wealth_advisor", "channel": "branch_rm", "organisation": "own_branch"},
        {"id": "wealth_rm", "match": {"category": ["wealth"]}, "role": "retail_rm",
         "channel": "branch_rm", "organisation": "own_branch"},
        {"id": "catch_all", "role": "default"}],
    "pitches": [{"en": "Offer {product}.", "zh": "推荐{product}。"}]}


def _fallback(spark, config, passes: int) -> dict:
    routing = RoutingConfig.model_validate({**FALLBACK, "fallback_passes": passes})
    rows = [opp(c, "wealth_management", tier="A", value=v)
            for c, v in (("P1", 9.0), ("P2", 8.0), ("P3", 7.0))]
    people = [{"staff_id": "W1", "role": "wealth_advisor", "daily_capacity": 1},
              {"staff_id": "S1", "role": "retail_rm", "daily_capacity": 1}]
    ok, unrouted, deferred = route_and_assign(
        opps(spark, rows), routing, config.products.products, config.organisation,
        consent(spark, {c: "all" for c in ("P1", "P2", "P3")}), staff(spark, people))
    assert unrouted.count() == 0
    got = {r["customer_id"]: (r["route_id"], r["assignee_id"]) for r in ok.collect()}
    got.update({r["customer_id"]: r["reason"] for r in deferred.collect()})
    return got


def test_a_prompt_deferred_at_capacity_falls_back_to_the_next_rule_with_room(spark, config):
    assert _fallback(spark, config, 0) == {"P1": ("wealth_top", "W1"), "P2": "staff_capacity",
                                           "P3": "staff_capacity"}
    # the best deferred prompt takes the retail RM's one slot; the other finds no one left
    assert _fallback(spark, config, 1) == {"P1": ("wealth_top", "W1"), "P2": ("wealth_rm", "S1"),
                                           "P3": "staff_capacity"}
