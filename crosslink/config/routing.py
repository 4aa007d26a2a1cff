"""routing.yaml: ordered routing rules to roles and channels, and pitch templates; what a
rule may carry given the catalogue and the organisation (`route_allows`, `default_route`)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from crosslink.config.base import Strict
from crosslink.config.catalogue import OrganisationConfig, Product
from crosslink.config.predicates import predicate_problems
from crosslink.config.vocab import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_SEGMENTS,
    CUSTOMER_TYPES,
    DEFAULT_ROLE,
    ELECTRONIC_ROLE,
    KINDS,
    ROLES,
    TIERS,
)

# a referral path: roles joined by > (refers to) or <> (works with)
REFERRAL = re.compile(r"^[a-z_]+(?:(?:>|<>)[a-z_]+)+$")
ORGANISATIONS = ("own_branch", "specialist_centre", "channel")
PITCH_PLACEHOLDERS = ("product", "evidence", "reasons")
# Columns a routing rule's `when` may read: the opportunity as `crosslink.decide` builds it
# before routing (see crosslink/decide/__init__.py).
ROUTE_COLUMNS = (
    "snapshot_date", "customer_id", "customer_type", "product_code", "category", "kind",
    "class", "tier", "value", "propensity", "rule_confidence", "model_propensity", "points",
    "campaign_weight", "customer_rank", "rule_ids", "sources", "owner_role", "model_name",
    "model_version", "segment", "age", "risk_rating", "kyc_complete", "branch_id",
    "manager_id", "risk_level")


class RouteMatch(Strict):
    """Conditions of a routing rule, all of which must hold; an empty match matches all."""

    category: list[Literal[CATEGORIES]] | None = None  # type: ignore[valid-type]
    kind: list[Literal[KINDS]] | None = None  # type: ignore[valid-type]
    tier: list[Literal[TIERS]] | None = None  # type: ignore[valid-type]
    segment: list[Literal[CUSTOMER_SEGMENTS]] | None = None  # type: ignore[valid-type]
    customer_type: Literal[CUSTOMER_TYPES] | None = None  # type: ignore[valid-type]
    product: list[str] | None = None
    owner_role: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]
    when: str | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())


class RouteRule(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    match: RouteMatch = RouteMatch()
    role: Literal[ROLES + (ELECTRONIC_ROLE, DEFAULT_ROLE)]  # type: ignore[valid-type]
    channel: Literal[CHANNELS] | None = None  # type: ignore[valid-type]
    organisation: Literal[ORGANISATIONS] | None = None  # type: ignore[valid-type]
    referral_path: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RouteRule:
        if self.role == DEFAULT_ROLE:
            if self.channel or self.organisation or self.referral_path:
                raise ValueError("role default takes channel, organisation and referral path "
                                 "from the product: leave them out")
            return self
        if self.channel is None or self.organisation is None:
            raise ValueError(f"role {self.role} needs a channel and an organisation")
        if (self.role == ELECTRONIC_ROLE) != (self.organisation == "channel"):
            raise ValueError("role electronic goes with organisation channel, and only it")
        if (self.role == "specialist_centre") != (self.organisation == "specialist_centre"):
            raise ValueError("role specialist_centre goes with organisation specialist_centre, "
                             "and only it")
        if self.referral_path is not None:
            if self.role == ELECTRONIC_ROLE:
                raise ValueError("an electronic channel takes no referral path")
            roles = referral_roles(self.referral_path)
            if not REFERRAL.match(self.referral_path) or not set(roles) <= set(ROLES):
                raise ValueError(f"referral_path {self.referral_path!r}: roles joined by > "
                                 f"(refers to) or <> (works with), e.g. teller>retail_rm")
            if self.role not in roles:
                raise ValueError(f"referral_path {self.referral_path!r} must include the "
                                 f"rule's role {self.role}")
        return self


class PitchTemplate(Strict):
    """A one-sentence pitch; the most specific template of a prompt wins: product x role,
    product, category x role, category, role, then the catch-all (none of the three)."""

    product: str | None = None
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    role: Literal[ROLES + (ELECTRONIC_ROLE,)] | None = None  # type: ignore[valid-type]
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> PitchTemplate:
        if self.product and self.category:
            raise ValueError("a pitch names a product or a category, not both")
        for text in (self.en, self.zh):
            unknown = sorted(set(re.findall(r"\{([^{}]*)\}", text)) - set(PITCH_PLACEHOLDERS))
            if unknown:
                raise ValueError(f"unknown placeholders {unknown}; known: "
                                 f"{list(PITCH_PLACEHOLDERS)}")
        return self

    def specificity(self) -> tuple[bool, bool, bool]:
        return (self.product is not None, self.category is not None, self.role is not None)


class Phrase(Strict):
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class RoutingConfig(Strict):
    """conf/base/routing.yaml: ordered routing rules (first match wins) and pitch templates."""

    rules: list[RouteRule] = Field(min_length=1)
    # a prompt deferred for capacity tries the rules after its own this many times
    fallback_passes: int = Field(default=1, ge=0, le=5)
    pitches: list[PitchTemplate] = Field(min_length=1)
    no_evidence: Phrase = Phrase(en="it fits their profile", zh="符合客户画像")
    reason_separator: Phrase = Phrase(en="; ", zh="；")

    @field_validator("rules")
    @classmethod
    def _ordered_rules(cls, rules: list[RouteRule]) -> list[RouteRule]:
        ids = [r.id for r in rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate routing rule ids: {dupes}")
        if not rules[-1].match.empty:
            raise ValueError(f"rules[{len(rules) - 1}] ({rules[-1].id}): the last routing rule "
                             f"must be a catch-all (no `match`)")
        for i, rule in enumerate(rules[:-1]):
            if rule.match.empty:
                raise ValueError(f"rules[{i}] ({rule.id}) matches everything: the rules after "
                                 f"it can never match")
        for i, rule in enumerate(rules):
            if rule.match.when:
                problems = predicate_problems(rule.match.when, frozenset(ROUTE_COLUMNS))
                if problems:
                    raise ValueError(f"rules[{i}] ({rule.id}).match.when: "
                                     + "; ".join(problems))
        return rules

    @field_validator("pitches")
    @classmethod
    def _catch_all_pitch(cls, pitches: list[PitchTemplate]) -> list[PitchTemplate]:
        if not any(p.specificity() == (False, False, False) for p in pitches):
            raise ValueError("pitches need a catch-all template (no product, category or role)")
        keys = [(p.product, p.category, p.role) for p in pitches]
        dupes = sorted({str(k) for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"several pitches for the same (product, category, role): {dupes}")
        return pitches

    def pitch(self, product: Product, role: str) -> PitchTemplate:
        """The most specific template for a product and a routed role."""
        fits = [p for p in self.pitches
                if p.product in (None, product.code) and p.category in (None, product.category)
                and p.role in (None, role)]
        return max(fits, key=PitchTemplate.specificity)


def referral_roles(path: str | None) -> list[str]:
    """The roles of a referral path, in order: "teller>retail_rm" -> [teller, retail_rm]."""
    return [r for r in re.split(r"<>|>", path) if r] if path else []


def electronic_channels(organisation: OrganisationConfig) -> set[str]:
    return {c.name for c in organisation.channels if c.electronic}


def centre_products(organisation: OrganisationConfig) -> set[str]:
    return {p for centre in organisation.specialist_centres for p in centre.products}


def default_route(product: Product, organisation: OrganisationConfig
                  ) -> tuple[str, str, str] | None:
    """(role, channel, organisation) of the catch-all role `default` for a product: its first
    role (products.yaml order) that works on one of its non-electronic channels (organisation
    .yaml role channels), on the first such channel; specialists sit in a specialist centre
    (one must cover the product), everyone else in the customer's own branch. None: no such
    role."""
    works_on = {r.name: r.channels for r in organisation.roles}
    electronic = electronic_channels(organisation)
    for role in product.roles:
        if role == "specialist_centre" and product.code not in centre_products(organisation):
            continue
        for channel in product.channels:
            if channel not in electronic and channel in works_on.get(role, ()):
                org = "specialist_centre" if role == "specialist_centre" else "own_branch"
                return role, channel, org
    return None


def route_allows(rule: RouteRule, product: Product, organisation: OrganisationConfig) -> bool:
    """Whether a routing rule may carry a product at all, whatever its `match` says:

    - role default: the product has a `default_route`;
    - an electronic channel carries only products whose products.yaml channels include it;
    - a specialist centre takes only products a centre of organisation.yaml covers;
    - with a referral path, some role on the path sells the product (products.yaml roles):
      the first role only pitches and refers, so its channel need not be the product's;
    - without one, the role sells it and the channel is one of the product's channels.
    """
    if rule.role == DEFAULT_ROLE:
        return default_route(product, organisation) is not None
    if rule.channel in electronic_channels(organisation):
        return rule.channel in product.channels
    if rule.organisation == "specialist_centre" and product.code not in centre_products(
            organisation):
        return False
    path = referral_roles(rule.referral_path)
    if path:
        return any(r in product.roles for r in path)
    return rule.role in product.roles and rule.channel in product.channels
