"""Jurisdiction profiles: each state's ALPR rules as a data file shipped with the package.

A profile lives in ``profiles/<code>.toml``; docs/policy-file.md describes the keys. Every rule
carries its citation, so that a refusal or a conflict can name the law behind it.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from platekeeper.domain.collection import ProfileCollection
from platekeeper.domain.policy import (
    ForbiddenCategory,
    JurisdictionProfile,
    ProfileReporting,
    ProfileRetention,
    ProfileSharing,
)
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.retention import DataClass
from platekeeper.domain.sharing import DeclarationRule, EntityType, RecipientRole
from platekeeper.errors import ConfigError, FieldError, InvalidInput, NotFound
from platekeeper.policy.durations import parse_age

# The data files sit in a folder beside this module: profiles/<code>.toml.
_FOLDER = "profiles"
_CODE = r"^[a-z]{2,10}$"
_STATE = r"^[A-Z]{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Retention(_Strict):
    data_class: DataClass
    max_age: str | None = None
    min_age: str | None = None
    citation: str = Field(min_length=3)


class _Declaration(_Strict):
    """A signed declaration asked of recipients outside the profile's state (Illinois)."""

    roles: tuple[RecipientRole, ...]
    terms: tuple[str, ...] = Field(min_length=1)
    text: str = Field(min_length=20)
    citation: str = Field(min_length=3)


class _Sharing(_Strict):
    entity_types: tuple[EntityType, ...]
    states: tuple[str, ...] | None = None
    citation: str = Field(min_length=3)
    roles: tuple[RecipientRole, ...] | None = None
    any_state_roles: tuple[RecipientRole, ...] = ()
    declaration: _Declaration | None = None
    court_order_roles: tuple[RecipientRole, ...] = ()


class _Forbidden(_Strict):
    category: PurposeCategory
    description: str = Field(min_length=3)
    citation: str = Field(min_length=3)
    hotlist_files: tuple[str, ...] = ()


class _Collection(_Strict):
    plate_crops_only: bool
    citation: str = Field(min_length=3)


class _Reporting(_Strict):
    interval_months: int = Field(ge=1, le=24)
    citation: str = Field(min_length=3)


class _Profile(_Strict):
    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=2)
    state: str = Field(pattern=_STATE)
    summary: str = ""
    public_comment_citation: str | None = None
    retention: tuple[_Retention, ...] = ()
    sharing: _Sharing | None = None
    forbidden_purposes: tuple[_Forbidden, ...] = ()
    collection: _Collection | None = None
    reporting: _Reporting | None = None


def available_profiles() -> list[str]:
    """The codes of the shipped profiles, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _folder().iterdir()
        if entry.name.endswith(".toml")
    )


def _folder() -> Traversable:
    return resources.files("platekeeper.policy").joinpath(_FOLDER)


def load_profile(code: str) -> JurisdictionProfile:
    """The shipped profile ``code``; ``NotFound`` naming the known codes if there is none."""
    if code not in available_profiles():
        raise NotFound(
            f"there is no jurisdiction profile {code!r}",
            hint=f"Use one of: {', '.join(available_profiles())}.",
        )
    text = _folder().joinpath(f"{code}.toml").read_text(encoding="utf-8")
    return parse_profile(text, code)


def profiles_of_state(state: str) -> list[str]:
    """The codes of the shipped profiles for ``state`` (two letters), sorted."""
    return [code for code in available_profiles() if load_profile(code).state == state]


def load_profiles(codes: tuple[str, ...] | list[str]) -> list[JurisdictionProfile]:
    return [load_profile(code) for code in dict.fromkeys(codes)]


def parse_profile(text: str, code: str) -> JurisdictionProfile:
    """A profile from its TOML text; ``ConfigError`` naming the key that is wrong."""
    try:
        document: dict[str, Any] = tomllib.loads(text)
        model = _Profile.model_validate(document)
        if model.code != code:
            raise ConfigError(f"profile {code}.toml says code = {model.code!r}")
        return _to_domain(model)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"profile {code} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        fields = [
            FieldError(".".join(str(p) for p in error["loc"]), error["msg"])
            for error in exc.errors()
        ]
        raise ConfigError(
            f"profile {code} is invalid: "
            + "; ".join(f"{f.location}: {f.message}" for f in fields),
            fields=fields,
        ) from None
    except InvalidInput as exc:
        raise ConfigError(f"profile {code} is invalid: {exc}") from None


def _to_domain(model: _Profile) -> JurisdictionProfile:
    return JurisdictionProfile(
        code=model.code,
        name=model.name,
        state=model.state,
        retention=tuple(
            ProfileRetention(
                data_class=rule.data_class,
                max_age=parse_age(rule.max_age, "ceiling") if rule.max_age else None,
                min_age=parse_age(rule.min_age, "floor") if rule.min_age else None,
                citation=rule.citation,
            )
            for rule in model.retention
        ),
        sharing=None if model.sharing is None else _sharing(model.sharing, model.state),
        forbidden_purposes=tuple(
            ForbiddenCategory(f.category, f.description, f.citation, f.hotlist_files)
            for f in model.forbidden_purposes
        ),
        public_comment_citation=model.public_comment_citation,
        collection=None
        if model.collection is None
        else ProfileCollection(model.collection.plate_crops_only, model.collection.citation),
        reporting=None
        if model.reporting is None
        else ProfileReporting(model.reporting.interval_months, model.reporting.citation),
    )


def _sharing(model: _Sharing, home_state: str) -> ProfileSharing:
    declaration = model.declaration
    return ProfileSharing(
        entity_types=frozenset(model.entity_types),
        states=None if model.states is None else frozenset(model.states),
        citation=model.citation,
        roles=None if model.roles is None else frozenset(model.roles),
        any_state_roles=frozenset(model.any_state_roles),
        court_order_roles=frozenset(model.court_order_roles),
        declaration=None
        if declaration is None
        else DeclarationRule(
            home_states=frozenset({home_state}),
            roles=frozenset(declaration.roles),
            terms=tuple(term.lower() for term in declaration.terms),
            text=declaration.text.strip(),
            citation=declaration.citation,
        ),
    )
