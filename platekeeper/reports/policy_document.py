"""The usage and privacy policy as a public document, generated from the file the system enforces.

Civil Code 1798.90.51(b)(1) asks an operator to make its usage and privacy policy available to the
public. The document is built from the policy file and its jurisdiction profiles, never written
by hand: each of the seven elements of 1798.90.51(b)(2) under its own heading with the statute's
wording and the agency's text, and the jurisdiction rules in plain language with their citations.

A document is *versioned and dated*: its version is the date the file's content was first
rendered and the start of the SHA-256 of the file (``2026-11-28-3f2a9c1b04de``). Each rendering
is recorded in the store (``store.policy_versions``), so a report can tell whether the policy
published is the policy enforced.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from platekeeper.config import Settings
from platekeeper.domain.collection import CollectionRules, PolicyMode
from platekeeper.domain.policy import ELEMENTS, JurisdictionProfile, UsagePolicy, describe_age
from platekeeper.domain.purposes import SearchPurpose
from platekeeper.domain.recipients import ShareRule
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.domain.sharing import EntityType
from platekeeper.policy.effective import load_effective, policy_path
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.reports.render import PdfUnavailable
from platekeeper.store import Store
from platekeeper.store.protocols import PolicyVersion

STATUTE = "Cal. Civ. Code § 1798.90.51(b)(2)"
REQUIREMENTS = {
    "A": "The authorized purposes for using the ALPR system and collecting ALPR information.",
    "B": "A description of the job title or other designation of the employees and independent "
    "contractors who are authorized to use or access the ALPR system, or to collect ALPR "
    "information. The policy shall identify the training requirements necessary for those "
    "authorized employees and independent contractors.",
    "C": "A description of how the ALPR system will be monitored to ensure the security of the "
    "information and compliance with applicable privacy laws.",
    "D": "The purposes of, process for, and restrictions on, the sale, sharing, or transfer of "
    "ALPR information to other persons.",
    "E": "The title of the official custodian, or owner, of the ALPR system responsible for "
    "implementing this section.",
    "F": "A description of the reasonable measures that will be used to ensure the accuracy of "
    "ALPR information and correct data errors.",
    "G": "The length of time ALPR information will be retained, and the process the ALPR system "
    "operator will utilize to determine if and when to destroy retained ALPR information.",
}
"""What each element must say, in the statute's words (Civil Code 1798.90.51(b)(2))."""

END_USER_STATUTE = "Cal. Civ. Code § 1798.90.53(b)(2)"
END_USER_REQUIREMENTS = {
    "A": "The authorized purposes for accessing and using ALPR information.",
    "B": "A description of the job title or other designation of the employees and independent "
    "contractors who are authorized to access and use ALPR information. The policy shall "
    "identify the training requirements necessary for those authorized employees and "
    "independent contractors.",
    "C": "A description of how the ALPR system will be monitored to ensure the security of the "
    "information accessed or used, and compliance with all applicable privacy laws and a process "
    "for periodic system audits.",
    "D": REQUIREMENTS["D"],
    "E": "The title of the official custodian, or owner, of the ALPR information responsible for "
    "implementing this section.",
    "F": REQUIREMENTS["F"],
    "G": "The length of time ALPR information will be retained, and the process the ALPR "
    "end-user will utilize to determine if and when to destroy retained ALPR information.",
}
"""The end-user variant (Civil Code 1798.90.53(b)(2)): an agency that only queries others' data."""

DATA_CLASS_NAMES = {
    DataClass.NON_HIT_READS: "non-hit reads (reads that matched no hot list, with their images)",
    DataClass.HIT_READS: "hit reads (reads that matched a hot list, with their images)",
    DataClass.HOTLIST_ENTRIES: "hot-list entries",
    DataClass.ACCESS_LOG: "access-log entries",
    DataClass.PURGE_LEDGER: "purge-ledger entries",
    DataClass.ALERT_OUTBOX: "delivered and undeliverable alerts (the alert outbox)",
}
ENTITY_NAMES = {
    EntityType.PUBLIC_AGENCY: "public agencies",
    EntityType.FEDERAL: "federal agencies",
    EntityType.PRIVATE: "private persons and companies",
}
_HASH_DIGITS = 12


def policy_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def version_label(sha256: str, effective_on: date) -> str:
    """The version printed on the document: the effective date, then the start of the hash."""
    return f"{effective_on.isoformat()}-{sha256[:_HASH_DIGITS]}"


def new_version(content: bytes, at: datetime) -> PolicyVersion:
    """The version of a file's ``content`` first rendered at ``at``."""
    sha256 = policy_sha256(content)
    return PolicyVersion(version_label(sha256, at.date()), sha256, at)


@dataclass(frozen=True, slots=True)
class RuleLine:
    """One rule in plain language, and the law or document behind it."""

    text: str
    citation: str


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """Everything the document shows, computed; the template only lays it out."""

    policy: UsagePolicy
    version: PolicyVersion
    rendered_at: datetime
    purposes: tuple[SearchPurpose, ...]
    """The authorised purposes as enforced (a purpose a profile forbids is left out)."""
    retention: tuple[RuleLine, ...]
    may_receive: tuple[RuleLine, ...]
    may_not_receive: tuple[RuleLine, ...]
    jurisdiction: tuple[RuleLine, ...]
    complete: bool
    blocking_findings: int
    collection: tuple[RuleLine, ...] = ()
    """What is collected: nothing (end-user mode), or whether full scene images are kept."""

    @property
    def end_user(self) -> bool:
        return self.policy.mode is PolicyMode.END_USER

    @property
    def statute(self) -> str:
        return END_USER_STATUTE if self.end_user else STATUTE

    @property
    def requirements(self) -> dict[str, str]:
        return END_USER_REQUIREMENTS if self.end_user else REQUIREMENTS

    @property
    def elements(self) -> dict[str, str]:
        return ELEMENTS


def policy_document(
    effective: EffectivePolicy, version: PolicyVersion, rendered_at: datetime
) -> PolicyDocument:
    """The document of ``effective`` at ``version``: pure."""
    return PolicyDocument(
        policy=effective.policy,
        version=version,
        rendered_at=rendered_at,
        purposes=effective.purposes,
        retention=tuple(retention_lines(effective)),
        may_receive=tuple(_may_receive(effective)),
        may_not_receive=tuple(_may_not_receive(effective)),
        jurisdiction=tuple(
            line for profile in effective.profiles for line in jurisdiction_lines(profile)
        ),
        complete=effective.complete,
        blocking_findings=sum(1 for finding in effective.findings if finding.blocking),
        collection=tuple(collection_lines(effective.collection)),
    )


def collection_lines(rules: CollectionRules) -> list[RuleLine]:
    """What the agency collects, in plain language (R02, R28)."""
    if not rules.collects:
        return [
            RuleLine(
                "this agency is an ALPR end-user: it operates no cameras and collects no ALPR "
                "information; it only accesses information other agencies collect",
                "Cal. Civ. Code §§ 1798.90.5(a), 1798.90.53",
            )
        ]
    if rules.full_images:
        return [RuleLine("each read keeps its plate crop and the full scene image", "this policy")]
    return [
        RuleLine(
            "only the plate crop is kept: the full scene image, which can show a vehicle's "
            "occupants, is never stored",
            "this policy" if rules.source == "policy file" else rules.source,
        )
    ]


def retention_lines(effective: EffectivePolicy) -> list[RuleLine]:
    """Each data class's enforced period: "non-hit reads ... are deleted after 21 days"."""
    return [_retention_line(rule, effective.profiles) for rule in effective.retention.values()]


def _retention_line(rule: RetentionRule, profiles: tuple[JurisdictionProfile, ...]) -> RuleLine:
    what = DATA_CLASS_NAMES[rule.data_class]
    if rule.max_age is None:
        text = f"{what} are kept without a set limit"
        citation = "this policy"
    else:
        text = f"{what} are deleted after {describe_age(rule.max_age)}"
        citation = _citation_of(rule, profiles, ceiling=True)
    if rule.min_age is not None:
        floor = _citation_of(rule, profiles, ceiling=False)
        text += f", and kept at least {describe_age(rule.min_age)} ({floor})"
    return RuleLine(text, citation)


def _citation_of(
    rule: RetentionRule, profiles: tuple[JurisdictionProfile, ...], *, ceiling: bool
) -> str:
    age = rule.max_age if ceiling else rule.min_age
    cited = [
        law.citation
        for profile in profiles
        for law in profile.retention
        if law.data_class is rule.data_class and (law.max_age if ceiling else law.min_age) == age
    ]
    return "; ".join(cited) if cited else "this policy"


def _may_receive(effective: EffectivePolicy) -> list[RuleLine]:
    rules = effective.sharing
    if not rules.enabled:
        return []
    citations = rules.citations
    types = ", ".join(ENTITY_NAMES[t] for t in sorted(rules.allowed_entity_types))
    lines = [RuleLine(types, _cited(citations, ShareRule.ENTITY_TYPE))]
    if rules.allowed_states is not None:
        states = ", ".join(sorted(rules.allowed_states))
        lines.append(
            RuleLine(f"in these states only: {states}", _cited(citations, ShareRule.STATE))
        )
    return lines


def _cited(citations: Mapping[str, str], rule: ShareRule) -> str:
    return citations.get(rule.value, "this policy")


def _may_not_receive(effective: EffectivePolicy) -> list[RuleLine]:
    rules = effective.sharing
    if not rules.enabled:
        return [RuleLine("nobody: this agency does not share ALPR information", "this policy")]
    type_citation = _cited(rules.citations, ShareRule.ENTITY_TYPE)
    lines = [
        RuleLine(ENTITY_NAMES[t], type_citation)
        for t in sorted(set(EntityType) - rules.allowed_entity_types)
    ]
    if rules.allowed_states is not None:
        lines.append(
            RuleLine("agencies in any other state", _cited(rules.citations, ShareRule.STATE))
        )
    purpose_citation = _cited(rules.citations, ShareRule.FORBIDDEN_PURPOSE)
    lines.extend(
        RuleLine(f"anyone, for {code}", purpose_citation)
        for code in sorted(rules.forbidden_purposes)
    )
    return lines


def jurisdiction_lines(profile: JurisdictionProfile) -> list[RuleLine]:
    """A profile's rules in plain language, each with its citation."""
    lines = [
        RuleLine(
            f"{profile.name}: {DATA_CLASS_NAMES[law.data_class]} are deleted after "
            f"{describe_age(law.max_age)}",
            law.citation,
        )
        for law in profile.retention
        if law.max_age is not None
    ]
    lines.extend(
        RuleLine(
            f"{profile.name}: {DATA_CLASS_NAMES[law.data_class]} are kept at least "
            f"{describe_age(law.min_age)}",
            law.citation,
        )
        for law in profile.retention
        if law.min_age is not None
    )
    if profile.sharing is not None:
        types = ", ".join(ENTITY_NAMES[t] for t in sorted(profile.sharing.entity_types))
        where = (
            f" in {', '.join(sorted(profile.sharing.states))}"
            if profile.sharing.states is not None
            else ""
        )
        lines.append(
            RuleLine(
                f"{profile.name}: ALPR information is shared only with {types}{where}",
                profile.sharing.citation,
            )
        )
    lines.extend(
        RuleLine(f"{profile.name}: never used for {forbidden.description}", forbidden.citation)
        for forbidden in profile.forbidden_purposes
    )
    lines.extend(
        RuleLine(
            f"{profile.name}: no record of the {', '.join(forbidden.hotlist_files)} or of any "
            f"hot-list file serving {forbidden.description} is loaded into a hot list",
            forbidden.citation,
        )
        for forbidden in profile.forbidden_purposes
        if forbidden.hotlist_files
    )
    if profile.collection is not None and profile.collection.plate_crops_only:
        lines.append(
            RuleLine(
                f"{profile.name}: only the plate crop is kept, never an image of a vehicle's "
                "occupants",
                profile.collection.citation,
            )
        )
    if profile.public_comment_citation:
        lines.append(
            RuleLine(
                f"{profile.name}: a public agency holds a public-comment meeting before it "
                "begins using ALPR",
                profile.public_comment_citation,
            )
        )
    return lines


# --- rendering -------------------------------------------------------------------------------


@functools.cache
def template_environment() -> Environment:
    return Environment(
        loader=PackageLoader("platekeeper.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(document: PolicyDocument) -> str:
    return template_environment().get_template("policy_document.html").render(doc=document)


@dataclass(frozen=True, slots=True)
class PublishedPolicy:
    effective: EffectivePolicy
    document: PolicyDocument
    html: str


def publish_policy(settings: Settings, store: Store | None, now: datetime) -> PublishedPolicy:
    """The policy file named by ``settings`` as a document, its version recorded in ``store``.

    ``NotFound`` when there is no policy file. Without a store the version is dated ``now``.
    """
    path: Path = policy_path(settings)
    effective = load_effective(settings, now.date())
    version = new_version(path.read_bytes(), now)
    if store is not None:
        version = store.policy_versions.record(version)
    document = policy_document(effective, version, now)
    return PublishedPolicy(effective, document, render_html(document))


def html_to_pdf(html: str) -> bytes:
    """``html`` printed to PDF by WeasyPrint; ``PdfUnavailable`` when it or pango is missing.

    (``render.render_pdf`` prints a compliance report, not any HTML; this is its counterpart.)
    """
    try:
        # Imported on use: it is slow to load, and without pango it fails at import.
        from weasyprint import HTML  # noqa: PLC0415
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"WeasyPrint cannot run here: {exc}",
            hint="Run scripts/setup, which installs WeasyPrint and Debian's pango; or ask for "
            "--format html.",
        ) from None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
