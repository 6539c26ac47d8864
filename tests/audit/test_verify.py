"""Verification over chains held in memory: each kind of tampering is named at its entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.audit.pruning import PurgeStatement
from platekeeper.audit.signing import CheckpointSigner
from platekeeper.audit.verify import ProblemKind, VerificationReport, verify_log, verify_segment
from platekeeper.domain.access import GENESIS_HASH, AccessRecord, ChainPoint, Checkpoint, seal
from tests.audit.conftest import chain, make_event
from tests.conftest import NOW


def run(
    records: Sequence[AccessRecord],
    signer: CheckpointSigner,
    stored: Sequence[Checkpoint] = (),
    *,
    external: Sequence[Checkpoint] = (),
) -> VerificationReport:
    return verify_log(
        iter(records),
        stored=stored,
        external=external,
        keys={signer.key_id: signer.public_key},
    )


def sign_at(signer: CheckpointSigner, record: AccessRecord, minutes: int = 0) -> Checkpoint:
    return signer.sign(record.seq, record.entry_hash, NOW + timedelta(hours=1, minutes=minutes))


def problem_of(report: VerificationReport) -> tuple[ProblemKind, int]:
    assert report.first_problem is not None, report
    assert not report.intact
    return report.first_problem.kind, report.first_problem.seq


def message_of(report: VerificationReport) -> str:
    assert report.first_problem is not None
    return report.first_problem.message


def renumbered(records: Sequence[AccessRecord], from_seq: int, by: int) -> list[AccessRecord]:
    return [replace(r, seq=r.seq + by) if r.seq >= from_seq else r for r in records]


def test_an_untouched_chain_is_intact(signer: CheckpointSigner) -> None:
    records = chain(20)
    report = run(records, signer, [sign_at(signer, records[9]), sign_at(signer, records[19], 5)])
    assert report.intact
    assert report.first_problem is None
    assert (report.entries_checked, report.checkpoints_checked) == (20, 2)
    assert (report.first_seq, report.last_seq) == (1, 20)
    assert report.summary().startswith("Access log intact: 20 entries (1-20)")


def test_an_empty_log_is_intact(signer: CheckpointSigner) -> None:
    assert run([], signer).intact


def test_the_records_are_streamed_not_collected(signer: CheckpointSigner) -> None:
    def records() -> Iterator[AccessRecord]:
        yield from chain(5)

    assert verify_log(records(), stored=(), keys={}).entries_checked == 5


def test_a_changed_field_is_modified(signer: CheckpointSigner) -> None:
    records = chain(10)
    records[4] = replace(records[4], event=replace(records[4].event, reason="edited"))
    report = run(records, signer)
    assert problem_of(report) == (ProblemKind.MODIFIED, 5)
    assert "entry 5 (2026-11-28 12:05:00 UTC, reads:search)" in message_of(report)
    assert report.entries_checked == 4


def test_a_changed_entry_with_its_hash_redone_breaks_the_next_link(
    signer: CheckpointSigner,
) -> None:
    records = chain(10)
    records[4] = seal(5, replace(records[4].event, reason="edited"), records[4].prev_hash)
    assert problem_of(run(records, signer)) == (ProblemKind.DELETED, 6)


def test_a_gap_is_a_deletion(signer: CheckpointSigner) -> None:
    records = chain(10)
    del records[4]
    report = run(records, signer)
    assert problem_of(report) == (ProblemKind.DELETED, 5)
    assert "entries 5-5 are missing" in message_of(report)


def test_a_deletion_closed_by_renumbering_is_a_deletion(signer: CheckpointSigner) -> None:
    records = chain(10)
    del records[4]
    assert problem_of(run(renumbered(records, 6, -1), signer)) == (ProblemKind.DELETED, 5)


def test_the_first_entry_deleted(signer: CheckpointSigner) -> None:
    assert problem_of(run(chain(10)[1:], signer)) == (ProblemKind.UNACCOUNTED_GAP, 1)


@pytest.mark.parametrize("hashed", [True, False], ids=["hash-redone", "hash-guessed"])
def test_an_entry_inserted_by_renumbering_is_inserted(
    signer: CheckpointSigner, hashed: bool
) -> None:
    records = chain(10)
    forged = seal(5, make_event(99), records[3].entry_hash)
    if not hashed:
        forged = replace(forged, entry_hash="f" * 64)
    tampered = renumbered(records, 5, 1)
    tampered.insert(4, forged)
    report = run(tampered, signer)
    assert problem_of(report) == (ProblemKind.INSERTED, 5)


def test_a_naive_append_with_a_guessed_hash_is_caught(signer: CheckpointSigner) -> None:
    records = chain(10)
    forged = replace(seal(11, make_event(11), records[-1].entry_hash), entry_hash="a" * 64)
    report = run([*records, forged], signer)
    assert problem_of(report) == (ProblemKind.MODIFIED, 11)
    assert "forged" in message_of(report)


def test_an_append_by_someone_who_knows_the_format_is_not_seen(signer: CheckpointSigner) -> None:
    # The documented limit: after the last checkpoint, a well-made entry is indistinguishable.
    records = chain(10)
    forged = seal(11, make_event(11), records[-1].entry_hash)
    assert run([*records, forged], signer, [sign_at(signer, records[-1])]).intact


@pytest.mark.parametrize(("first", "second"), [(5, 6), (3, 9)])
def test_two_swapped_entries_are_reordered(
    signer: CheckpointSigner, first: int, second: int
) -> None:
    records = chain(10)
    a, b = records[first - 1], records[second - 1]
    records[first - 1], records[second - 1] = replace(b, seq=first), replace(a, seq=second)
    report = run(records, signer)
    assert problem_of(report) == (ProblemKind.REORDERED, first)
    assert f"was written as entry {second}" in message_of(report)


def test_a_tail_cut_after_a_checkpoint_is_truncated(signer: CheckpointSigner) -> None:
    records = chain(10)
    report = run(records[:7], signer, [sign_at(signer, records[9])])
    assert problem_of(report) == (ProblemKind.TRUNCATED, 8)
    assert "entries 8-10 were removed" in message_of(report)


def test_a_rewrite_with_every_hash_redone_shows_at_the_checkpoint(
    signer: CheckpointSigner,
) -> None:
    records = chain(10)
    checkpoints = [sign_at(signer, records[2]), sign_at(signer, records[7], 5)]
    rewritten = records[:4]
    for original in records[4:]:
        event = replace(original.event, reason="rewritten")
        rewritten.append(seal(original.seq, event, rewritten[-1].entry_hash))
    report = run(rewritten, signer, checkpoints)
    assert problem_of(report) == (ProblemKind.REWRITTEN, 8)
    assert "rewritten after entry 3" in message_of(report)


def test_a_forged_signature_is_a_bad_checkpoint(signer: CheckpointSigner) -> None:
    records = chain(10)
    good = sign_at(signer, records[9])
    forged = replace(good, signature="00" * 64)
    assert problem_of(run(records, signer, [forged])) == (ProblemKind.BAD_CHECKPOINT, 10)
    moved = replace(good, seq=9, entry_hash=records[8].entry_hash)
    assert problem_of(run(records, signer, [moved])) == (ProblemKind.BAD_CHECKPOINT, 9)


def test_a_checkpoint_by_an_untrusted_key_is_a_bad_checkpoint(signer: CheckpointSigner) -> None:
    records = chain(10)
    other = sign_at(CheckpointSigner.generate(), records[9])
    report = run(records, signer, [other])
    assert problem_of(report) == (ProblemKind.BAD_CHECKPOINT, 10)
    assert "not trusted" in message_of(report)


def test_checkpoints_that_go_backwards_are_bad(signer: CheckpointSigner) -> None:
    records = chain(10)
    later, earlier = sign_at(signer, records[9], 0), sign_at(signer, records[4], 5)
    assert problem_of(run(records, signer, [later, earlier])) == (ProblemKind.BAD_CHECKPOINT, 5)


def test_a_checkpoint_held_outside_but_gone_from_the_database(signer: CheckpointSigner) -> None:
    records = chain(10)
    first, second = sign_at(signer, records[4]), sign_at(signer, records[9], 5)
    report = run(records, signer, [second], external=[first, second])
    assert problem_of(report) == (ProblemKind.CHECKPOINT_DELETED, 5)
    assert report.checkpoints_checked == 3


RETENTION = 1826


def purged(
    signer: CheckpointSigner, records: list[AccessRecord], last: int, *, days: int = RETENTION
) -> tuple[list[AccessRecord], Checkpoint]:
    """``records`` with entries 1-``last`` removed by a purge signed by ``signer``, ``days``
    after the log began, and the checkpoint of entry ``last`` that allowed it."""
    checkpoint = sign_at(signer, records[last - 1])
    at = NOW + timedelta(days=days, hours=2)
    statement = PurgeStatement(
        event_seq=records[-1].seq + 1,
        at=at,
        first_seq=1,
        last_seq=last,
        before_hash=GENESIS_HASH,
        last_hash=records[last - 1].entry_hash,
        newest_at=records[last - 1].event.at,
        cutoff=(at - timedelta(days=min(days, RETENTION))).replace(microsecond=0),
        retention_days=RETENTION,
    ).signed_by(signer)
    event = seal(statement.event_seq, statement.event(), records[-1].entry_hash)
    return [*records[last:], event], checkpoint


def test_a_signed_purge_event_accounts_for_the_missing_start(signer: CheckpointSigner) -> None:
    left, checkpoint = purged(signer, chain(10), 4)
    report = run(left, signer, [checkpoint])
    assert report.intact, report.summary()
    assert (report.first_seq, report.last_seq) == (5, 11)


def test_a_missing_start_without_a_purge_event_is_an_unaccounted_gap(
    signer: CheckpointSigner,
) -> None:
    records = chain(10)
    # The old anchor trick: a checkpoint vouches for entry 4, and entries 1-4 are gone.
    report = run(records[4:], signer, [sign_at(signer, records[3])])
    assert problem_of(report) == (ProblemKind.UNACCOUNTED_GAP, 1)
    assert "entries 1-4 are missing" in message_of(report)


def test_a_purge_event_signed_by_another_key_accounts_for_nothing(
    signer: CheckpointSigner,
) -> None:
    left, _ = purged(CheckpointSigner.generate(), chain(10), 4)
    report = run(left, signer, [sign_at(signer, chain(10)[3])])
    assert problem_of(report) == (ProblemKind.UNACCOUNTED_GAP, 1)
    assert "not trusted" in message_of(report)


def test_a_purge_event_with_a_changed_range_is_bad(signer: CheckpointSigner) -> None:
    records = chain(10)
    left, checkpoint = purged(signer, records, 4)
    event = left[-1]
    query = {**event.event.query, "last_seq": "6"}
    forged = seal(event.seq, replace(event.event, query=query), event.prev_hash)
    report = run([*records[6:10], forged], signer, [checkpoint, sign_at(signer, records[5])])
    assert problem_of(report) == (ProblemKind.UNACCOUNTED_GAP, 1)
    assert "signature does not verify" in message_of(report)


def test_a_purge_inside_retention_is_named(signer: CheckpointSigner) -> None:
    left, checkpoint = purged(signer, chain(10), 4, days=30)
    report = run(left, signer, [checkpoint])
    assert report.first_problem is not None
    kinds = {ProblemKind.UNACCOUNTED_GAP, ProblemKind.PURGE_INSIDE_RETENTION}
    assert report.first_problem.kind in kinds
    assert "less than 1826 days before the purge" in message_of(report)


def test_a_purge_event_whose_boundary_differs_from_the_checkpoint_is_bad(
    signer: CheckpointSigner,
) -> None:
    records = chain(10)
    left, checkpoint = purged(signer, records, 4)
    other = signer.sign(4, "ab" * 32, checkpoint.signed_at + timedelta(seconds=1))
    report = run(left, signer, [checkpoint, other])
    assert "differs from the checkpoint" in message_of(report)


def test_a_purge_without_an_earlier_checkpoint_of_its_last_entry_is_bad(
    signer: CheckpointSigner,
) -> None:
    left, _ = purged(signer, chain(10), 4)
    report = run(left, signer, [])
    assert "no trusted checkpoint signed before its cutoff" in message_of(report)


def test_a_forged_purge_event_without_a_gap_is_still_named(signer: CheckpointSigner) -> None:
    records = chain(5)
    fake = seal(6, replace(make_event(6), action="audit:purge"), records[-1].entry_hash)
    report = run([*records, fake], signer, [])
    assert problem_of(report) == (ProblemKind.BAD_PURGE, 6)


def test_the_lowest_problem_is_reported_first(signer: CheckpointSigner) -> None:
    records = chain(10)
    records[7] = replace(records[7], event=replace(records[7].event, reason="edited"))
    bad = replace(sign_at(signer, records[2]), signature="11" * 64)
    assert problem_of(run(records, signer, [bad])) == (ProblemKind.BAD_CHECKPOINT, 3)


def test_a_segment_reports_where_it_verified_to() -> None:
    records = chain(6)
    last, problem = verify_segment(records[3:], ChainPoint(3, records[2].entry_hash))
    assert (last.seq, problem) == (6, None)
