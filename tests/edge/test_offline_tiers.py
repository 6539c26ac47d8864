"""Offline matching alerts on what the server would alert on, and on nothing else (issue 17):
exact and look-alike matches of the read or of its first alternative readings; one character
off only where the list's setting says so, ``auto`` decided by the list's chance at the server
and carried in the signed copy. The copy is issued by the server's own service, on each store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from platekeeper.domain import Camera, PlateCandidate
from platekeeper.domain.edge import decode_copy, encode_copy
from platekeeper.domain.hotlists import (
    OneOffPolicy,
)
from platekeeper.edge.hotlist_copy import HotlistCopyKeeper
from platekeeper.edge.queue import EdgeQueue
from platekeeper.services import Services
from tests.edge.conftest import listed
from tests.hotlists.test_tiers import crowd


def _keeper(services: Services, camera: Camera, folder: Path) -> HotlistCopyKeeper:
    """An agent's keeper holding the copy the server issues to ``camera`` now."""
    signed = services.hotlist_copies.issue(camera)
    keeper = HotlistCopyKeeper(EdgeQueue(folder / "queue.db"))
    keeper.accept(
        {
            "payload": signed.payload.decode("utf-8"),
            "signature": signed.signature,
            "public_key_pem": services.access_log.signer.public_key_pem(),
        }
    )
    return keeper


@pytest.fixture
def keeper(edge_services: Services, camera_key: str, tmp_path: Path) -> HotlistCopyKeeper:
    """A copy of four lists: 'stolen', set to ``auto`` and crowded (3,000 plates more, so that
    a random read comes one character off one of them far more often than ``auto`` allows),
    one set to alert on one-off matches, one set to record them, one small one set to auto."""
    listed(edge_services, "7ABC123")
    crowd(edge_services.store, 3000)
    listed(edge_services, "KXR4821", list_id="alerting", one_off=OneOffPolicy.ALERT)
    listed(edge_services, "5TRW903", list_id="recording", one_off=OneOffPolicy.RECORD)
    listed(edge_services, "4MNP218", list_id="small")
    camera = edge_services.store.cameras.get("patrol-7")
    assert camera is not None
    return _keeper(edge_services, camera, tmp_path)


def alerts(keeper: HotlistCopyKeeper, plate: str, *alternatives: str) -> set[tuple[str, str, int]]:
    """The entries (of the four lists' own plates) a read alerts on offline: id, kind, reading."""
    candidates = [PlateCandidate(text, 0.3) for text in alternatives]
    return {
        (match.entry.id, match.kind, match.reading)
        for match in keeper.match(plate, datetime.now(UTC), candidates)
        if not match.entry.id.startswith("crowd-")
    }


def test_the_copy_carries_the_servers_tiers(keeper: HotlistCopyKeeper) -> None:
    copy = keeper.copy
    assert copy is not None
    assert copy.alert_candidates == 3
    assert copy.one_off_alert_lists == {"alerting", "small"}


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("7ABC123", {("stolen-7ABC123", "exact", 0)}),
        ("7A8C1Z3", {("stolen-7ABC123", "confusable", 0)}),  # two look-alikes: alerts
        ("7A8CLZ3", set()),  # three look-alikes: not what a reader misreads
        ("7ABC128", set()),  # one off, on a list set to auto that is too large for it
        ("KXR4828", {("alerting-KXR4821", "one-off", 0)}),  # the list says alert
        ("5TRW908", set()),  # the list says record
        ("4MNP219", {("small-4MNP218", "one-off", 0)}),  # auto, and the list is small
    ],
)
def test_offline_alerts_follow_the_tiers(
    keeper: HotlistCopyKeeper, read: str, expected: set[tuple[str, str, int]]
) -> None:
    assert alerts(keeper, read) == expected


def test_the_right_reading_among_the_alternatives_alerts_offline(
    keeper: HotlistCopyKeeper,
) -> None:
    found = alerts(keeper, "9ZZZ999", "9ZZZ99", "5TRW9O3")
    assert found == {("recording-5TRW903", "confusable", 2)}
    # An alternative one character off is no alert, whatever its list says.
    assert alerts(keeper, "9ZZZ999", "KXR4828") == set()


def test_alternatives_past_the_servers_setting_are_not_matched_offline(
    edge_services: Services, camera_key: str, tmp_path: Path
) -> None:
    listed(edge_services, "7ABC123")
    camera = edge_services.store.cameras.get("patrol-7")
    assert camera is not None
    keeper = _keeper(edge_services, camera, tmp_path)
    assert alerts(keeper, "9ZZZ999", "9ZZZ998", "9ZZZ997", "7ABC123") == {
        ("stolen-7ABC123", "exact", 3)
    }
    assert alerts(keeper, "9ZZZ999", "9ZZZ998", "9ZZZ997", "9ZZZ996", "7ABC123") == set()


def test_a_copy_from_before_tiers_alerts_on_the_reads_own_text_and_no_one_off(
    keeper: HotlistCopyKeeper,
) -> None:
    assert keeper.copy is not None
    document = json.loads(encode_copy(keeper.copy))
    del document["alert_candidates"], document["one_off_alert_lists"]
    older = decode_copy(json.dumps(document).encode("utf-8"))
    assert (older.alert_candidates, older.one_off_alert_lists) == (0, frozenset())
