"""The starting policy ``platekeeper policy init`` writes: every element present, and a TODO
wherever only the agency can say what is true, so that ``policy check`` lists what is left."""

from __future__ import annotations

import json

from platekeeper.config import DEFAULT_PURPOSES
from platekeeper.domain.policy import TODO, JurisdictionProfile, describe_age
from platekeeper.domain.retention import DEFAULT_CEILINGS, DataClass
from platekeeper.domain.sharing import EntityType

_ROLES = ("officer", "analyst", "supervisor", "custodian", "auditor")


def starting_policy(
    profiles: list[JurisdictionProfile],
    agency_id: str,
    agency_name: str,
    state: str,
    time_zone: str = "",
) -> str:
    """TOML text of a policy for the agency under ``profiles``, TODOs included."""
    return "\n".join(
        [
            _header(profiles, agency_id, agency_name, state),
            _time_zone(time_zone),
            _purposes(),
            _access(),
            _monitoring(),
            _sharing(profiles),
            _accuracy(),
            _retention(profiles),
            _public_comment(),
        ]
    )


def _q(text: str) -> str:
    # JSON strings are valid TOML basic strings.
    return json.dumps(text, ensure_ascii=False)


def _header(profiles: list[JurisdictionProfile], agency_id: str, name: str, state: str) -> str:
    codes = ", ".join(_q(profile.code) for profile in profiles)
    return f"""\
# Usage and privacy policy for ALPR (Civil Code 1798.90.51(b)); keys in docs/policy-file.md.
# Replace every {TODO}; 'platekeeper policy check' lists what is still missing.
profiles = [{codes}]
# (E) The title of the official custodian responsible for the system.
custodian_title = {_q(TODO + ": e.g. Chief of Police")}

[agency]
id = {_q(agency_id)}
name = {_q(name)}
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


def _access() -> str:
    blocks = [
        f"[[access]]\nrole = {_q(role)}\njob_titles = [{_q(TODO)}]\n"
        f"training = {_q(TODO + ': the course and who gives it')}\nrefresher_months = 12\n"
        for role in _ROLES
    ]
    return "# (B) Job titles allowed each role, and their training.\n" + "\n".join(blocks)


def _monitoring() -> str:
    return f"""\
# (C) How use is monitored for security and compliance.
[monitoring]
description = {_q(TODO + ": who reviews the access log and misuse signals, and how")}
audit_schedule = {_q(TODO + ": e.g. quarterly")}
sample_size = 50
"""


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
restrictions = {_q(TODO + ": who may never receive data")}
entity_types = [{", ".join(_q(t.value) for t in sorted(types))}]
{states_line}forbidden_purposes = []
"""


def _accuracy() -> str:
    return f"""\
# (F) Measures that ensure accuracy and correct errors.
[accuracy]
description = {_q(TODO + ": e.g. every alert is verified by eye before any action")}
correction_process = {_q(TODO + ": how a misread is corrected or removed")}
"""


def _retention(profiles: list[JurisdictionProfile]) -> str:
    lines = [
        "# (G) How long each class of data is kept, and how it is destroyed.",
        "[retention]",
        f"destruction_process = {_q(TODO + ': e.g. an automatic purge every hour, logged')}",
        f"# {TODO}: the date the periods are next reviewed, e.g. review_date = 2027-01-01",
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
