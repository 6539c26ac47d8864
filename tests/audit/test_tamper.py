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
from platekeeper.audit.signing import CheckpointSigner
from platekeeper.config import AuditSettings
from platekeeper.domain.access import seal
from platekeeper.errors import Conflict
from platekeeper.store import Store
from tests.audit.conftest import RawSql, make_event
from tests.conftest import FixedClock

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


def test_purge_keeps_retention_and_starts_verification_at_the_anchor(
    access_log: AccessLog, store: Store, clock: FixedClock
) -> None:
    fill(access_log, 10)
    access_log.checkpoint()
    fill(access_log, 5, start=11)
    retention = timedelta(days=AuditSettings().retention_days)
    # Entries 1-10 reach retention, 11-15 not quite: only the checkpointed 1-10 go.
    later = clock.now() + retention + timedelta(minutes=10, seconds=30)
    assert access_log.purge(later, dry_run=True) == 10
    assert len(store.access_log.scan(0, 100)) == 15
    assert access_log.purge(later) == 10
    anchor = store.access_log.anchor()
    assert anchor is not None
    assert anchor.seq == 10
    assert [r.seq for r in store.access_log.scan(0, 100)] == list(range(11, 16))
    assert access_log.verify().intact
    assert access_log.purge(later) == 0
    fill(access_log, 1, start=16)
    assert store.access_log.scan(15, 1)[0].prev_hash == store.access_log.scan(14, 1)[0].entry_hash


def test_purge_without_a_checkpoint_removes_nothing(
    access_log: AccessLog, clock: FixedClock
) -> None:
    fill(access_log, 5)
    far = clock.now() + timedelta(days=AuditSettings().retention_days + 30)
    assert access_log.purge(far) == 0


def test_a_purged_log_that_is_emptied_still_chains_on(
    access_log: AccessLog, store: Store, clock: FixedClock
) -> None:
    fill(access_log, 4)
    access_log.checkpoint()
    far = clock.now() + timedelta(days=AuditSettings().retention_days + 30)
    assert access_log.purge(far) == 4
    assert store.access_log.scan(0, 10) == []
    record = access_log.record(make_event(5))
    assert record.seq == 5
    assert access_log.verify().intact
