"""rules.yaml: named thresholds and the active-list screening rules that use them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from crosslink.config.base import Strict
from crosslink.config.predicates import IDENTIFIER, fill_params, predicate_problems
from crosslink.config.vocab import CUSTOMER_TYPES, KINDS, ROLES


class ActiveRule(Strict):
    """One active-list screening rule: customers of `customer_type` whose features satisfy
    `when` are an opportunity for `product`, with this evidence and owner role."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    product: str
    kind: Literal[KINDS]  # type: ignore[valid-type]
    customer_type: Literal[CUSTOMER_TYPES]  # type: ignore[valid-type]
    when: str = Field(min_length=1)
    confidence: float = Field(ge=0, le=1)      # stands in for a propensity in value
    evidence_en: str = Field(min_length=1)
    evidence_zh: str = Field(min_length=1)
    owner_role: Literal[ROLES]  # type: ignore[valid-type]


class RulesConfig(Strict):
    """conf/base/rules.yaml: named thresholds and the active-list rules that use them."""

    params: dict[str, float] = {}
    rules: list[ActiveRule] = Field(min_length=1)

    @field_validator("params")
    @classmethod
    def _param_names(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(k for k in value if not IDENTIFIER.fullmatch(k))
        if bad:
            raise ValueError(f"param names must be identifiers: {bad}")
        return value

    @field_validator("rules")
    @classmethod
    def _predicates(cls, rules: list[ActiveRule], info: ValidationInfo) -> list[ActiveRule]:
        from features.columns import FEATURE_COLUMNS  # lazy: it imports this module

        ids = [r.id for r in rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {dupes}")
        params = info.data.get("params") or {}
        columns = frozenset(FEATURE_COLUMNS) | {"customer_id", "customer_type", "snapshot_date"}
        for i, rule in enumerate(rules):
            problems = predicate_problems(rule.when, columns, params)
            if problems:
                raise ValueError(f"rules[{i}] ({rule.id}).when: " + "; ".join(problems))
        return rules

    def predicate(self, rule: ActiveRule) -> str:
        """The rule's Spark SQL predicate with its params filled in."""
        return fill_params(rule.when, self.params)
