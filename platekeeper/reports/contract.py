"""The vendor and hosting contract template, generated from the policy the system enforces (R39).

A vendor that hosts or runs an agency's ALPR system holds the agency's data, so the duties the
law puts on the agency have to reach the vendor by contract: the State Auditor (report 2019-118)
found agencies whose contracts left the vendor free to use or share the data; a vendor's master
agreement let it disclose agency data to third parties; a subcontractor copied plate images to
its own network, where they were stolen. The template's clauses answer each of those, and the
numbers in it (how long each class of data is kept, who may receive data, what is never done
with it) come from the effective policy, never from the hand that fills the template in.

Like the policy document (``policy_document.py``), it is pure up to the rendering: the clauses are
values, the Markdown is built from them here and the HTML by a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from platekeeper.config import Settings
from platekeeper.domain.policy import describe_age
from platekeeper.domain.retention import DataClass
from platekeeper.policy.effective import PolicyIncomplete, load_effective, policy_path
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.reports.policy_document import (
    DATA_CLASS_NAMES,
    ENTITY_NAMES,
    collection_lines,
    new_version,
    template_environment,
)

VENDOR = "[VENDOR NAME]"
"""Where the agency writes the vendor's name; the only blank the template leaves."""
BREACH_LAW = (
    "Cal. Civ. Code §§ 1798.29(b) and 1798.82(b) (ALPR information is covered since SB 34, "
    "Stats. 2015, ch. 532)"
)
_BACKUP_DAYS = 30
_RETURN_DAYS = 30


@dataclass(frozen=True, slots=True)
class Clause:
    """One numbered clause: what the vendor must do, and why."""

    heading: str
    paragraphs: tuple[str, ...]
    basis: str
    """The law, audit finding or policy element behind the clause."""


@dataclass(frozen=True, slots=True)
class VendorContract:
    agency_name: str
    custodian_title: str
    policy_version: str
    generated_at: datetime
    clauses: tuple[Clause, ...]


def vendor_contract(
    effective: EffectivePolicy, policy_version: str, generated_at: datetime
) -> VendorContract:
    """The template of ``effective``; ``PolicyIncomplete`` when the policy is not complete,
    because a contract must not promise periods or restrictions the law would not accept."""
    if not effective.complete:
        blocking = [finding for finding in effective.findings if finding.blocking]
        raise PolicyIncomplete(
            "the vendor contract cannot be generated from an incomplete policy "
            f"({len(blocking)} findings, first: {blocking[0].message})",
            hint="Run 'platekeeper policy check' and resolve every finding first.",
        )
    policy = effective.policy
    return VendorContract(
        agency_name=policy.agency.name,
        custodian_title=policy.custodian_title,
        policy_version=policy_version,
        generated_at=generated_at,
        clauses=(
            _ownership(policy.agency.name),
            _no_independent_use(effective),
            _retention(effective),
            _collection(effective),
            _security(),
            _access_records(policy.custodian_title),
            _breach(),
            _audit(policy.monitoring.audit_schedule),
            _subcontractors(),
            _end_of_contract(),
        ),
    )


def _ownership(agency: str) -> Clause:
    return Clause(
        "Ownership of the data",
        (
            f"{agency} (the Agency) owns all ALPR information collected, received, stored or "
            "processed under this agreement, with every image, derived record, index, log, "
            "backup and copy of it (the Agency Data).",
            f"{VENDOR} (the Vendor) acquires no right, title or licence in the Agency Data; it "
            "holds the Agency Data only as the Agency's service provider.",
        ),
        "Cal. Civ. Code §§ 1798.90.5(d), 1798.90.51; State Auditor report 2019-118",
    )


def _no_independent_use(effective: EffectivePolicy) -> Clause:
    paragraphs = [
        "The Vendor uses the Agency Data only to provide the services to the Agency, on the "
        "Agency's written instructions. It has no right of its own to use, access, analyse, "
        "sell, share, transfer, disclose or aggregate the Agency Data, nor to train or improve "
        "any product with it.",
        "The Vendor makes no Agency Data available to any other customer, agency or person, "
        "whether through a shared network, a pooled or nationwide search, a pilot or any other "
        "feature, unless the Agency approves the recipient in writing under its usage and "
        "privacy policy, and then only as that policy allows.",
        *_sharing_paragraphs(effective),
    ]
    return Clause(
        "No independent use or disclosure",
        tuple(paragraphs),
        "Cal. Civ. Code §§ 1798.90.51(b)(2)(D), 1798.90.55(b); the Agency's policy, element (D)",
    )


def _sharing_paragraphs(effective: EffectivePolicy) -> list[str]:
    rules = effective.sharing
    if not rules.enabled:
        lines = ["The Agency shares no ALPR information: the Vendor discloses it to nobody."]
    else:
        types = ", ".join(ENTITY_NAMES[t] for t in sorted(rules.allowed_entity_types))
        where = (
            f" in {', '.join(sorted(rules.allowed_states))}"
            if rules.allowed_states is not None
            else ""
        )
        lines = [f"The only recipients the Agency's policy allows are {types}{where}."]
    lines.extend(
        f"The Agency Data is never used or disclosed for {forbidden.description} "
        f"({forbidden.citation})."
        for profile in effective.profiles
        for forbidden in profile.forbidden_purposes
    )
    return lines


def _retention(effective: EffectivePolicy) -> Clause:
    paragraphs = [
        "The Vendor keeps each class of Agency Data no longer than the Agency's policy allows, "
        "and deletes it, with every copy, on the Agency's schedule:",
        *(
            f"{DATA_CLASS_NAMES[data_class]}: {_period(effective, data_class)}"
            for data_class in DataClass
        ),
        f"A backup copy is deleted within {_BACKUP_DAYS} days after the data it holds is due "
        "for deletion, and is never restored except to recover the Agency's system.",
        "The Vendor keeps data past its period only under a legal hold the Agency places in "
        "writing, and deletes it when the Agency lifts the hold.",
    ]
    return Clause(
        "Retention and deletion on the Agency's schedule",
        tuple(paragraphs),
        "Cal. Civ. Code § 1798.90.51(b)(2)(G); the Agency's policy, element (G)",
    )


def _period(effective: EffectivePolicy, data_class: DataClass) -> str:
    rule = effective.retention[data_class]
    text = (
        f"deleted after {describe_age(rule.max_age)}"
        if rule.max_age is not None
        else "kept as the Agency directs"
    )
    if rule.min_age is not None:
        text += f", and kept at least {describe_age(rule.min_age)}"
    return text


def _collection(effective: EffectivePolicy) -> Clause:
    lines = collection_lines(effective.collection)
    return Clause(
        "What is collected",
        tuple(
            f"{line.text} ({line.citation}); the Vendor's devices and systems hold to it."
            for line in lines
        ),
        "the Agency's policy",
    )


def _security() -> Clause:
    return Clause(
        "Security and the CJIS Security Policy",
        (
            "The Vendor maintains reasonable security procedures and practices, including "
            "operational, administrative, technical and physical safeguards, to protect the "
            "Agency Data from unauthorized access, destruction, use, modification or disclosure.",
            "The Vendor complies with the current FBI CJIS Security Policy for every system and "
            "person that touches the Agency Data: personnel screening and security awareness "
            "training, multi-factor authentication, encryption in transit and at rest, and audit "
            "logging; and gives the Agency its CJIS assessment on request.",
            "The Agency Data is stored and processed only in the United States, in the systems "
            "named in this agreement.",
        ),
        "Cal. Civ. Code § 1798.90.51(a); FBI CJIS Security Policy; State Auditor report 2019-118",
    )


def _access_records(custodian: str) -> Clause:
    return Clause(
        "Access records",
        (
            "Every access to the Agency Data by the Vendor's personnel is recorded with its date "
            "and time, the data queried, the person and their organisation, and the purpose; "
            f"the records are given to the {custodian} on request and kept as long as the "
            "Agency's own access log.",
        ),
        "Cal. Civ. Code § 1798.90.52",
    )


def _breach() -> Clause:
    return Clause(
        "Breach notice",
        (
            "The Vendor notifies the Agency of any breach of the security of the Agency Data "
            "immediately following its discovery, as a holder of data another owns must, and in "
            "any case within 24 hours; it names what was affected, when, and what it has done.",
            "The Vendor cooperates so that the Agency can notify the people affected in the most "
            "expedient time possible and without unreasonable delay, bears the cost of the "
            "notice where the breach is its own, and preserves the evidence.",
        ),
        BREACH_LAW,
    )


def _audit(schedule: str) -> Clause:
    return Clause(
        "Audit rights",
        (
            "The Agency, its auditors and any oversight body it names may audit the Vendor's "
            "compliance with this agreement, its access records, its deletion of Agency Data and "
            "its subcontractors, on reasonable notice and at least once a year; the Agency's own "
            f"audits run {schedule}.",
            "The Vendor answers the findings in writing and corrects them within the time the "
            "Agency sets.",
        ),
        "Cal. Civ. Code § 1798.90.51(b)(2)(C); State Auditor report 2019-118",
    )


def _subcontractors() -> Clause:
    return Clause(
        "Subcontractors",
        (
            "The Vendor engages no subcontractor that may access the Agency Data without the "
            "Agency's written consent, and binds each to every term of this agreement; it "
            "remains liable for them. No subcontractor copies the Agency Data to a system of "
            "its own.",
        ),
        "State Auditor report 2019-118",
    )


def _end_of_contract() -> Clause:
    return Clause(
        "Return and destruction at the end of the agreement",
        (
            f"Within {_RETURN_DAYS} days after the agreement ends, the Vendor returns the Agency "
            "Data the Agency asks for in an open format, then destroys every copy, backups "
            "included, and certifies the destruction in writing, signed by an officer.",
        ),
        "Cal. Civ. Code § 1798.90.51(b)(2)(G)",
    )


# --- rendering -------------------------------------------------------------------------------


def render_markdown(contract: VendorContract) -> str:
    lines = [
        f"# ALPR data hosting and services agreement: {contract.agency_name} and {VENDOR}",
        "",
        f"Template generated {contract.generated_at.strftime('%Y-%m-%d %H:%M UTC')} from the "
        f"usage and privacy policy version {contract.policy_version}. The periods and "
        "restrictions below are the ones the Agency's system enforces; change the policy, not "
        "this text, and generate the template again. Have counsel review it before use.",
        "",
    ]
    for number, clause in enumerate(contract.clauses, start=1):
        lines += [f"## {number}. {clause.heading}", ""]
        for paragraph in clause.paragraphs:
            lines += [paragraph, ""]
        lines += [f"*Basis: {clause.basis}.*", ""]
    lines += [
        "## Signatures",
        "",
        f"For the Agency: {contract.custodian_title} ______________________ Date ________",
        "",
        f"For {VENDOR}: ______________________ Date ________",
        "",
    ]
    return "\n".join(lines)


def render_contract_html(contract: VendorContract) -> str:
    return (
        template_environment()
        .get_template("contract.html")
        .render(contract=contract, vendor=VENDOR)
    )


def contract_from_settings(settings: Settings, now: datetime) -> VendorContract:
    """The template for the policy named by ``settings``; ``NotFound`` without a policy file,
    ``PolicyIncomplete`` while it is incomplete."""
    effective = load_effective(settings, now.date())
    version = new_version(policy_path(settings).read_bytes(), now)
    return vendor_contract(effective, version.version, now)
