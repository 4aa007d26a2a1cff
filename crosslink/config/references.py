"""Checks across files: what rules.yaml, policy.yaml, routing.yaml, credit.yaml and the
retrain list name must exist in the catalogue and be reachable in the organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosslink.config.catalogue import Product
from crosslink.config.routing import electronic_channels, route_allows
from crosslink.config.vocab import DEFAULT_ROLE, ELECTRONIC_ROLE, SEGMENT_CUSTOMER_TYPE

if TYPE_CHECKING:
    from crosslink.config import Config


def check_references(config: Config) -> None:
    """Cross-file checks of organisation.yaml's centres, rules.yaml, policy.yaml, routing.yaml,
    credit.yaml and the retrain list against the product catalogue and the organisation;
    raises ValueError naming the file and the key."""
    catalogue = config.products.by_code()
    for centre in config.organisation.specialist_centres:
        unknown = sorted(set(centre.products) - set(catalogue))
        if unknown:
            raise ValueError(f"specialist centre {centre.code} names unknown products "
                             f"{unknown}")
    org = config.organisation
    electronic = electronic_channels(org)
    works_on = {r.name: set(r.channels) for r in org.roles}

    def _product(where: str, code: str) -> Product:
        if code not in catalogue:
            raise ValueError(f"{where}: unknown product {code!r}")
        return catalogue[code]

    for i, rule in enumerate(config.rules.rules):
        where = f"rules.yaml rules[{i}] ({rule.id})"
        product = _product(f"{where}.product", rule.product)
        if not product.offerable:
            raise ValueError(f"{where}.product: {rule.product} is not offerable")
        if SEGMENT_CUSTOMER_TYPE[product.segment] != rule.customer_type:
            raise ValueError(f"{where}.customer_type: {rule.product} is a {product.segment} "
                             f"product, offered to a {SEGMENT_CUSTOMER_TYPE[product.segment]}, "
                             f"not a {rule.customer_type}")
        if rule.owner_role not in product.roles:
            raise ValueError(f"{where}.owner_role: {rule.owner_role} does not sell "
                             f"{rule.product} (products.yaml roles: {product.roles})")
    policy = config.policy
    for key, codes in (("eligibility.products", policy.eligibility.products),
                       ("contact.cooldown_days_after_decline.products",
                        policy.contact.cooldown_days_after_decline.products),
                       ("arbitration.campaign_weights.products",
                        policy.arbitration.campaign_weights.products)):
        for code in codes:
            _product(f"policy.yaml {key}", code)
    routing = config.routing
    offerable = [p for p in config.products.products if p.offerable]
    for i, rule in enumerate(routing.rules):
        where = f"routing.yaml rules[{i}] ({rule.id})"
        for code in rule.match.product or ():
            _product(f"{where}.match.product", code)
        if rule.role == DEFAULT_ROLE:
            continue
        if (rule.channel in electronic) != (rule.role == ELECTRONIC_ROLE):
            raise ValueError(f"{where}.role: electronic channels (organisation.yaml) take role "
                             f"electronic, and only they do (channel {rule.channel})")
        if rule.role != ELECTRONIC_ROLE and rule.channel not in works_on[rule.role]:
            raise ValueError(f"{where}.channel: {rule.role} does not work on {rule.channel} "
                             f"(organisation.yaml: {sorted(works_on[rule.role])})")
        admitted = [p for p in offerable
                    if (rule.match.product is None or p.code in rule.match.product)
                    and (rule.match.category is None or p.category in rule.match.category)]
        carried = [p.code for p in admitted if route_allows(rule, p, org)]
        if rule.match.product:
            refused = sorted(set(rule.match.product) - set(carried))
            if refused:
                raise ValueError(f"{where}.match.product: {rule.role} on {rule.channel} may "
                                 f"not carry {refused} (products.yaml channels / roles, "
                                 f"organisation.yaml specialist centres)")
        if not carried:
            raise ValueError(f"{where}: can carry none of the products it matches")
    last = routing.rules[-1]
    lost = [p.code for p in offerable if not route_allows(last, p, org)]
    if lost:
        raise ValueError(f"routing.yaml rules[{len(routing.rules) - 1}] ({last.id}): the "
                         f"catch-all cannot carry {lost}; use role default")
    for i, pitch in enumerate(routing.pitches):
        if pitch.product is not None:
            _product(f"routing.yaml pitches[{i}].product", pitch.product)
    paths = {r.referral_path for r in routing.rules if r.referral_path}
    for i, split in enumerate(config.credit.splits):
        if split.referral_path not in paths:
            raise ValueError(f"credit.yaml splits[{i}].referral_path: no routing rule uses "
                             f"{split.referral_path!r} (routing.yaml: {sorted(paths)})")
    for code in config.pipeline.airflow.retrain.products:
        if not _product("pipeline.yaml airflow.retrain.products", code).offerable:
            raise ValueError(f"pipeline.yaml airflow.retrain.products: {code} is not offerable")
