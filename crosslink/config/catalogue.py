"""products.yaml (the product catalogue) and organisation.yaml (roles, channels and
specialist centres, with their daily capacities)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from crosslink.config.base import Strict
from crosslink.config.vocab import CATEGORIES, CHANNELS, ROLES


# --- products.yaml ---------------------------------------------------------------------------
class Product(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_zh: str
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    segment: Literal["retail", "corporate"]
    risk_level: int = Field(ge=1, le=5)
    points: int = Field(ge=0)
    channels: list[Literal[CHANNELS]]  # type: ignore[valid-type]
    roles: list[Literal[ROLES]]  # type: ignore[valid-type]
    offerable: bool = True


class ProductsConfig(Strict):
    products: list[Product] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> ProductsConfig:
        codes = [p.code for p in self.products]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate product codes: {dupes}")
        return self

    def by_code(self) -> dict[str, Product]:
        return {p.code: p for p in self.products}


# --- organisation.yaml -----------------------------------------------------------------------
class Role(Strict):
    name: Literal[ROLES]  # type: ignore[valid-type]
    daily_capacity: int = Field(ge=0)
    channels: list[Literal[CHANNELS]]  # type: ignore[valid-type]


class Channel(Strict):
    name: Literal[CHANNELS]  # type: ignore[valid-type]
    electronic: bool
    daily_capacity: int | None = Field(default=None, ge=0)


class SpecialistCentre(Strict):
    code: str
    name: str
    products: list[str]


class OrganisationConfig(Strict):
    roles: list[Role]
    channels: list[Channel]
    specialist_centres: list[SpecialistCentre]

    @model_validator(mode="after")
    def _every_role_and_channel(self) -> OrganisationConfig:
        missing = sorted(set(ROLES) - {r.name for r in self.roles})
        missing += sorted(set(CHANNELS) - {c.name for c in self.channels})
        if missing:
            raise ValueError(f"roles/channels without an entry: {missing}")
        return self
