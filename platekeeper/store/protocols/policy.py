"""Versions of the usage policy as rendered, and the custodian's attestations of purposes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from platekeeper.domain.policy_purposes import PurposeAttestation


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One content of the usage and privacy policy file, as rendered and published.

    ``version`` is the label printed on the document (effective date and hash); it is fixed when
    the content is first rendered, so re-rendering the same file keeps its version and date.
    """

    version: str
    sha256: str
    """SHA-256 (hex) of the policy file's bytes."""
    rendered_at: datetime
    """When this content was first rendered: the date it took effect as published."""
    last_rendered_at: datetime | None = None
    """When it was last rendered or published; None before it is stored."""


class PolicyVersionRepository(Protocol):
    """The versions of the policy published, so that a report can compare them with the file."""

    def record(self, version: PolicyVersion) -> PolicyVersion:
        """Store ``version``, or, when its ``sha256`` is stored already, note that it was rendered
        again at ``version.rendered_at``; return the stored version (the first label and date)."""
        ...

    def latest(self) -> PolicyVersion | None:
        """The version rendered or published most recently; None before any."""
        ...

    def list(self, limit: int = 100) -> list[PolicyVersion]:
        """Most recently rendered first."""
        ...


class PurposeAttestationRepository(Protocol):
    """The custodian's attestations that a purpose flagged as misfiled is what it says."""

    def add(self, attestation: PurposeAttestation) -> None:
        """Store ``attestation``; earlier ones stay, as the record of who said what when."""
        ...

    def list(self) -> list[PurposeAttestation]:
        """Every attestation, oldest first."""
        ...
