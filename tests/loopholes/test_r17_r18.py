"""R17: there is no switch that shares with every recipient at once (statewide, nationwide,
pooled): no setting, policy key, rule field, route or command is one, and every request reaches
one recipient registered by the agency, logged. R18: sharing records stay in the system, and
recipients are re-reviewed on a schedule: one past its review date gets nothing, the custodian
is told which reviews are due, and the review is a logged act that sets the next date.
Store-backed tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

import platekeeper
from platekeeper.cli.main import app as cli_app
from platekeeper.config import Settings
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.policy import SharingPolicy
from platekeeper.domain.recipients import RecipientStatus, ShareRule, ShareStatus
from platekeeper.domain.sharing import SharingRules
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.sharing.service import RecipientReview, ShareOrder
from tests.conftest import NOW
from tests.sharing.conftest import ANALYST, CASEY, World, build_world
from tests.sharing.test_service import SHERIFF
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

TODAY = NOW.date()
# Words of a switch that shares with many at once.
_WIDE = re.compile(
    r"statewide|state_wide|nationwide|national|global|pool|broadcast|everyone|all_recipients"
    r"|share_all|network|federat|public_search|open_search|any_agency|all_agencies",
    re.IGNORECASE,
)
PACKAGE = Path(platekeeper.__file__).parent


@pytest.fixture
def world(store, tmp_path: Path) -> World:  # type: ignore[no-untyped-def]  # noqa: F811
    return build_world(store, tmp_path)


def _fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    names: list[str] = []
    for name, field in model.model_fields.items():
        names.append(prefix + name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(_fields(annotation, f"{prefix}{name}."))
    return names


def _order(recipient_id: str = "sheriff") -> ShareOrder:
    return ShareOrder(recipient_id, "stolen-vehicle", "2026-0042", plate="7ABC123")


# --- R17 ---------------------------------------------------------------------------------


def test_no_setting_policy_key_or_rule_is_a_switch_to_share_widely() -> None:
    names = [
        *_fields(Settings),
        *(f.name for f in dataclasses.fields(SharingPolicy)),
        *(f.name for f in dataclasses.fields(SharingRules)),
    ]
    assert len(names) > 20  # the walk saw the settings
    assert [n for n in names if _WIDE.search(n)] == []


def test_no_route_or_command_is_a_switch_to_share_widely() -> None:
    route = re.compile(r"\.(?:get|post|put|patch|delete|api_route)\(\s*\"([^\"]+)\"")
    paths = [
        path
        for folder in ("api", "web", "http")
        for source in (PACKAGE / folder).rglob("*.py")
        for path in route.findall(source.read_text(encoding="utf-8"))
    ]
    assert any("shar" in path for path in paths)  # the walk saw the sharing routes
    assert [p for p in paths if _WIDE.search(p)] == []
    commands: list[str] = []

    def walk(typer_app: object, prefix: str) -> None:
        for command in getattr(typer_app, "registered_commands", []):
            commands.append(f"{prefix} {command.name or command.callback.__name__}")
        for group in getattr(typer_app, "registered_groups", []):
            walk(group.typer_instance, f"{prefix} {group.name}")

    walk(cli_app, "")
    assert any("request" in c for c in commands)
    assert [c for c in commands if _WIDE.search(c.replace("-", "_"))] == []


@pytest.mark.parametrize("recipient_id", ["*", "all", "%", "everyone", "unregistered", " "])
def test_a_request_reaches_one_registered_recipient_only(world: World, recipient_id: str) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    with pytest.raises((NotFound, InvalidInput)):
        world.service.submit(CASEY, _order(recipient_id))
    assert world.sink.last.outcome is AccessOutcome.DENIED
    assert world.store.share_requests.list() == []


def test_another_agencys_recipient_is_not_in_reach(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    other = replace(CASEY, actor=replace(CASEY.actor, agency_id="other-pd"))
    with pytest.raises(NotFound):
        world.service.submit(other, _order())
    assert world.store.share_requests.list() == []


def test_every_request_is_logged_with_its_one_recipient(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    request = world.service.submit(CASEY, _order())
    logged = world.sink.last
    assert logged.action == "sharing:request"
    assert logged.query["recipient_id"] == "sheriff"
    assert logged.query["request_id"] == request.id


# --- R18 ---------------------------------------------------------------------------------


def test_an_overdue_recipient_gets_nothing_and_is_listed_as_due(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    assert world.service.due_reviews(CASEY, 30) == []
    assert [r.id for r in world.service.due_reviews(CASEY, 200)] == ["sheriff"]
    world.clock.advance(timedelta(days=181))
    refused = world.service.submit(CASEY, _order())
    assert refused.rule is ShareRule.REVIEW_OVERDUE
    assert refused.read_ids == ()
    assert [r.id for r in world.service.due_reviews(CASEY, 0)] == ["sheriff"]
    assert world.sink.last.action == "sharing:reviews-due"


def test_the_review_is_a_logged_act_that_sets_the_next_date(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    world.clock.advance(timedelta(days=181))
    today = world.clock.now().date()
    next_on = today + timedelta(days=180)
    finding = "Agreement current; requests this year were all for stolen vehicles."
    reviewed = world.service.review_recipient(
        CASEY, "sheriff", RecipientReview(True, finding, next_on)
    )
    assert reviewed.next_review_on == next_on
    stored = world.store.recipients.get("sheriff")
    assert stored is not None
    assert stored.next_review_on == next_on
    logged = world.sink.last
    assert logged.action == "sharing:recipient-review"
    assert logged.actor.username == "casey"
    assert logged.query["finding"] == finding
    assert logged.query["next_review_on"] == next_on.isoformat()
    assert world.service.submit(CASEY, _order()).status is ShareStatus.PENDING
    assert world.service.due_reviews(CASEY, 30) == []


def test_a_review_that_ends_the_need_suspends_the_recipient(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    finding = "No request in a year; the need no longer stands."
    world.service.review_recipient(
        CASEY, "sheriff", RecipientReview(False, finding, TODAY + timedelta(days=30))
    )
    stored = world.store.recipients.get("sheriff")
    assert stored is not None
    assert stored.status is RecipientStatus.SUSPENDED
    assert world.service.submit(CASEY, _order()).rule is ShareRule.RECIPIENT_INACTIVE


@pytest.mark.parametrize(
    ("finding", "days"),
    [
        ("Fine.", 180),  # no finding to speak of
        ("Agreement current, reviewed in full.", 0),  # the next review today
        ("Agreement current, reviewed in full.", -5),  # or in the past
        ("Agreement current, reviewed in full.", 367),  # or past a year
        ("Agreement current, reviewed in full.", 36500),
    ],
)
def test_a_review_without_a_finding_or_a_sensible_next_date_is_refused(
    world: World, finding: str, days: int
) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    review = RecipientReview(True, finding, TODAY + timedelta(days=days))
    with pytest.raises(InvalidInput):
        world.service.review_recipient(CASEY, "sheriff", review)
    stored = world.store.recipients.get("sheriff")
    assert stored is not None
    assert stored.next_review_on == SHERIFF.next_review_on
    assert world.sink.last.outcome is AccessOutcome.DENIED


def test_only_custodians_review_and_see_the_due_list(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    review = RecipientReview(True, "Agreement current, reviewed.", TODAY + timedelta(days=90))
    with pytest.raises(PermissionDenied):
        world.service.review_recipient(ANALYST, "sheriff", review)
    with pytest.raises(PermissionDenied):
        world.service.due_reviews(ANALYST)


def test_the_sharing_record_stays_in_the_system(world: World) -> None:
    """When, with whom, what and why: the request (purpose, case, reads) and the ledger entry
    (time, recipient, who exported, counts, digest) are both in the agency's own store."""
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    request = world.service.submit(CASEY, _order())
    cora = replace(CASEY, actor=replace(CASEY.actor, username="cora"))
    world.service.decide(cora, request.id, approve=True)
    bundle = world.service.export(cora, request.id)
    (entry,) = world.service.ledger(CASEY)
    assert entry == bundle.entry
    assert (entry.recipient_id, entry.request_id, entry.exported_by) == (
        "sheriff",
        request.id,
        "cora",
    )
    kept = world.store.share_requests.get(request.id)
    assert kept is not None
    assert (kept.purpose, kept.case_number) == ("stolen-vehicle", "2026-0042")
    assert kept.read_ids == request.read_ids
