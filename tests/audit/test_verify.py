"""Verification over chains held in memory: each kind of tampering is named at its entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.audit.signing import CheckpointSigner
from platekeeper.audit.verify import ProblemKind, VerificationReport, verify_log, verify_segment
from platekeeper.domain.access import AccessRecord, ChainPoint, Checkpoint, seal
from tests.audit.conftest import chain, make_event
from tests.conftest import NOW


def run(
    records: Sequence[AccessRecord],
    signer: CheckpointSigner,
    stored: Sequence[Checkpoint] = (),
    *,
    anchor: ChainPoint | None = None,
    external: Sequence[Checkpoint] = (),
) -> VerificationReport:
    return verify_log(
        iter(records),
        anchor=anchor,
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

    assert verify_log(records(), anchor=None, stored=(), keys={}).entries_checked == 5


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
    assert problem_of(run(chain(10)[1:], signer)) == (ProblemKind.DELETED, 1)


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


def test_verification_starts_at_a_vouched_anchor(signer: CheckpointSigner) -> None:
    records = chain(10)
    checkpoint = sign_at(signer, records[3])
    anchor = ChainPoint(4, records[3].entry_hash)
    assert run(records[4:], signer, [checkpoint], anchor=anchor).intact
    report = run(records[4:], signer, [], anchor=anchor)
    assert problem_of(report) == (ProblemKind.UNVOUCHED_ANCHOR, 4)


def test_everything_purged_leaves_an_intact_empty_log(signer: CheckpointSigner) -> None:
    records = chain(4)
    checkpoint = sign_at(signer, records[3])
    assert run([], signer, [checkpoint], anchor=checkpoint.point).intact


def test_the_lowest_problem_is_reported_first(signer: CheckpointSigner) -> None:
    records = chain(10)
    records[7] = replace(records[7], event=replace(records[7].event, reason="edited"))
    bad = replace(sign_at(signer, records[2]), signature="11" * 64)
    assert problem_of(run(records, signer, [bad])) == (ProblemKind.BAD_CHECKPOINT, 3)


def test_a_segment_reports_where_it_verified_to() -> None:
    records = chain(6)
    last, problem = verify_segment(records[3:], ChainPoint(3, records[2].entry_hash))
    assert (last.seq, problem) == (6, None)
