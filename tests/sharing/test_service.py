"""The sharing service: requests checked at once, approved by another custodian, exported as a
bundle that the access log and the ledger record."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.recipients import Recipient, ShareRule, ShareStatus
from platekeeper.domain.sharing import EntityType
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.sharing.bundle import verify_bundle
from platekeeper.sharing.service import RecipientDraft, ShareOrder
from tests.conftest import NOW
from tests.sharing.conftest import ANALYST, CASEY, CORA, World
from tests.sharing.samples import CURRENT

SHERIFF = RecipientDraft(
    legal_name="Sacramento County Sheriff's Office",
    entity_type=EntityType.PUBLIC_AGENCY,
    state="CA",
    contact="records@sheriff.example.org",
    approving_official="Captain R. Reyes",
    purpose_and_need="Vehicle theft investigations crossing into the county.",
    next_review_on=NOW.date() + timedelta(days=180),
    agreement=CURRENT,
)
NEVADA = RecipientDraft(
    legal_name="Washoe County Sheriff's Office",
    entity_type=EntityType.PUBLIC_AGENCY,
    state="NV",
    contact="records@washoe.example.org",
    approving_official="Lt. M. Moss",
    purpose_and_need="Auto theft task force.",
    next_review_on=NOW.date() + timedelta(days=180),
    agreement=CURRENT,
)


def _order(recipient_id: str = "sheriff", **changes: object) -> ShareOrder:
    fields: dict[str, object] = {
        "recipient_id": recipient_id,
        "purpose": "stolen-vehicle",
        "case_number": "2026-0042",
        "plate": "7ABC123",
    }
    fields.update(changes)
    return ShareOrder(**fields)  # type: ignore[arg-type]


def _registered(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    # Registered before the rules refused it: the registry now refuses it outright.
    world.store.recipients.add(_stored(NEVADA, "washoe"))


def _stored(draft: RecipientDraft, recipient_id: str) -> Recipient:
    return Recipient(
        recipient_id,
        "demo-pd",
        draft.legal_name,
        draft.entity_type,
        draft.state,
        draft.contact,
        draft.approving_official,
        draft.purpose_and_need,
        draft.next_review_on,
        NOW,
        draft.agreement,
    )


def test_an_allowed_request_waits_for_a_custodian(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order())
    assert request.status is ShareStatus.PENDING
    assert set(request.read_ids) == {world.reads[0].id, world.reads[1].id}
    assert world.sink.last.action == "sharing:request"
    assert world.sink.last.outcome is AccessOutcome.ALLOWED
    assert world.sink.last.case_number == "2026-0042"


def test_an_out_of_state_request_is_refused_citing_the_rule_and_touches_no_reads(
    world: World,
) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order("washoe"))
    assert request.status is ShareStatus.REFUSED
    assert request.rule is ShareRule.STATE
    assert request.citation is not None
    assert "2023-DLE-06" in request.citation
    assert request.read_ids == ()
    assert world.store.share_requests.get(request.id) == request
    event = world.sink.last
    assert event.outcome is AccessOutcome.DENIED
    assert "2023-DLE-06" in event.reason
    assert event.read_ids == ()


def test_too_many_reads_is_refused(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order(plate="6BULK00"))
    assert request.rule is ShareRule.TOO_MANY_READS
    assert request.citation is not None
    assert "max_reads_per_request" in request.citation


def test_there_is_no_request_for_everything(world: World) -> None:
    _registered(world)
    with pytest.raises(InvalidInput, match="names a plate or specific read ids"):
        world.service.submit(CASEY, _order(plate=None))
    assert world.sink.last.outcome is AccessOutcome.DENIED
    assert world.store.share_requests.list() == []


def test_read_ids_of_another_agency_or_none_are_refused(world: World) -> None:
    _registered(world)
    with pytest.raises(InvalidInput, match="no such reads"):
        world.service.submit(CASEY, _order(plate=None, read_ids=("nope",)))
    ok = world.service.submit(CASEY, _order(plate=None, read_ids=(world.reads[2].id,)))
    assert ok.read_ids == (world.reads[2].id,)


def test_only_custodians_manage_sharing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        world.service.add_recipient(ANALYST, SHERIFF)
    assert world.sink.last.outcome is AccessOutcome.DENIED
    assert world.store.recipients.list() == []


def test_nobody_approves_their_own_entry(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order())
    with pytest.raises(PermissionDenied, match="they entered"):
        world.service.decide(CASEY, request.id, approve=True)
    assert world.sink.last.outcome is AccessOutcome.DENIED
    approved = world.service.decide(CORA, request.id, approve=True)
    assert approved.status is ShareStatus.APPROVED
    assert approved.decided_by == "cora"


def test_a_lapsed_agreement_stops_the_approval(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order())
    world.clock.advance(timedelta(days=800))
    with pytest.raises(PermissionDenied, match="rule agreement"):
        world.service.decide(CORA, request.id, approve=True)


def test_a_request_not_approved_is_not_exported(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order())
    with pytest.raises(InvalidInput, match="not approved"):
        world.service.export(CORA, request.id)
    with pytest.raises(NotFound):
        world.service.export(CORA, "no-such-request")


def test_the_bundle_matches_its_manifest_and_is_logged_and_ledgered(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order())
    world.service.decide(CORA, request.id, approve=True)
    bundle = world.service.export(CORA, request.id)

    assert verify_bundle(bundle.data) == []
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["recipient"]["legal_name"] == SHERIFF.legal_name
    assert (manifest["purpose"], manifest["case_number"]) == ("stolen-vehicle", "2026-0042")
    assert manifest["approved_by"] == "cora"
    assert manifest["exported_by"] == "cora"
    assert {f["path"] for f in manifest["files"]} == {
        "reads.json",
        f"images/{world.reads[0].id}-crop.jpg",
        f"images/{world.reads[0].id}-full.jpg",
    }
    reads = json.loads(archive.read("reads.json"))["reads"]
    assert {r["plate_text"] for r in reads} == {"7ABC123"}
    assert all(r["camera"]["name"] and r["captured_at"] for r in reads)

    event = world.sink.last
    assert event.action == "sharing:export"
    assert event.outcome is AccessOutcome.ALLOWED
    assert set(event.read_ids) == set(request.read_ids)
    assert len(event.image_refs) == 2
    assert event.query["bundle_sha256"] == bundle.entry.bundle_sha256

    (entry,) = world.store.sharing_ledger.list("demo-pd")
    assert entry == bundle.entry
    assert (entry.read_count, entry.image_count) == (2, 2)
    assert "7ABC123" not in repr(entry)
    exported = world.store.share_requests.get(request.id)
    assert exported is not None
    assert exported.status is ShareStatus.EXPORTED


def test_a_tampered_bundle_fails_verification(world: World) -> None:
    _registered(world)
    request = world.service.submit(CASEY, _order())
    world.service.decide(CORA, request.id, approve=True)
    original = zipfile.ZipFile(io.BytesIO(world.service.export(CORA, request.id).data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as tampered:
        for name in original.namelist():
            data = original.read(name)
            tampered.writestr(name, data.replace(b"7ABC123", b"7ABC124"))
    assert verify_bundle(buffer.getvalue()) == ["reads.json does not match its digest"]


def test_the_public_list_has_no_contact_details(world: World) -> None:
    _registered(world)
    published = world.service.published()
    # Washoe is on record but the rules refuse it: it is not published as a recipient.
    assert [p.legal_name for p in published] == [SHERIFF.legal_name]
    text = repr(published)
    for secret in ("records@", "Reyes", "Moss", "theft"):
        assert secret not in text


def test_the_reads_picked_to_share_are_shown_without_plates_and_bounded(world: World) -> None:
    picked = tuple(read.id for read in world.reads[:2])
    shown = world.service.selection(CASEY, picked)
    assert [(read.id, read.captured_at) for read in shown] == [
        (read.id, read.captured_at) for read in world.reads[:2]
    ]
    assert world.sink.last.action == "sharing:select"
    assert world.sink.last.read_ids == picked
    with pytest.raises(InvalidInput, match="a request shares 5 at most"):
        world.service.selection(CASEY, tuple(read.id for read in world.reads[:6]))
    with pytest.raises(NotFound, match="no such reads in your agency: nope"):
        world.service.selection(CASEY, (picked[0], "nope"))
    assert world.sink.last.outcome is AccessOutcome.DENIED
    with pytest.raises(PermissionDenied):
        world.service.selection(ANALYST, picked)
