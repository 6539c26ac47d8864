"""The access-log repository, the same on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.audit.pruning import PURGE_ACTION, statement_for
from platekeeper.audit.signing import CheckpointSigner
from platekeeper.domain.access import GENESIS_HASH, AccessEvent, AccessOutcome
from platekeeper.errors import Conflict
from platekeeper.store import Store
from platekeeper.store.protocols import AccessFilter, PurgeRange
from tests.audit.conftest import make_event
from tests.conftest import NOW


def test_appends_chain_from_genesis_and_read_back_exactly(store: Store) -> None:
    log = store.access_log
    assert log.head() is None
    first = log.append(make_event(1, at=NOW + timedelta(microseconds=123_457)))
    second = log.append(make_event(2, plate="ÄÖ-1 ✓"))
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert second.prev_hash == first.entry_hash
    head = log.head()
    assert head is not None
    assert (head.seq, head.entry_hash) == (2, second.entry_hash)
    stored = log.scan(0, 10)
    assert stored == [first, second]
    assert all(record.intact for record in stored)
    assert log.scan(1, 10) == [second]
    assert log.scan(0, 1) == [first]


def test_find_filters_newest_first(store: Store) -> None:
    log = store.access_log
    log.append(make_event(1, username="a", plate="AAA111"))
    log.append(make_event(2, username="b", plate="BBB222", case_number="2026-0009"))
    log.append(make_event(3, username="a", outcome=AccessOutcome.DENIED, plate=None))
    log.append(make_event(4, username="a", action="reads:view", plate="AAA111"))

    def seqs(**bounds: object) -> list[int]:
        return [r.seq for r in log.find(AccessFilter(**bounds))]  # type: ignore[arg-type]

    assert seqs() == [4, 3, 2, 1]
    assert seqs(username="a") == [4, 3, 1]
    assert seqs(plate="AAA111") == [4, 1]
    assert seqs(action="reads:view") == [4]
    assert seqs(outcome=AccessOutcome.DENIED) == [3]
    assert seqs(case_number="2026-0009") == [2]
    assert seqs(purpose_code="criminal-investigation") == [4, 3, 2, 1]
    assert seqs(purpose_code="stolen-vehicle") == []
    assert seqs(at_from=NOW + timedelta(minutes=2), at_before=NOW + timedelta(minutes=4)) == [3, 2]
    assert seqs(limit=1) == [4]
    assert seqs(limit=2, offset=1) == [3, 2]
    assert seqs(username="a", offset=2) == [1]
    assert seqs(usernames=("a", "b")) == [4, 3, 2, 1]
    assert seqs(usernames=("b", "c")) == [2]
    assert seqs(usernames=()) == []  # a name that matched nobody shows nobody's entries


def test_checkpoints_never_go_back(store: Store) -> None:
    log = store.access_log
    records = [log.append(make_event(n)) for n in range(1, 4)]
    signer = CheckpointSigner.generate()
    later = signer.sign(3, records[2].entry_hash, NOW)
    assert log.add_checkpoint(later)
    assert not log.add_checkpoint(later)
    assert not log.add_checkpoint(signer.sign(2, records[1].entry_hash, NOW))
    assert log.checkpoints() == [later]
    assert log.last_checkpoint() == later


def test_purge_stops_at_the_last_checkpointed_old_entry(store: Store) -> None:
    log = store.access_log
    records = [log.append(make_event(n)) for n in range(1, 7)]
    signer = CheckpointSigner.generate()
    for record in (records[1], records[4]):
        assert log.add_checkpoint(signer.sign(record.seq, record.entry_hash, NOW))
    cutoff = NOW + timedelta(minutes=4, seconds=30)  # entries 1-4 are older
    ranges: list[PurgeRange] = []

    def event_for(purge: PurgeRange) -> AccessEvent:
        ranges.append(purge)
        return statement_for(purge, NOW, cutoff, 1826).signed_by(signer).event()

    assert log.purge_before(cutoff, event_for, dry_run=True) == 2
    assert ranges == []
    assert log.purge_before(cutoff, event_for) == 2
    assert ranges == [PurgeRange(1, 2, GENESIS_HASH, records[1].entry_hash, records[1].event.at, 7)]
    left = log.scan(0, 10)
    assert [r.seq for r in left] == [3, 4, 5, 6, 7]
    assert left[-1].event.action == PURGE_ACTION
    assert log.purge_before(cutoff, event_for) == 0
    assert len(log.checkpoints()) == 2


def test_a_refused_purge_event_leaves_everything(store: Store) -> None:
    log = store.access_log
    records = [log.append(make_event(n)) for n in range(1, 4)]
    assert log.add_checkpoint(CheckpointSigner.generate().sign(2, records[1].entry_hash, NOW))

    def refuse(purge: PurgeRange) -> AccessEvent:
        raise Conflict("not old enough")

    with pytest.raises(Conflict):
        log.purge_before(NOW + timedelta(hours=1), refuse)
    assert log.scan(0, 10) == records
