"""What an agency collects: whether it runs cameras at all, and what of a scene it keeps.

Two rules, both pure:

- **End-user mode** (Civil Code 1798.90.53): an agency that only queries other agencies' ALPR
  information, with no cameras of its own, is an *ALPR end-user*, not an operator. Its policy is
  the end-user variant (1798.90.53(b)(2), which adds "a process for periodic system audits"),
  and since its policy covers no collection, nothing may be collected under it: no camera is
  registered and no read is stored.
- **Plate crops only** (N.H. Rev. Stat. § 261:75-b, which wants devices that cannot photograph
  occupants): the full scene image, where the occupants are, is never written; a read keeps
  its plate crop alone. A policy may choose it; a profile may make it mandatory.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from platekeeper.errors import PermissionDenied


class PolicyMode(StrEnum):
    OPERATOR = "operator"
    """Runs cameras and keeps what they read (Civil Code 1798.90.51)."""
    END_USER = "end-user"
    """Only accesses other agencies' ALPR information (Civil Code 1798.90.53)."""


@dataclass(frozen=True, slots=True)
class CollectionPolicy:
    """The policy file's ``[collection]`` table."""

    full_images: bool | None = None
    """False: keep the plate crop only; None: not stated (full images are kept)."""


@dataclass(frozen=True, slots=True)
class ProfileCollection:
    """A profile's ``[collection]`` table: the law asks for plate crops only."""

    plate_crops_only: bool
    citation: str


@dataclass(frozen=True, slots=True)
class CollectionRules:
    """What the ingest service and the camera register enforce."""

    mode: PolicyMode = PolicyMode.OPERATOR
    full_images: bool = True
    """Whether the full scene image is written beside the plate crop."""
    source: str = "policy file"
    """Where ``full_images = False`` comes from: the policy file or a profile's citation."""

    @property
    def collects(self) -> bool:
        return self.mode is PolicyMode.OPERATOR

    def require_collection(self, what: str) -> None:
        """Refuse ``what`` (e.g. "storing reads") when the agency collects nothing."""
        if not self.collects:
            raise PermissionDenied(
                f"{what} is refused: the usage and privacy policy is in end-user mode "
                "(Civil Code 1798.90.53), so this agency only queries other agencies' ALPR "
                "information and collects none",
                hint='An agency that runs cameras writes mode = "operator" in its policy, '
                "with the operator's elements (docs/policy-file.md#end-user-mode).",
            )


COLLECT_EVERYTHING = CollectionRules()
"""An operator keeping full images: the rules where no policy says otherwise."""
