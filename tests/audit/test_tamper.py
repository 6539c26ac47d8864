"""Tampering with a real database, both backends, as someone with database access would: the
append-only triggers are switched off first, then rows are changed with plain SQL. ``verify``
names the kind of change and the first entry at fault."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest

from platekeeper.audit import AccessLog, ProblemKind, VerificationReport
from platekeeper.audit.export import parse_lines
from platekeeper.audit.pruning import PURGE_ACTION, PurgeStatement, statement_for
from platekeeper.audit.signing import CheckpointSigner
from platekeeper.config import AuditSettings
from platekeeper.domain.access import GENESIS_HASH, AccessEvent, seal
from platekeeper.errors import Conflict
from platekeeper.store import Store
from platekeeper.store.protocols import PurgeRange
from platekeeper.store.sqlite import SqliteStore
from tests.audit.conftest import RawSql, make_event
from tests.conftest import NOW, FixedClock

ENTRIES = 20


def fill(log: AccessLog, count: int = ENTRIES, start: int = 1) -> None:
    for index in range(start, start + count):
        log.record(make_event(index))


@pytest.fixture
def written(access_log: AccessLog, raw: RawSql) -> AccessLog:
    """Twenty entries, checkpoints after the 10th and the 20th, triggers off."""
    fill(access_log, 10)
    assert access_log.checkpoint() is not None
    fill(access_log, 10, start=11)
    assert access_log.checkpoint() is not None
    assert access_log.verify().intact
    raw.disable_triggers()
    return access_log


def named(report: VerificationReport) -> tuple[ProblemKind, int]:
    assert report.first_problem is not None, report.summary()
    return report.first_problem.kind, report.first_problem.seq


def test_an_untouched_log_verifies(written: AccessLog) -> None:
    report = written.verify()
    assert report.intact
    assert (report.entries_checked, report.checkpoints_checked) == (ENTRIES, 2)


def test_an_updated_field_is_modified(written: AccessLog, raw: RawSql) -> None:
    raw.execute("UPDATE access_log SET username = 'someone-else' WHERE seq = 7")
    report = written.verify()
    assert named(report) == (ProblemKind.MODIFIED, 7)
    assert report.first_problem is not None
    assert "entry 7 (2026-11-28 12:07:00 UTC, reads:search)" in report.first_problem.message


def test_a_deleted_entry_is_deleted(written: AccessLog, raw: RawSql) -> None:
    raw.execute("DELETE FROM access_log WHERE seq = 7")
    assert named(written.verify()) == (ProblemKind.DELETED, 7)


def test_a_deletion_hidden_by_renumbering_is_deleted(written: AccessLog, raw: RawSql) -> None:
    raw.execute("DELETE FROM access_log WHERE seq = 7")
    raw.renumber_from(8, -1)
    assert named(written.verify()) == (ProblemKind.DELETED, 7)


def test_a_forged_entry_inserted_by_renumbering_is_inserted(
    written: AccessLog, raw: RawSql, store: Store
) -> None:
    before = store.access_log.scan(5, 1)[0]
    raw.renumber_from(7, 1)
    raw.insert(seal(7, make_event(70, username="forger"), before.entry_hash))
    assert named(written.verify()) == (ProblemKind.INSERTED, 7)


def test_a_naively_appended_entry_is_caught(written: AccessLog, raw: RawSql, store: Store) -> None:
    # Someone who does not know the hash encoding chains a row to the head and makes up a hash.
    head = store.access_log.head()
    assert head is not None
    forged = seal(ENTRIES + 1, make_event(99, username="forger"), head.entry_hash)
    raw.insert(dataclasses.replace(forged, entry_hash="d" * 64))
    report = written.verify()
    assert named(report) == (ProblemKind.MODIFIED, ENTRIES + 1)
    assert report.first_problem is not None
    assert "forged" in report.first_problem.message


def test_two_swapped_entries_are_reordered(written: AccessLog, raw: RawSql) -> None:
    raw.swap(7, 8)
    assert named(written.verify()) == (ProblemKind.REORDERED, 7)


def test_a_tail_cut_after_a_checkpoint_is_truncated(written: AccessLog, raw: RawSql) -> None:
    raw.execute("DELETE FROM access_log WHERE seq > 15")
    report = written.verify()
    assert named(report) == (ProblemKind.TRUNCATED, 16)
    assert report.first_problem is not None
    assert "entries 16-20 were removed" in report.first_problem.message


def test_a_cut_tail_that_grew_again_shows(written: AccessLog, raw: RawSql) -> None:
    raw.execute("DELETE FROM access_log WHERE seq > 15")
    fill(written, 10, start=30)
    assert named(written.verify()) == (ProblemKind.REWRITTEN, 20)


def test_a_deleted_checkpoint_is_caught_by_the_ones_held_outside(
    written: AccessLog, raw: RawSql
) -> None:
    held, keys = parse_lines(written.export_checkpoints(), "export")
    raw.execute("DELETE FROM access_log_checkpoints WHERE seq = 20")
    raw.execute("DELETE FROM access_log WHERE seq > 15")
    # Without the export the cut is invisible: that is what holding checkpoints outside is for.
    assert written.verify().intact
    report = written.verify(extra_checkpoints=held, public_keys=keys)
    assert named(report) == (ProblemKind.TRUNCATED, 16)
    raw.execute("DELETE FROM access_log_checkpoints WHERE seq = 10")
    report = written.verify(extra_checkpoints=held, public_keys=keys)
    assert named(report) == (ProblemKind.CHECKPOINT_DELETED, 10)


def test_a_forged_checkpoint_signature_is_caught(written: AccessLog, raw: RawSql) -> None:
    raw.execute("UPDATE access_log_checkpoints SET signature = ? WHERE seq = 10", ("ab" * 64,))
    assert named(written.verify()) == (ProblemKind.BAD_CHECKPOINT, 10)


def test_a_checkpoint_resigned_with_another_key_is_caught_by_the_held_key(
    store: Store, raw: RawSql, clock: FixedClock, signer: CheckpointSigner
) -> None:
    log = AccessLog(store.access_log, signer, clock, AuditSettings())
    fill(log, 5)
    log.checkpoint()
    raw.disable_triggers()
    raw.execute("DELETE FROM access_log_checkpoints")
    raw.execute("UPDATE access_log SET reason = 'edited' WHERE seq = 3")
    impostor = AccessLog(store.access_log, CheckpointSigner.generate(), clock, AuditSettings())
    raw.execute("DELETE FROM access_log WHERE seq >= 3")
    fill(impostor, 3, start=3)
    impostor.checkpoint()
    assert impostor.verify().intact  # by the impostor's own key all is well
    report = impostor.verify(public_keys=[signer.public_key])
    assert named(report) == (ProblemKind.BAD_CHECKPOINT, 5)


def test_the_triggers_refuse_changes_and_deletions(store: Store, raw: RawSql) -> None:
    log = AccessLog(store.access_log, CheckpointSigner.generate(), FixedClock(), AuditSettings())
    fill(log, 3)
    log.checkpoint()
    for statement in (
        "UPDATE access_log SET reason = 'x' WHERE seq = 2",
        "DELETE FROM access_log WHERE seq = 2",
        "DELETE FROM access_log_checkpoints",
        "UPDATE access_log_checkpoints SET seq = 1",
    ):
        with pytest.raises(Exception, match="access log"):
            raw.execute(statement)
    assert log.verify().intact


def test_concurrent_appends_keep_one_contiguous_chain(access_log: AccessLog, store: Store) -> None:
    threads, each = 8, 25

    def append(worker: int) -> None:
        for index in range(each):
            access_log.record(make_event(worker * 1000 + index, username=f"user{worker}"))

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    records = store.access_log.scan(0, 10_000)
    assert [r.seq for r in records] == list(range(1, threads * each + 1))
    report = access_log.verify()
    assert report.intact
    assert report.entries_checked == threads * each


def test_checkpoint_refuses_to_sign_a_damaged_chain(written: AccessLog, raw: RawSql) -> None:
    fill(written, 3, start=21)
    raw.execute("UPDATE access_log SET reason = 'edited' WHERE seq = 22")
    with pytest.raises(Conflict, match="damaged"):
        written.checkpoint()


RETENTION = timedelta(days=AuditSettings().retention_days)


def test_purge_keeps_retention_and_leaves_a_signed_event(
    access_log: AccessLog, store: Store, clock: FixedClock
) -> None:
    fill(access_log, 10)
    access_log.checkpoint()
    fill(access_log, 5, start=11)
    # Entries 1-10 reach retention, 11-15 not quite: only the checkpointed 1-10 go.
    clock.advance(RETENTION + timedelta(minutes=10, seconds=30))
    assert access_log.purge(dry_run=True) == 10
    assert len(store.access_log.scan(0, 100)) == 15
    assert access_log.purge() == 10
    left = store.access_log.scan(0, 100)
    assert [r.seq for r in left] == list(range(11, 17))
    event = left[-1].event
    assert event.action == PURGE_ACTION
    assert (event.query["first_seq"], event.query["last_seq"]) == ("1", "10")
    assert left[0].prev_hash == event.query["last_hash"]
    report = access_log.verify()
    assert report.intact, report.summary()
    assert access_log.purge() == 0
    fill(access_log, 1, start=17)
    assert store.access_log.scan(16, 1)[0].prev_hash == left[-1].entry_hash
    assert access_log.verify().intact


def test_a_second_purge_continues_where_the_first_stopped(
    access_log: AccessLog, store: Store, clock: FixedClock
) -> None:
    fill(access_log, 4)
    access_log.checkpoint()
    clock.advance(RETENTION + timedelta(days=1))
    assert access_log.purge() == 4  # the event is entry 5
    fill(access_log, 3, start=6)
    access_log.checkpoint()
    clock.advance(RETENTION + timedelta(days=1))
    assert access_log.purge() == 4  # entries 5-8, the first purge event with them
    left = store.access_log.scan(0, 100)
    assert [r.seq for r in left] == [9]
    assert left[0].event.query["first_seq"] == "5"
    assert access_log.verify().intact


def test_purge_without_a_checkpoint_removes_nothing(
    access_log: AccessLog, clock: FixedClock
) -> None:
    fill(access_log, 5)
    clock.advance(RETENTION + timedelta(days=30))
    assert access_log.purge() == 0


def test_nothing_inside_retention_is_purged(access_log: AccessLog, clock: FixedClock) -> None:
    fill(access_log, 5)
    access_log.checkpoint()
    clock.advance(RETENTION - timedelta(days=1))
    assert access_log.purge() == 0


def test_a_purged_log_that_is_emptied_still_chains_on(
    access_log: AccessLog, store: Store, clock: FixedClock
) -> None:
    fill(access_log, 4)
    access_log.checkpoint()
    clock.advance(RETENTION + timedelta(days=30))
    assert access_log.purge() == 4
    assert [r.event.action for r in store.access_log.scan(0, 10)] == [PURGE_ACTION]
    record = access_log.record(make_event(6))
    assert record.seq == 6
    assert access_log.verify().intact


# --- what retention's purge allows an insider ---------------------------------------------------


def forged_purge(store: Store, last_seq: int, signer: CheckpointSigner | None = None) -> None:
    """Append, through the store as any writer can, a purge event naming entries 1-``last_seq``,
    with a cutoff that lets every one go; signed by ``signer``, or with a made-up signature."""
    head = store.access_log.head()
    assert head is not None
    last = store.access_log.scan(last_seq - 1, 1)[0]
    at = NOW + timedelta(hours=1)
    statement = PurgeStatement(
        event_seq=head.seq + 1,
        at=at,
        first_seq=1,
        last_seq=last_seq,
        before_hash=GENESIS_HASH,
        last_hash=last.entry_hash,
        newest_at=last.event.at,
        cutoff=at.replace(microsecond=0) - RETENTION,
        retention_days=RETENTION.days,
    )
    if signer is None:
        statement = dataclasses.replace(statement, key_id="0" * 16, signature="ab" * 64)
    else:
        statement = statement.signed_by(signer)
    event = statement.event()
    # The cutoff it claims (the database cannot check the signature) lets the rows go.
    event = dataclasses.replace(event, query={**event.query, "cutoff": "2100-01-01T00:00:00Z"})
    store.access_log.append(event)


def test_the_anchor_trick_is_an_unaccounted_gap(written: AccessLog, raw: RawSql) -> None:
    held, keys = parse_lines(written.export_checkpoints(), "export")
    raw.execute("DELETE FROM access_log WHERE seq <= 10")
    for report in (written.verify(), written.verify(extra_checkpoints=held, public_keys=keys)):
        assert named(report) == (ProblemKind.UNACCOUNTED_GAP, 1)
        assert report.first_problem is not None
        assert "entries 1-10 are missing" in report.first_problem.message


@pytest.mark.parametrize("signed_by", ["nobody", "another key"])
def test_a_forged_purge_event_accounts_for_nothing(
    access_log: AccessLog, store: Store, raw: RawSql, signed_by: str
) -> None:
    fill(access_log, 10)
    access_log.checkpoint()
    held, keys = parse_lines(access_log.export_checkpoints(), "export")
    forged_purge(store, 10, None if signed_by == "nobody" else CheckpointSigner.generate())
    # The triggers are on: the forged event is what lets the delete through.
    raw.execute("DELETE FROM access_log WHERE seq <= 10")
    for report in (
        access_log.verify(),
        access_log.verify(extra_checkpoints=held, public_keys=keys),
    ):
        assert named(report) == (ProblemKind.UNACCOUNTED_GAP, 1)
        assert report.first_problem is not None
        assert "purge event" in report.first_problem.message


def test_a_genuine_purge_event_copied_elsewhere_accounts_for_nothing(
    access_log: AccessLog, store: Store, raw: RawSql, clock: FixedClock
) -> None:
    fill(access_log, 4)
    access_log.checkpoint()
    fill(access_log, 4, start=5)
    access_log.checkpoint()
    clock.advance(RETENTION + timedelta(minutes=4, seconds=30))
    assert access_log.purge() == 4
    genuine = store.access_log.scan(8, 1)[0]
    assert genuine.event.action == PURGE_ACTION
    # Entries 5-8 are young; copy the event (signature and all) to the head, then delete them.
    query = {**genuine.event.query, "last_seq": "8"}
    store.access_log.append(dataclasses.replace(genuine.event, query=query))
    raw.disable_triggers()
    raw.execute("DELETE FROM access_log WHERE seq <= 9")
    report = access_log.verify()
    assert named(report) == (ProblemKind.UNACCOUNTED_GAP, 1)


def test_a_purge_inside_retention_is_named_even_when_signed(
    access_log: AccessLog, store: Store, signer: CheckpointSigner, clock: FixedClock
) -> None:
    # Someone holding the key and the code purges entries minutes old through the store.
    fill(access_log, 10)
    access_log.checkpoint()
    clock.advance(timedelta(hours=1))
    now = clock.now()
    cutoff = now.replace(microsecond=0)

    def event_for(purge: PurgeRange) -> AccessEvent:
        statement = statement_for(purge, now, cutoff, RETENTION.days)
        return statement.signed_by(signer).event()

    assert store.access_log.purge_before(cutoff, event_for) == 10
    report = access_log.verify()
    assert report.first_problem is not None
    assert report.first_problem.kind in {
        ProblemKind.UNACCOUNTED_GAP,
        ProblemKind.PURGE_INSIDE_RETENTION,
    }
    assert "less than 1826 days before the purge" in report.first_problem.message


def test_deleting_the_purge_event_shows(
    access_log: AccessLog, store: Store, raw: RawSql, clock: FixedClock
) -> None:
    fill(access_log, 4)
    access_log.checkpoint()
    clock.advance(RETENTION + timedelta(days=1))
    assert access_log.purge() == 4
    fill(access_log, 2, start=6)
    raw.disable_triggers()
    raw.execute("DELETE FROM access_log WHERE seq = 5")
    assert not access_log.verify().intact


def test_the_database_lets_entries_go_only_under_a_purge_event(
    access_log: AccessLog, store: Store, raw: RawSql
) -> None:
    fill(access_log, 5)
    access_log.checkpoint()
    head = store.access_log.head()
    assert head is not None
    for statement in (
        "DELETE FROM access_log WHERE seq <= 3",
        "DELETE FROM access_log",
        "INSERT INTO access_log_anchor (id, seq, entry_hash, purged_before) VALUES (1, 5, 'x', 0)",
    ):
        with pytest.raises(Exception, match=r"access log|access_log_anchor"):
            raw.execute(statement)
    # Rows join the chain only at its head, chained to it.
    with pytest.raises(Exception, match="appended at the head"):
        raw.insert(seal(3, make_event(3), GENESIS_HASH))
    with pytest.raises(Exception, match="appended at the head"):
        raw.insert(seal(head.seq + 1, make_event(9), GENESIS_HASH))
    assert access_log.verify().intact


# --- checkpoints edited --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE access_log_checkpoints SET entry_hash = ? WHERE seq = 10",
        "UPDATE access_log_checkpoints SET seq = 12 WHERE seq = 10",
        "UPDATE access_log_checkpoints SET signature = ? WHERE seq = 10",
        "UPDATE access_log_checkpoints SET signed_at = signed_at - 1000000 WHERE seq = 20",
        "DELETE FROM access_log_checkpoints WHERE seq = 10",
        "INSERT INTO access_log_checkpoints (seq, entry_hash, signed_at, key_id, signature)"
        " SELECT 15, ?, signed_at, key_id, signature FROM access_log_checkpoints WHERE seq = 10",
    ],
)
def test_an_edited_checkpoint_never_goes_unseen(
    written: AccessLog, raw: RawSql, store: Store, edit: str
) -> None:
    held, keys = parse_lines(written.export_checkpoints(), "export")
    if "signed_at - 1000000" in edit and not isinstance(store, SqliteStore):
        edit = edit.replace("- 1000000", "- interval '1 second'")
    raw.execute(edit, ("ab" * 32,) if "?" in edit else ())
    report = written.verify(extra_checkpoints=held, public_keys=keys)
    assert not report.intact, edit
    assert report.first_problem is not None
    assert report.first_problem.kind in {
        ProblemKind.BAD_CHECKPOINT,
        ProblemKind.CHECKPOINT_DELETED,
    }
