"""The annual certification (R36, after New Jersey's AG Directive 2022-12): a Markdown document
drawn from the year's compliance report and the recorded review of its sample.

It states, each from a fact: the policy is in place (no policy finding), only authorized users
accessed (no access finding), each user's last training date, the sample of searches reviewed
with no misuse found, and the violations found. It never says "no misuse found" while a sampled
search is unreviewed, found inconsistent or left undetermined: an unreviewed sample refuses the
document outright (review first), a sample with misuse or doubt is certified as such.

Complaints come from the register (``reports/complaints.py``): every complaint received in the
year is listed with its outcome, sustained ones also among the significant violations. A
complaint of the year still unresolved more than ``RESOLUTION_DAYS`` after its receipt refuses
the document outright (decide it first); one still within that time is listed as unresolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from platekeeper.domain.complaints import RESOLUTION_DAYS, Complaint, ComplaintStatus
from platekeeper.domain.people import Account
from platekeeper.domain.sample_reviews import SampleStanding
from platekeeper.errors import InvalidInput
from platekeeper.reports.compliance import Area, ComplianceReport

NO_MISUSE = "No misuse was found in the sampled searches."


def certification(
    report: ComplianceReport,
    standing: SampleStanding,
    accounts: Sequence[Account],
    *,
    agency: str,
    year: int,
    complaints: Sequence[Complaint] = (),
    today: date | None = None,
) -> str:
    """The certification of ``year`` for ``agency``, as Markdown; ``InvalidInput`` while a
    sampled search is unreviewed or a complaint of the year is unresolved past its time.

    ``complaints`` are the agency's; those received outside ``year`` are left out. ``today``
    (the period's last day without it) says which unresolved complaints are overdue."""
    received = [c for c in complaints if c.received_on.year == year]
    _refuse_overdue(received, today or report.period.end.date())
    if standing.unreviewed:
        listed = ", ".join(str(seq) for seq in standing.unreviewed[:20])
        raise InvalidInput(
            f"{len(standing.unreviewed)} sampled searches are not reviewed yet: {listed}",
            hint="Record each with 'platekeeper report review ENTRY --verdict ...' first.",
        )
    lines = [
        f"# Annual ALPR certification, {year}: {agency}",
        "",
        f"Period: {report.period.start.date()} to {report.period.end.date()} (end excluded).",
        "",
        "## Policy in place",
        _clean(report, Area.POLICY, "The usage and privacy policy is in place and published."),
        "",
        "## Only authorized users accessed",
        _clean(report, Area.ACCESS, "Every access was by an authorized, trained user."),
        "",
        "## Training of each user (last completed)",
        *_training(accounts),
        "",
        "## Review of a random sample of searches",
        f"{len(standing.sampled)} searches drawn (seed {report.sample.seed}) of "
        f"{report.sample.population}; all reviewed.",
        _sample_statement(standing),
        "",
        "## Significant violations",
        *(
            [f"- [{f.severity.value}] {f.code}: {f.title}" for f in report.findings]
            or ["None found by the compliance report."]
        ),
        *[
            f"- [sustained complaint] received {c.received_on}: {c.finding}"
            for c in received
            if c.status is ComplaintStatus.SUSTAINED
        ],
        "",
        "## Complaints",
        *_complaints(received, year),
        "",
    ]
    return "\n".join(lines)


def _refuse_overdue(received: Sequence[Complaint], today: date) -> None:
    overdue = [c for c in received if c.overdue(today)]
    if overdue:
        listed = ", ".join(f"{c.id} (received {c.received_on})" for c in overdue[:20])
        raise InvalidInput(
            f"{len(overdue)} complaints of the year are unresolved after {RESOLUTION_DAYS} days:"
            f" {listed}",
            hint="Decide each with 'platekeeper complaint decide ID --outcome ...' first.",
        )


def _complaints(received: Sequence[Complaint], year: int) -> list[str]:
    if not received:
        return [f"No complaints about the use of the system were received in {year}."]
    lines = [f"{len(received)} complaints received in {year}:"]
    for c in received:
        head = f"- received {c.received_on} from {c.source.value}: {c.summary} - "
        if c.status.resolved:
            outcome = f"{c.status.value} on {c.decided_on} by {c.decided_by}: {c.finding}"
            lines.append(head + outcome)
        else:
            lines.append(head + f"UNRESOLVED ({c.status.value}), due {c.resolution_due}")
    return lines


def _clean(report: ComplianceReport, area: Area, statement: str) -> str:
    found = [f.code for f in report.findings if f.area is area]
    if not found:
        return statement
    return f"NOT CERTIFIED: the compliance report found {', '.join(found)}."


def _training(accounts: Sequence[Account]) -> list[str]:
    rows = [
        f"- {account.username}: "
        + (
            "no training recorded"
            if account.training is None
            else str(account.training.completed_on)
        )
        for account in sorted(accounts, key=lambda a: a.username)
    ]
    return rows or ["No accounts."]


def _last_trained(account: Account) -> str:
    return (
        "no training recorded" if account.training is None else str(account.training.completed_on)
    )


def _sample_statement(standing: SampleStanding) -> str:
    if standing.no_misuse_found:
        return NO_MISUSE
    parts = []
    if standing.inconsistent:
        parts.append(f"found inconsistent with their purpose: {_seqs(standing.inconsistent)}")
    if standing.undetermined:
        parts.append(f"could not be determined: {_seqs(standing.undetermined)}")
    return "NOT CERTIFIED: sampled searches " + "; ".join(parts) + "."


def _seqs(seqs: tuple[int, ...]) -> str:
    return ", ".join(f"entry {seq}" for seq in seqs)
