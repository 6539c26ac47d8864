"""Attack 5, the class: no console command acts on plate data or an agency's records as "the host".

On fb08a52 ``hotlist``, ``camera``, ``report compliance`` and ``audit signals`` acted as the host
operator (``cli:<os user>``) with no password, over every agency. Now each signs a person in
(``--as`` and their password), their roles and agency decide, and the log names them with
``console`` as the client address. A walk of the whole command tree keeps it so: a command not
named in ``cli/identity.OPERATOR_COMMANDS`` refuses to act with nobody signed in.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from platekeeper.cli.identity import OPERATOR_COMMANDS, SELF_COMMANDS
from platekeeper.cli.main import app
from platekeeper.config import Settings, load_settings
from platekeeper.domain.access import Actor
from platekeeper.domain.cameras import CameraKind, CameraStatus
from platekeeper.domain.gate import Person
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.errors import AuthenticationFailed, NotFound, PermissionDenied
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.ingest.cameras import CameraDraft
from platekeeper.services import Services, build_services
from platekeeper.store.protocols import AccessFilter
from tests.accounts.conftest import OPERATOR, PASSWORD, add_person
from tests.conftest import make_agency
from tests.factors import console_code, enrol_for_console

A, B = "alfa-pd", "bravo-pd"
LIST, CAMERA = "alfa-stolen", "alfa-gate"
A_SUPERVISOR = Person(Actor("alfa.sup", A), frozenset({Role.SUPERVISOR}), "console")
A_CUSTODIAN = Person(Actor("alfa.cus", A), frozenset({Role.CUSTODIAN}), "console")
B_SUPERVISOR = Person(Actor("bravo.sup", B), frozenset({Role.SUPERVISOR}), "console")
B_CUSTODIAN = Person(Actor("bravo.cus", B), frozenset({Role.CUSTODIAN}), "console")
runner = CliRunner()


# -- the services, on every database: a person of B against A's list and camera --------------


def _seed_a(services: Services) -> None:
    for agency in (A, B):
        services.store.agencies.add(make_agency(agency))
    services.hotlists.create_list(
        A_SUPERVISOR,
        list_id=LIST,
        name="Alfa stolen",
        source=ListSource.MANUAL,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=False,
    )
    draft = EntryDraft("7ABC123", "stolen vehicle", "CA", "2026-000001")
    services.hotlists.add_entry(A_SUPERVISOR, LIST, draft)
    services.cameras.register(A_CUSTODIAN, CameraDraft(CAMERA, "Gate", CameraKind.MOBILE))


def test_a_person_of_b_cannot_touch_a_s_hot_list_or_camera(services: Services) -> None:
    _seed_a(services)
    hotlists, cameras = services.hotlists, services.cameras
    draft = EntryDraft("9XYZ999", "stolen vehicle", "CA", "2026-000002")
    for attempt in (
        lambda: hotlists.add_entry(B_SUPERVISOR, LIST, draft),
        lambda: hotlists.entries(B_SUPERVISOR, LIST),
        lambda: hotlists.find_entries(B_SUPERVISOR, LIST, "7ABC123"),
        lambda: hotlists.refresh(B_SUPERVISOR, LIST),
        lambda: cameras.rotate_key(B_CUSTODIAN, CAMERA),
        lambda: cameras.set_status(B_CUSTODIAN, CAMERA, CameraStatus.RETIRED),
    ):
        with pytest.raises(NotFound, match="does not exist"):
            attempt()
    [entry] = services.store.hotlist_entries.list(LIST, 10, 0)
    with pytest.raises(NotFound):
        hotlists.remove_entry(B_SUPERVISOR, entry.id)
    with pytest.raises(PermissionDenied, match="not yours"):
        hotlists.create_list(
            B_SUPERVISOR,
            list_id="planted",
            name="Planted",
            source=ListSource.MANUAL,
            priority=1,
            alert_level=AlertLevel.INFO,
            covert=False,
            agency_id=A,
        )
    with pytest.raises(PermissionDenied, match="not yours"):
        cameras.register(B_CUSTODIAN, CameraDraft("planted", "P", CameraKind.MOBILE), agency_id=A)
    assert hotlists.lists(B_SUPERVISOR) == []
    assert cameras.list(B_CUSTODIAN) == []
    assert services.store.hotlist_entries.count(LIST) == 1
    assert [c.id for c in services.store.cameras.list(None)] == [CAMERA]
    refused = services.store.access_log.find(AccessFilter(username="bravo.sup"))
    assert refused
    assert all(r.event.outcome == "denied" for r in refused)


def test_no_role_means_no_act_whatever_the_channel(services: Services) -> None:
    _seed_a(services)
    nobody = Person(Actor("alfa.nobody", A), frozenset(), "console")
    with pytest.raises(PermissionDenied):
        services.hotlists.lists(nobody)
    with pytest.raises(PermissionDenied):
        services.cameras.list(A_SUPERVISOR)  # cameras are a custodian's
    with pytest.raises(PermissionDenied):
        services.hotlists.add_entry(A_CUSTODIAN, LIST, EntryDraft("1A", "x", "CA", "2026-1"))


# -- the commands themselves (the console's own SQLite database) -----------------------------


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A console database with A's list and camera, and people of A and B; some of A's
    accounts suspended or deactivated."""
    for name in [k for k in os.environ if k.startswith("PLATEKEEPER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PLATEKEEPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    settings = load_settings(data_dir=tmp_path)
    services = build_services(settings)
    try:
        services.store.upgrade()
        _seed_a(services)
        accounts = services.accounts
        for who in (A_SUPERVISOR, A_CUSTODIAN, B_SUPERVISOR, B_CUSTODIAN):
            made = add_person(
                accounts, who.actor.username, *who.roles, agency_id=who.actor.agency_id
            )
            enrol_for_console(services.second_factors, made, str(tmp_path))
        auditor = add_person(accounts, "alfa.aud", Role.AUDITOR, agency_id=A)
        enrol_for_console(services.second_factors, auditor, str(tmp_path))
        gone = add_person(accounts, "alfa.gone", Role.SUPERVISOR, Role.CUSTODIAN, agency_id=A)
        paused = add_person(accounts, "alfa.paused", Role.SUPERVISOR, Role.AUDITOR, agency_id=A)
        accounts.deactivate(OPERATOR, gone.id)
        accounts.suspend(OPERATOR, paused.id)
    finally:
        services.close()
    return settings


def cli(*args: str, user: str | None = None, password: str | None = PASSWORD) -> Result:
    code = None if user is None else console_code(os.environ["PLATEKEEPER_DATA_DIR"], user)
    env = {
        "PLATEKEEPER_CONSOLE_USER": user,
        "PLATEKEEPER_CONSOLE_PASSWORD": password,
        "PLATEKEEPER_CONSOLE_CODE": code,
    }
    return runner.invoke(app, list(args), env=env)


CONVERTED = {
    "hotlist list": ("hotlist", "list"),
    "hotlist add-entry": (
        "hotlist",
        "add-entry",
        LIST,
        "8DEF456",
        "--reason",
        "stolen vehicle",
        "--state",
        "CA",
        "--case-number",
        "2026-000009",
    ),
    "hotlist set-one-off": ("hotlist", "set-one-off", LIST, "record"),
    "camera list": ("camera", "list"),
    "camera rotate-key": ("camera", "rotate-key", CAMERA),
    "camera set-status": ("camera", "set-status", CAMERA, "maintenance"),
    "report compliance": ("report", "compliance", "--from", "2026-01-01", "--to", "2026-01-31"),
    "audit signals": ("audit", "signals"),
}
"""Each command that acted as the host before, as a person of A with the role would run it."""
ROLE_FOR = {"hotlist": "alfa.sup", "camera": "alfa.cus", "report": "alfa.aud", "audit": "alfa.aud"}


@pytest.mark.parametrize("command", CONVERTED)
def test_each_converted_command_needs_an_active_person_with_their_password(
    console: Settings, command: str
) -> None:
    args = CONVERTED[command]
    for user, password, said in (
        (None, PASSWORD, "--as"),
        ("alfa.gone", PASSWORD, "deactivated"),
        ("alfa.paused", PASSWORD, "suspended"),
        (ROLE_FOR[args[0]], "a guess at the password", "wrong username or password"),
    ):
        refused = cli(*args, user=user, password=password)
        assert refused.exit_code != 0, (user, refused.output)
        assert isinstance(refused.exception, AuthenticationFailed), refused.exception
        assert said in refused.exception.message
    done = cli(*args, user=ROLE_FOR[args[0]])
    assert done.exit_code == 0, (done.output, done.exception)


@pytest.mark.parametrize("command", [c for c in CONVERTED if not c.endswith(" list")])
def test_each_converted_act_is_logged_with_the_person_and_the_console(
    console: Settings, command: str
) -> None:
    args = CONVERTED[command]
    user = ROLE_FOR[args[0]]
    assert cli(*args, user=user).exit_code == 0
    services = build_services(console)
    try:
        last = services.store.access_log.find(AccessFilter(username=user))[0].event
    finally:
        services.close()
    assert (last.actor.username, last.actor.agency_id, last.client_address) == (user, A, "console")
    assert last.outcome == "allowed"
    assert last.action != "auth:login", "the act itself is logged, not only the sign-in"


def test_at_the_console_agency_b_cannot_change_a_s_list_or_camera(console: Settings) -> None:
    add = CONVERTED["hotlist add-entry"]
    refused = cli(*add, user="bravo.sup")
    assert isinstance(refused.exception, NotFound), refused.output
    for args in (CONVERTED["camera rotate-key"], CONVERTED["camera set-status"]):
        assert isinstance(cli(*args, user="bravo.cus").exception, NotFound)
    planted = ("camera", "add", "planted", "--name", "P", "--kind", "mobile", "--agency", A)
    assert isinstance(cli(*planted, user="bravo.cus").exception, PermissionDenied)
    listing = cli("hotlist", "list", user="bravo.sup")
    assert listing.exit_code == 0
    assert LIST not in listing.output
    assert CAMERA not in cli("camera", "list", user="bravo.cus").output
    services = build_services(console)
    try:
        assert services.store.hotlist_entries.count(LIST) == 1
        camera = services.store.cameras.get(CAMERA)
        assert camera is not None
        assert camera.status == "active"
        assert [c.id for c in services.store.cameras.list(None)] == [CAMERA]
    finally:
        services.close()


def test_hotlist_show_says_how_often_a_read_matches_the_list_by_chance(console: Settings) -> None:
    shown = cli("hotlist", "show", LIST, user="alfa.sup")
    assert shown.exit_code == 0, (shown.output, shown.exception)
    assert "One character off: Alert while the list is small enough" in shown.output
    assert "such matches now alert" in shown.output
    assert "reads will alert on this list" in shown.output
    assert cli("hotlist", "set-one-off", LIST, "record", user="alfa.sup").exit_code == 0
    shown = cli("hotlist", "show", LIST, user="alfa.sup")
    assert "now are lower-tier hits, stored without an alert" in shown.output
    assert isinstance(cli("hotlist", "show", LIST, user="bravo.sup").exception, NotFound)


# -- the walk: every command outside the operator list asks for a person --------------------


def _commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf command of the tree, by its words (typer vendors click: duck-typed)."""
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


ALL_COMMANDS = dict(_commands(typer.main.get_command(app)))
SIGNED = sorted(set(ALL_COMMANDS) - set(OPERATOR_COMMANDS))


def _dummy(param: Any, file: Path) -> str:
    """A value the command's parser accepts: what it does with it never runs unsigned."""
    if param.name == "mapping":
        return "plate=1,reason=1"
    kind = param.type_descriptor.annotation
    while typing.get_args(kind):  # list[X], X | None: X
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return str(next(iter(kind)).value)
    if kind is datetime:
        return "2026-01-01"
    if kind in {int, float}:
        return "1"
    return str(file)


def _arguments(command: Any, file: Path) -> list[str]:
    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        if param.param_type_name == "option":
            args += [param.opts[0], _dummy(param, file)]
        else:
            args.append(_dummy(param, file))
    return args


def test_the_operator_list_names_only_real_commands() -> None:
    assert set(OPERATOR_COMMANDS) | set(SELF_COMMANDS) <= set(ALL_COMMANDS)
    assert len(SIGNED) >= 30, "the walk found the command tree"


@pytest.mark.parametrize("path", SIGNED)
def test_no_command_acts_without_a_person_signing_in(
    console: Settings, path: str, tmp_path: Path
) -> None:
    command = ALL_COMMANDS[path]
    if path not in SELF_COMMANDS:
        names = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert "--as" in names, f"{path} takes no --as: it signs nobody in"
    file = tmp_path / "input.csv"
    file.write_text("plate\n7ABC123\n")
    services = build_services(console)
    try:
        before = len(services.store.access_log.find(AccessFilter()))
    finally:
        services.close()
    result = cli(*path.split(), *_arguments(command, file), password=None)
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, AuthenticationFailed), (result.output, result.exception)
    if path not in SELF_COMMANDS:
        assert "--as" in result.exception.message
    services = build_services(console)
    try:
        assert len(services.store.access_log.find(AccessFilter())) == before, "nothing was done"
    finally:
        services.close()
