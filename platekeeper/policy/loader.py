"""Reading the policy file (TOML) into the domain's ``UsagePolicy``.

The reader only refuses what cannot be understood: bad TOML, an unknown key, a value of the
wrong kind. Whatever is *absent* is left empty for ``check_policy`` to report by element, so a
half-written policy can still be checked and shown.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from platekeeper.domain.collection import CollectionPolicy, PolicyMode
from platekeeper.domain.people import Role
from platekeeper.domain.policy import (
    TODO,
    Accuracy,
    HotlistExclusionPolicy,
    Monitoring,
    PolicyAgency,
    PolicyPurpose,
    PublicComment,
    RetentionPeriod,
    RetentionPolicy,
    RoleAccess,
    SharingPolicy,
    UsagePolicy,
)
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.retention import DataClass
from platekeeper.domain.sharing import EntityType
from platekeeper.domain.zones import require_zone
from platekeeper.errors import ConfigError, FieldError, InvalidInput, NotFound
from platekeeper.policy.durations import Bound, parse_age


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Agency(_Strict):
    id: str = ""
    name: str = ""
    state: str = Field(default="", pattern=r"^([A-Z]{2})?$")
    time_zone: str = ""
    public_agency: bool = True

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        if name:
            try:
                require_zone(name)
            except InvalidInput as problem:
                raise ValueError(problem.message) from None
        return name


class _Purpose(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")
    description: str = ""
    category: PurposeCategory | None = None


class _Access(_Strict):
    role: Role
    job_titles: tuple[str, ...] = ()
    training: str = ""
    refresher_months: int | None = Field(default=None, ge=1, le=120)


class _Monitoring(_Strict):
    description: str = ""
    audit_schedule: str = ""
    sample_size: int | None = Field(default=None, ge=1, le=1_000_000)
    audit_process: str = ""


class _Sharing(_Strict):
    enabled: bool = False
    purposes: str = ""
    process: str = ""
    restrictions: str = ""
    entity_types: tuple[EntityType, ...] = ()
    states: tuple[str, ...] | None = None
    forbidden_purposes: tuple[str, ...] = ()


class _Accuracy(_Strict):
    description: str = ""
    correction_process: str = ""


class _Period(_Strict):
    max_age: str | None = None
    min_age: str | None = None


class _Retention(_Strict):
    destruction_process: str = ""
    review_date: date | None = None
    classes: dict[DataClass, _Period] = Field(default_factory=dict)


_Date = date  # the public-comment record has a key named 'date', which hides the type


class _PublicComment(_Strict):
    body: str = ""
    date: _Date | None = None
    minutes_url: str = ""


class _Collection(_Strict):
    full_images: bool | None = None


class _Hotlists(_Strict):
    exclude_source_files: tuple[str, ...] = ()
    exclude_message_keys: tuple[str, ...] = ()


class _Policy(_Strict):
    mode: PolicyMode = PolicyMode.OPERATOR
    profiles: tuple[str, ...] = ()
    custodian_title: str = ""
    agency: _Agency = Field(default_factory=_Agency)
    purposes: tuple[_Purpose, ...] = ()
    access: tuple[_Access, ...] = ()
    monitoring: _Monitoring = Field(default_factory=_Monitoring)
    sharing: _Sharing = Field(default_factory=_Sharing)
    accuracy: _Accuracy = Field(default_factory=_Accuracy)
    retention: _Retention = Field(default_factory=_Retention)
    public_comment: _PublicComment | None = None
    collection: _Collection = Field(default_factory=_Collection)
    hotlists: _Hotlists = Field(default_factory=_Hotlists)


def load_policy(path: Path) -> UsagePolicy:
    """The policy in ``path``; ``NotFound`` if there is none, ``ConfigError`` naming the key and
    line of anything that cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(
            f"there is no policy file at {path}",
            hint="Write one with 'platekeeper policy init --profile <state> --agency <id>'.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"policy file {path} cannot be read: {exc}") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, name: str = "policy file") -> UsagePolicy:
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name} is not valid TOML: {exc}") from None
    try:
        return _to_domain(_Policy.model_validate(document))
    except ValidationError as exc:
        fields = [_field_error(text, error["loc"], _describe(error)) for error in exc.errors()]
        raise ConfigError(
            f"{name} is invalid: " + "; ".join(f"{f.location}: {f.message}" for f in fields),
            hint="Fix the named keys; docs/policy-file.md lists every key.",
            fields=fields,
        ) from None
    except _PeriodError as exc:
        error = _field_error(text, exc.loc, exc.message)
        raise ConfigError(
            f"{name} is invalid: {error.location}: {error.message}",
            hint="Write a period like '21 days' or '9 months'.",
            fields=[error],
        ) from None


class _PeriodError(Exception):
    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _describe(error: Any) -> str:
    return "unknown key" if error["type"] == "extra_forbidden" else str(error["msg"])


def _field_error(text: str, loc: tuple[int | str, ...], message: str) -> FieldError:
    key = ".".join(str(part) for part in loc)
    line = _line_of(text, [str(part) for part in loc if not isinstance(part, int)])
    return FieldError(key, f"{message} (line {line})" if line else message)


def _line_of(text: str, parts: list[str]) -> int | None:
    """The line where the last part of a key is written, searched after its table's header.

    A best effort: TOML parsers keep no positions, and a key can be written several ways.
    """
    if not parts:
        return None
    lines = text.splitlines()
    start = 0
    for depth in range(len(parts) - 1, 0, -1):
        header = re.compile(r"^\s*\[\[?\s*" + re.escape(".".join(parts[:depth])) + r"\s*\]\]?")
        found = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if found is not None:
            start = found
            break
    key = re.compile(r"^\s*\"?" + re.escape(parts[-1]) + r"\"?\s*=")
    for index in range(start, len(lines)):
        if key.match(lines[index]):
            return index + 1
    return None


def _to_domain(model: _Policy) -> UsagePolicy:
    return UsagePolicy(
        agency=PolicyAgency(**model.agency.model_dump()),
        profiles=model.profiles,
        custodian_title=model.custodian_title,
        purposes=tuple(PolicyPurpose(p.code, p.description, p.category) for p in model.purposes),
        access=tuple(
            RoleAccess(a.role, a.job_titles, a.training, a.refresher_months) for a in model.access
        ),
        monitoring=Monitoring(**model.monitoring.model_dump()),
        sharing=SharingPolicy(
            enabled=model.sharing.enabled,
            purposes=model.sharing.purposes,
            process=model.sharing.process,
            restrictions=model.sharing.restrictions,
            entity_types=frozenset(model.sharing.entity_types),
            states=None if model.sharing.states is None else frozenset(model.sharing.states),
            forbidden_purposes=frozenset(model.sharing.forbidden_purposes),
        ),
        accuracy=Accuracy(**model.accuracy.model_dump()),
        retention=RetentionPolicy(
            periods=tuple(_period(cls, p) for cls, p in model.retention.classes.items()),
            destruction_process=model.retention.destruction_process,
            review_date=model.retention.review_date,
        ),
        public_comment=None
        if model.public_comment is None
        else PublicComment(**model.public_comment.model_dump()),
        mode=model.mode,
        collection=CollectionPolicy(full_images=model.collection.full_images),
        hotlists=HotlistExclusionPolicy(
            source_files=_named(model.hotlists.exclude_source_files),
            message_keys=_named(model.hotlists.exclude_message_keys),
        ),
    )


def _named(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.strip() for name in names if name.strip())


def _period(data_class: DataClass, period: _Period) -> RetentionPeriod:
    loc = ("retention", "classes", data_class.value)
    return RetentionPeriod(
        data_class,
        max_age=_age(period.max_age, "ceiling", (*loc, "max_age")),
        min_age=_age(period.min_age, "floor", (*loc, "min_age")),
    )


def _age(text: str | None, bound: Bound, loc: tuple[str, ...]) -> timedelta | None:
    # A TODO left by 'policy init' is an absent period, which the check reports as missing.
    if not text or TODO in text:
        return None
    try:
        return parse_age(text, bound)
    except InvalidInput as exc:
        raise _PeriodError(loc, exc.message) from None
