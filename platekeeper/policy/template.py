"""The starting policy ``platekeeper policy init`` writes: every element present, and a TODO
wherever only the agency can say what is true, so that ``policy check`` lists what is left.

What is already known is filled in: the agency as registered, the job titles of the people who
hold each role, what PlateKeeper itself does (the access log, hit verification, corrections, the
purge), and starting retention periods marked as PlateKeeper's, for the agency to confirm. What
is left is the agency's alone to say: the training, the public meeting, roles nobody holds yet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from platekeeper.config import DEFAULT_PURPOSES
from platekeeper.domain.people import Role
from platekeeper.domain.policy import TODO, JurisdictionProfile, describe_age
from platekeeper.domain.retention import DEFAULT_CEILINGS, DataClass
from platekeeper.domain.sharing import EntityType

_ROLES = (Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.CUSTODIAN, Role.AUDITOR)

STARTING_PERIODS = {
    DataClass.NON_HIT_READS: timedelta(days=30),
    DataClass.HIT_READS: timedelta(days=730),
    DataClass.HOTLIST_ENTRIES: timedelta(days=365),
    DataClass.ACCESS_LOG: timedelta(days=1826),
    DataClass.PURGE_LEDGER: timedelta(days=1826),
}
"""PlateKeeper's starting retention where no profile sets one: reads of cars of no interest go
after a month (the State Auditor found Los Angeles keeping them five years), the evidence of
what was done with them (the access log, the purge ledger) outlives them. A jurisdiction's shorter
ceiling wins."""


@dataclass(frozen=True, slots=True)
class KnownFacts:
    """What the database already knows of the agency, for the policy to start from."""

    agency_name: str = TODO + ": the agency's name"
    state: str | None = None
    job_titles: Mapping[Role, Sequence[str]] = field(default_factory=dict)
    """Per role, the job titles of the agency's people who hold it now."""
    today: date | None = None
    """Where given, the review date is set a year on."""
    time_zone: str = ""
    """The agency's IANA time zone, where known."""


def starting_policy(profiles: list[JurisdictionProfile], agency_id: str, known: KnownFacts) -> str:
    """TOML text of a policy for the agency under ``profiles``, TODOs included."""
    state = known.state or profiles[0].state
    return "\n".join(
        [
            _header(profiles, agency_id, known, state),
            _time_zone(known.time_zone),
            _purposes(),
            _access(known.job_titles),
            _monitoring(),
            _sharing(profiles),
            _accuracy(),
            _retention(profiles, known.today),
            _public_comment(),
        ]
    )


def _q(text: str) -> str:
    # JSON strings are valid TOML basic strings.
    return json.dumps(text, ensure_ascii=False)


def _header(
    profiles: list[JurisdictionProfile], agency_id: str, known: KnownFacts, state: str
) -> str:
    codes = ", ".join(_q(profile.code) for profile in profiles)
    custodians = known.job_titles.get(Role.CUSTODIAN, ())
    custodian = custodians[0] if custodians else TODO + ": e.g. Chief of Police"
    return f"""\
# Usage and privacy policy for ALPR (Civil Code 1798.90.51(b)); keys in docs/policy-file.md.
# Fill in each item marked as to do, and read what is filled in: it is what PlateKeeper knows
# or does, the agency's to confirm. 'platekeeper policy check' lists what is still missing.
profiles = [{codes}]
# (E) The title of the official custodian responsible for the system.
custodian_title = {_q(custodian)}

[agency]
id = {_q(agency_id)}
name = {_q(known.agency_name)}
state = {_q(state)}
public_agency = true
"""


def _time_zone(time_zone: str) -> str:
    if not time_zone:
        return ""
    return f"""\
# The agency's time zone: its pages, exports and reports show times in it (UTC is stored).
time_zone = {_q(time_zone)}
"""


def _purposes() -> str:
    blocks = [
        f"[[purposes]]\ncode = {_q(p.code)}\ncategory = {_q(p.category.value)}\n"
        f"description = {_q(p.label)}\n"
        for p in DEFAULT_PURPOSES
    ]
    return (
        "# (A) Authorised purposes; every access names one. category is one of the closed list\n"
        "# in docs/policy.md; a jurisdiction forbids categories, whatever a purpose is called.\n"
        + "\n".join(blocks)
    )


def _access(job_titles: Mapping[Role, Sequence[str]]) -> str:
    blocks = [
        f"[[access]]\nrole = {_q(role.value)}\njob_titles = [{_titles(job_titles.get(role, ()))}]\n"
        f"training = {_q(TODO + ': the course and who gives it')}\nrefresher_months = 12\n"
        for role in _ROLES
    ]
    return (
        "# (B) Job titles allowed each role (those of the people who hold it now), and their\n"
        "# training. Someone of another title can be given the role once it is listed here.\n"
        + "\n".join(blocks)
    )


def _titles(titles: Sequence[str]) -> str:
    return ", ".join(_q(title) for title in titles) if titles else _q(TODO)


def _monitoring() -> str:
    return f"""\
# (C) How use is monitored for security and compliance.
[monitoring]
description = {_q(MONITORING)}
audit_schedule = "quarterly"
sample_size = 50
"""


MONITORING = (
    "Every access to ALPR data by a person, allowed or refused, is written with the person,"
    " the purpose and the case number to PlateKeeper's hash-chained access log, whose signed"
    " checkpoints show any later change. The agency's auditors review the log and its misuse"
    " signals, and audit a sample of accesses on the schedule below."
)
ACCURACY = (
    "No hit is acted on by itself: PlateKeeper marks none actionable until a person has"
    " compared the characters and the state with the image and checked the entry's standing at"
    " its source, or rejected it with a reason."
)
CORRECTION = (
    "An analyst or supervisor corrects a misread in PlateKeeper, naming a purpose and a case;"
    " the original text is kept with the correction, the read is matched again, and the"
    " correction is written to the access log."
)
DESTRUCTION = (
    "PlateKeeper deletes reads past their period every hour, destroys the key of each day's"
    " images with them, and records every purge in the purge ledger; legal holds keep what a"
    " case needs."
)


def _sharing(profiles: list[JurisdictionProfile]) -> str:
    types = set(EntityType)
    states: set[str] | None = None
    for profile in profiles:
        if profile.sharing is not None:
            types &= profile.sharing.entity_types
            if profile.sharing.states is not None:
                states = (
                    set(profile.sharing.states)
                    if states is None
                    else states & set(profile.sharing.states)
                )
    states_line = "" if states is None else f"states = [{', '.join(map(_q, sorted(states)))}]\n"
    return f"""\
# (D) Purposes of, process for and restrictions on sharing.
[sharing]
enabled = false
purposes = {_q(TODO + ": why data is shared")}
process = {_q(TODO + ": how another agency asks, and who approves")}
restrictions = {_q(_restrictions(types, states))}
entity_types = [{", ".join(_q(t.value) for t in sorted(types))}]
{states_line}forbidden_purposes = []
"""


def _restrictions(types: set[EntityType], states: set[str] | None) -> str:
    kinds = ", ".join(sorted(t.value for t in types)) or "nobody"
    where = f" in {', '.join(sorted(states))}" if states is not None else ""
    return (
        f"Data is shared only with recipients of these kinds{where}: {kinds}; each recipient is"
        " registered, its right and need to know stated, and each share approved and logged."
    )


def _accuracy() -> str:
    return f"""\
# (F) Measures that ensure accuracy and correct errors.
[accuracy]
description = {_q(ACCURACY)}
correction_process = {_q(CORRECTION)}
"""


def _retention(profiles: list[JurisdictionProfile], today: date | None) -> str:
    review = (
        f"review_date = {date(today.year + 1, today.month, min(today.day, 28)).isoformat()}"
        if today
        else f"# {TODO}: the date the periods are next reviewed, e.g. review_date = 2027-01-01"
    )
    lines = [
        "# (G) How long each class of data is kept, and how it is destroyed. Periods the",
        "# jurisdiction sets are its; the others are PlateKeeper's starting periods, to confirm.",
        "[retention]",
        f"destruction_process = {_q(DESTRUCTION)}",
        review,
        "",
    ]
    for data_class in DataClass:
        ceilings = [
            rule.max_age
            for profile in profiles
            for rule in profile.retention
            if rule.data_class is data_class and rule.max_age is not None
        ]
        if not ceilings and data_class in DEFAULT_CEILINGS:
            continue  # PlateKeeper's default holds unless the agency writes one
        ceilings += [STARTING_PERIODS[data_class]] if data_class in STARTING_PERIODS else []
        age = describe_age(min(ceilings)) if ceilings else TODO
        lines += [f"[retention.classes.{data_class.value}]", f"max_age = {_q(age)}", ""]
    return "\n".join(lines)


def _public_comment() -> str:
    return f"""\
# Civil Code 1798.90.55(a): the public meeting held before the program began.
[public_comment]
body = {_q(TODO + ": e.g. City Council")}
# {TODO}: the meeting's date, e.g. date = 2026-01-13
minutes_url = {_q(TODO)}
"""
