"""``platekeeper policy``: write, check and show the usage and privacy policy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, person
from platekeeper.cli.time_zones import ask_time_zone
from platekeeper.config import Settings
from platekeeper.domain import Agency
from platekeeper.domain.people import AccountStatus, Role
from platekeeper.domain.policy import (
    ELEMENTS,
    TODO,
    JurisdictionProfile,
    PolicyFinding,
    Severity,
    describe_age,
)
from platekeeper.domain.time import SystemClock
from platekeeper.domain.zones import require_zone
from platekeeper.errors import Conflict, InvalidInput
from platekeeper.policy.attest import AttestationService
from platekeeper.policy.effective import load_effective, load_effective_for, policy_path
from platekeeper.policy.profiles import available_profiles, load_profiles
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.policy.template import KnownFacts, starting_policy
from platekeeper.reports.contract import (
    contract_from_settings,
    render_contract_html,
    render_markdown,
)
from platekeeper.reports.policy_document import html_to_pdf, publish_policy
from platekeeper.services import require_current_schema
from platekeeper.store.factory import open_store
from platekeeper.store.files import make_private_folders

app = typer.Typer(help="The usage and privacy policy (docs/policy-file.md).", no_args_is_help=True)

_STYLE = {Severity.MISSING: "red", Severity.CONFLICT: "bold red", Severity.WARNING: "yellow"}


@app.command()
def check(ctx: typer.Context) -> None:
    """List every element missing from the policy and every conflict with its profiles.

    Exits 0 when the policy is complete, 1 when it is not.
    """
    settings = state(ctx).settings()
    effective = _effective(settings)
    for finding in effective.findings:
        out.print(_line(finding), soft_wrap=True)
    path = policy_path(settings)
    if effective.complete:
        out.print(f"The policy {path} is complete ({_profiles(effective)}).")
        return
    blocking = sum(1 for finding in effective.findings if finding.blocking)
    out.print(f"The policy {path} is incomplete: {blocking} findings to resolve.")
    raise typer.Exit(1)


def _effective(settings: Settings) -> EffectivePolicy:
    """The policy as 'check' judges it: with the custodian's attestations and the registered
    agencies' states where a database exists, else from the file alone."""
    today = SystemClock().now().date()
    if settings.store.type == "sqlite" and not settings.sqlite_path.exists():
        return load_effective(settings, today)
    store = open_store(settings)
    try:
        if store.schema_version() == 0:
            return load_effective(settings, today)
        return load_effective_for(settings, store, today)
    finally:
        store.close()


def _line(finding: PolicyFinding) -> str:
    element = ELEMENTS.get(finding.element)
    where = f"({finding.element}) {element}" if element else finding.element
    style = _STYLE[finding.severity]
    return f"[{style}]{finding.severity.value}[/] {escape(where)}: {escape(finding.message)}"


def _profiles(effective: EffectivePolicy) -> str:
    names = [profile.name for profile in effective.profiles]
    return "profiles: " + (", ".join(names) if names else "none")


@dataclass(frozen=True, slots=True)
class KnownAgency:
    agency: Agency
    job_titles: dict[Role, list[str]]


def known_agency(settings: Settings, agency_id: str | None) -> KnownAgency | None:
    """The agency as registered (``agency_id``, or the only one) and the job titles its people
    hold per role; None where the database or the agency does not exist yet."""
    if settings.store.type == "sqlite" and not settings.sqlite_path.exists():
        return None
    store = open_store(settings)
    try:
        if store.schema_version() == 0:
            return None
        agencies = store.agencies.list()
        if agency_id is None and len(agencies) != 1:
            return None
        agency = store.agencies.get(agency_id) if agency_id else agencies[0]
        if agency is None:
            return None
        accounts = store.accounts.list(agency.id)
    finally:
        store.close()
    titles: dict[Role, list[str]] = {}
    for account in accounts:
        if account.status is AccountStatus.DEACTIVATED:
            continue
        for role in account.roles:
            held = titles.setdefault(role, [])
            if account.job_title not in held:
                held.append(account.job_title)
    return KnownAgency(agency, titles)


@app.command()
def init(
    ctx: typer.Context,
    profile: Annotated[
        list[str] | None,
        typer.Option(
            help=f"Jurisdiction profile: {', '.join(available_profiles())}; default: the "
            "agency's state's, where there is one."
        ),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(help="The agency's id, e.g. 'sac-pd'; default: the one agency added."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="The agency's name; default: as added.")] = None,
    agency_state: Annotated[
        str | None, typer.Option("--state", help="Two-letter state; default: as added.")
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option(help="IANA time zone; default: the state's main zone, asked elsewhere."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing policy file.")] = False,
) -> None:
    """Write a starting policy from what the database knows, with TODOs for the rest.

    The agency as 'agency add' registered it, its people's job titles per role, what PlateKeeper
    itself does and starting retention periods are filled in, for the agency to read and
    confirm; what only the agency can say is left as TODO.
    """
    settings = state(ctx).settings()
    path = policy_path(settings)
    if path.exists() and not force:
        raise Conflict(
            f"a policy file already exists at {path}",
            hint="Edit it, or pass --force to replace it.",
        )
    registered = known_agency(settings, agency)
    agency_id = agency or (registered.agency.id if registered else None)
    if agency_id is None:
        raise InvalidInput(
            "no agency is registered to write the policy for",
            hint="Add it first ('platekeeper agency add ID --name ... --state ..'), or pass "
            "--agency and --profile.",
        )
    profiles = load_profiles(profile or _state_profiles(agency_state, registered))
    known = _facts(registered, name, agency_state)
    the_state = known.state or profiles[0].state
    if time_zone:
        zone = require_zone(time_zone)
    elif registered is not None:
        zone = registered.agency.time_zone
    else:
        zone = ask_time_zone(the_state)
    known = replace(known, time_zone=zone)
    text = starting_policy(profiles, agency_id, known)
    make_private_folders(path.parent)  # the data directory, if it is: 0700
    path.write_text(text, encoding="utf-8")
    left = text.count(TODO)
    out.print(
        f"Wrote {path} for {known.agency_name} ({_names(profiles)}): {left} TODOs to fill in."
        " Read what is filled in too, then run 'platekeeper policy check'.",
        soft_wrap=True,
    )


def _state_profiles(agency_state: str | None, registered: KnownAgency | None) -> list[str]:
    code = (agency_state or (registered.agency.state if registered else "")).lower()
    if code not in available_profiles():
        raise InvalidInput(
            f"no jurisdiction profile for state {code.upper() or '(none)'}",
            hint=f"Pass --profile, one of: {', '.join(available_profiles())}.",
        )
    return [code]


def _facts(registered: KnownAgency | None, name: str | None, given_state: str | None) -> KnownFacts:
    if registered is None:
        known = KnownFacts(state=given_state, today=SystemClock().now().date())
        return replace(known, agency_name=name) if name else known
    return KnownFacts(
        agency_name=name or registered.agency.name,
        state=given_state or registered.agency.state,
        job_titles=registered.job_titles,
        today=SystemClock().now().date(),
    )


def _names(profiles: list[JurisdictionProfile]) -> str:
    return "profile " + ", ".join(profile.code for profile in profiles)


@app.command()
def show(ctx: typer.Context) -> None:
    """Show the retention and sharing the system enforces, after the profiles."""
    effective = load_effective(state(ctx).settings(), SystemClock().now().date())
    table = Table("data class", "kept at most", "kept at least", "source", title="Retention")
    for rule in effective.retention.values():
        table.add_row(
            rule.data_class.value,
            describe_age(rule.max_age) if rule.max_age else "no ceiling",
            describe_age(rule.min_age) if rule.min_age else "",
            escape(rule.source),
        )
    out.print(table)
    sharing = effective.sharing
    states = ", ".join(sorted(sharing.allowed_states)) if sharing.allowed_states else "any"
    out.print(f"Sharing: {'enabled' if sharing.enabled else 'disabled'}", soft_wrap=True)
    types = ", ".join(sorted(t.value for t in sharing.allowed_entity_types)) or "none"
    out.print(f"  recipients: {types}; states: {states}", soft_wrap=True)
    forbidden = ", ".join(sorted(sharing.forbidden_purposes)) or "none"
    out.print(f"  forbidden purposes: {forbidden}", soft_wrap=True)
    for key, citation in sorted(sharing.citations.items()):
        out.print(f"  {escape(key)}: {escape(citation)}", soft_wrap=True)
    codes = ", ".join(purpose.code for purpose in effective.purposes)
    out.print(f"Authorised purposes: {codes}", soft_wrap=True)
    if not effective.complete:
        out.print("The policy is incomplete: run 'platekeeper policy check'.")


@app.command()
def attest(
    ctx: typer.Context,
    purpose: Annotated[str, typer.Option(help="The purpose code 'policy check' flags.")],
    reason: Annotated[str, typer.Option(help="Why it is not the forbidden matter it names.")],
    as_user: AsOption = None,
) -> None:
    """Attest, as a custodian, that a purpose flagged as misfiled is what its category says.

    The attestation holds while the purpose's code, label and category stay as they are; it is
    stored and written to the access log.
    """
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        service = AttestationService(
            services.settings, services.store, services.access_log, services.clock
        )
        attestation = service.attest(who, purpose, reason)
    finally:
        services.close()
    out.print(
        f"Recorded: {attestation.attested_by} attests that purpose {attestation.purpose_code} "
        f"is {attestation.category.value}.",
        soft_wrap=True,
    )


class DocumentFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


@app.command()
def render(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option(help="Where to write the document.")],
    document_format: Annotated[
        DocumentFormat, typer.Option("--format", help="html or pdf.")
    ] = DocumentFormat.HTML,
) -> None:
    """Write the usage and privacy policy as a public document, versioned and dated.

    Each of the seven elements of Civil Code 1798.90.51(b)(2) and the jurisdiction rules in plain
    language; the version is recorded in the database (docs/transparency.md).
    """
    settings = state(ctx).settings()
    store = open_store(settings)
    try:
        require_current_schema(store)
        published = publish_policy(settings, store, SystemClock().now())
    finally:
        store.close()
    if document_format is DocumentFormat.PDF:
        output.write_bytes(html_to_pdf(published.html))
    else:
        output.write_text(published.html, encoding="utf-8")
    version = published.document.version.version
    out.print(f"Wrote {output}: the usage and privacy policy, version {version}.", soft_wrap=True)


class ContractFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


@app.command()
def contract(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option(help="Where to write the template.")],
    document_format: Annotated[
        ContractFormat, typer.Option("--format", help="markdown or html.")
    ] = ContractFormat.MARKDOWN,
) -> None:
    """Write the vendor and hosting contract template, from the policy as enforced.

    The agency owns the data; the vendor has no use or disclosure of its own, deletes on the
    policy's periods, follows the CJIS Security Policy, gives breach notice, may be audited and
    returns or destroys the data at the end (docs/contract.md). Refused while the policy is
    incomplete.
    """
    made = contract_from_settings(state(ctx).settings(), SystemClock().now())
    if document_format is ContractFormat.HTML:
        output.write_text(render_contract_html(made), encoding="utf-8")
    else:
        output.write_text(render_markdown(made), encoding="utf-8")
    out.print(
        f"Wrote {output}: the vendor contract template for {made.agency_name}, from policy "
        f"version {made.policy_version}.",
        soft_wrap=True,
    )
