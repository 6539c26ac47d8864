"""Where the outbox delivers: one small protocol, and the registry that picks a sender class by
the destination's ``type`` key in the settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from platekeeper.config import AlertDestinationBase
from platekeeper.domain.access import AccessRecord
from platekeeper.errors import ConfigError, FieldError, PlateKeeperError
from platekeeper.store.protocols import OutboxItem

MIN_SECRET_LENGTH = 16
_PLACEHOLDERS = {"changeme", "change-me", "password", "secret", "example", "xxx", "todo"}


class DeliveryFailed(PlateKeeperError):
    """One delivery did not go through; the outbox tries again later."""

    code = "delivery_failed"
    status = 502
    title = "Alert delivery failed"


@dataclass(frozen=True, slots=True)
class Disclosure:
    """An alert about to leave, with its entry in the access log.

    A sender takes nothing else: ``outbox.disclose`` is where one is made, by writing the entry
    first, so no alert reaches a receiver without the log naming it (docs/alerts.md).
    """

    item: OutboxItem
    entry: AccessRecord


class AlertSender(Protocol):
    name: str

    @property
    def recipient(self) -> str:
        """Who receives what this sender sends, as the access log names it: the URL, or the
        broker and topic prefix."""
        ...

    def send(self, disclosure: Disclosure) -> None:
        """Deliver ``disclosure.item.payload`` or raise ``DeliveryFailed`` saying why."""
        ...

    def close(self) -> None: ...


class SenderFactory(Protocol):
    def __call__(self, settings: Any, environ: Mapping[str, str], key: str) -> AlertSender:
        """A sender for ``settings``, whose secrets are read from ``environ``; ``key`` names
        the settings in errors."""
        ...


def secret_from(environ: Mapping[str, str], variable: str, key: str) -> str:
    """The secret in ``variable``, or a ``ConfigError`` naming the setting that points to it."""
    value = environ.get(variable, "")
    problem = None
    if not value:
        problem = f"the environment variable {variable} is not set"
    elif value.lower() in _PLACEHOLDERS or len(value) < MIN_SECRET_LENGTH:
        problem = f"{variable} holds a placeholder or a secret under {MIN_SECRET_LENGTH} characters"
    if problem is not None:
        raise ConfigError(
            f"{key}: {problem}",
            hint=f"Set {variable} to a long random secret in the server's environment.",
            fields=[FieldError(key, problem)],
        )
    return value


def build_senders(
    destinations: Sequence[AlertDestinationBase],
    registry: Mapping[str, SenderFactory],
    environ: Mapping[str, str],
) -> dict[str, AlertSender]:
    """One sender per destination, by name."""
    senders: dict[str, AlertSender] = {}
    for index, destination in enumerate(destinations):
        kind = str(getattr(destination, "type", ""))
        factory = registry[kind]
        senders[destination.name] = factory(destination, environ, f"alerts.destinations.{index}")
    return senders
