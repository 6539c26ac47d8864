"""Verification of the access log: the hash chain, the signed checkpoints and the anchor.

``verify_log`` walks the entries once, in stored order, holding only a small look-ahead, and
returns a ``VerificationReport`` naming the first problem. "First" means lowest sequence
number; a chain problem wins a tie with a checkpoint problem at the same entry.

What the chain shows, and how a problem is told apart. Every entry's hash covers its content,
its sequence number and the previous entry's hash (``platekeeper.domain.access.entry_hash``):

* modified: an entry at its expected place, chained to its predecessor, whose content no
  longer hashes to its stored hash, and which hashes to it at no nearby position either.
  An entry forged by someone who does not know the hash encoding looks the same: the chain
  cannot tell "changed" from "never genuine".
* deleted: a gap in the sequence numbers; or an entry that hashes to its stored hash at a
  later position than where it stands (entries were removed and the rest renumbered to close
  the gap) with no entry of the right position further on; or an entry chained to a hash that
  is no longer in the log (the one before it was removed or replaced, and the hashes redone).
* inserted: an entry that does not belong between its neighbours: the entry after it hashes
  to its stored hash at the inserted entry's position and is chained to the entry before it
  (the attacker renumbered to make room), or an entry that hashes correctly at an earlier
  position than where it stands.
* reordered: an entry that hashes correctly at a later position, while the entry written for
  this position appears further on (two entries swapped).
* truncated: a trusted checkpoint names an entry past the end of the log.
* rewritten: a chain that is consistent in itself, yet an entry's hash differs from what a
  trusted checkpoint signed for it: someone rewrote the log and redid every hash after the
  change. The change lies after the last checkpoint that still matches.
* bad_checkpoint: a checkpoint whose signature does not verify, that was signed by a key not
  trusted, or that goes backwards (signed later than a checkpoint of a later entry: the log
  was cut and grew again).
* checkpoint_deleted: a checkpoint held outside (exported earlier) that the database lacks.
* unvouched_anchor: retention removed the log's beginning, but no trusted checkpoint vouches
  for the entry it says it stopped at.

What it cannot see. Someone able to write the database who knows the format can append
entries that are correct in every way, or rewrite every entry after the last checkpoint and
redo the hashes: nothing in the database tells. Checkpoints bound that: whatever was
signed, and exported to someone outside, can no longer be changed unseen, and deleting entries
before a checkpoint's entry, or its signature, shows. Entries removed from the end after the
last checkpoint are likewise invisible. Hence: sign often (``audit.checkpoint_interval_s``) and
hand the exported checkpoints to someone who does not administer the database. Telling the kind
of a problem apart relies on the entries' stored order and looks at most ``SEARCH_WINDOW``
positions away; a move further than that is reported as modified or deleted. Either way the
log is reported as not intact and the first entry at fault is named.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.audit.signing import signature_valid
from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessRecord,
    ChainPoint,
    Checkpoint,
    entry_hash,
)

SEARCH_WINDOW = 1000
"""How many positions either way an out-of-place entry is looked for, to say where it was
written."""


class ProblemKind(StrEnum):
    MODIFIED = "modified"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    REWRITTEN = "rewritten"
    BAD_CHECKPOINT = "bad_checkpoint"
    CHECKPOINT_DELETED = "checkpoint_deleted"
    UNVOUCHED_ANCHOR = "unvouched_anchor"


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, at which entry, and what was expected there instead."""

    kind: ProblemKind
    seq: int
    message: str
    expected: str


@dataclass(frozen=True, slots=True)
class VerificationReport:
    intact: bool
    entries_checked: int
    checkpoints_checked: int
    first_seq: int | None
    """The first entry the walk began at (after the anchor), None if the log is empty."""
    last_seq: int | None
    """The last entry that verified."""
    first_problem: Problem | None

    def summary(self) -> str:
        if self.first_problem is None:
            span = f" ({self.first_seq}-{self.last_seq})" if self.entries_checked else ""
            entries = _count(self.entries_checked, "entry", "entries")
            checkpoints = _count(self.checkpoints_checked, "checkpoint", "checkpoints")
            return f"Access log intact: {entries}{span} and {checkpoints} checked."
        problem = self.first_problem
        return (
            f"Access log NOT intact: {problem.kind.value} at entry {problem.seq}: "
            f"{problem.message}. Expected: {problem.expected}."
        )


def verify_log(
    records: Iterable[AccessRecord],
    *,
    anchor: ChainPoint | None,
    stored: Sequence[Checkpoint],
    keys: Mapping[str, Ed25519PublicKey],
    external: Sequence[Checkpoint] = (),
) -> VerificationReport:
    """Check ``records`` (ascending by sequence number, starting after ``anchor``) against each
    other, against the ``stored`` and ``external`` checkpoints and against the anchor.

    ``keys`` are the trusted public keys by key id; a checkpoint signed by any other key is a
    problem, never silently skipped.
    """
    trusted, problems = _check_checkpoints(stored, external, keys)
    start = anchor or ChainPoint(0, GENESIS_HASH)
    if anchor is not None and not any(c.point == anchor for c in trusted):
        problems.append(_unvouched(anchor))
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in trusted:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    walk = _walk(_Lookahead(records), start, by_seq)
    if walk.problem is not None:
        problems.append(walk.problem)
    else:
        truncation = _truncation(walk.last, trusted)
        if truncation is not None:
            problems.append(truncation)
    first = min(problems, key=lambda p: (p.seq, _PRIORITY.index(p.kind)), default=None)
    return VerificationReport(
        intact=first is None,
        entries_checked=walk.checked,
        checkpoints_checked=len(stored) + len(external),
        first_seq=walk.first_seq,
        last_seq=walk.last.seq if walk.checked else None,
        first_problem=first,
    )


def verify_segment(
    records: Iterable[AccessRecord], start: ChainPoint
) -> tuple[ChainPoint, Problem | None]:
    """The last entry that follows ``start`` soundly, and the first problem after it, if any;
    the chain alone, without checkpoints."""
    walk = _walk(_Lookahead(records), start, {})
    return walk.last, walk.problem


_PRIORITY = list(ProblemKind)


# --- checkpoints -------------------------------------------------------------------------------


def _check_checkpoints(
    stored: Sequence[Checkpoint],
    external: Sequence[Checkpoint],
    keys: Mapping[str, Ed25519PublicKey],
) -> tuple[list[Checkpoint], list[Problem]]:
    """The checkpoints that are trusted, and what is wrong with the others."""
    problems: list[Problem] = []
    trusted: list[Checkpoint] = []
    held = set(stored)
    for checkpoint in dict.fromkeys([*stored, *external]):
        problem = _signature_problem(checkpoint, keys)
        if problem is not None:
            problems.append(problem)
            continue
        trusted.append(checkpoint)
        if checkpoint not in held:
            problems.append(
                Problem(
                    ProblemKind.CHECKPOINT_DELETED,
                    checkpoint.seq,
                    f"the checkpoint of entry {checkpoint.seq} signed "
                    f"{_when(checkpoint)} is held outside but missing from the database",
                    "every exported checkpoint to be in the database",
                )
            )
    problems += _backwards(trusted)
    return trusted, problems


def _signature_problem(
    checkpoint: Checkpoint, keys: Mapping[str, Ed25519PublicKey]
) -> Problem | None:
    key = keys.get(checkpoint.key_id)
    if key is None:
        return Problem(
            ProblemKind.BAD_CHECKPOINT,
            checkpoint.seq,
            f"the checkpoint of entry {checkpoint.seq} signed {_when(checkpoint)} names key "
            f"{checkpoint.key_id}, which is not trusted",
            f"a signature by one of the trusted keys ({', '.join(sorted(keys)) or 'none'})",
        )
    if not signature_valid(checkpoint, key):
        return Problem(
            ProblemKind.BAD_CHECKPOINT,
            checkpoint.seq,
            f"the signature of the checkpoint of entry {checkpoint.seq} signed "
            f"{_when(checkpoint)} does not verify: it was forged or its fields were changed",
            f"a valid Ed25519 signature by key {checkpoint.key_id}",
        )
    return None


def _backwards(trusted: Sequence[Checkpoint]) -> list[Problem]:
    """A checkpoint signed later than one of a later entry: the head went back in between."""
    ordered = sorted(trusted, key=lambda c: (c.signed_at, c.seq))
    highest: Checkpoint | None = None
    for checkpoint in ordered:
        if highest is not None and checkpoint.seq < highest.seq:
            return [
                Problem(
                    ProblemKind.BAD_CHECKPOINT,
                    checkpoint.seq,
                    f"the checkpoint of entry {checkpoint.seq} was signed {_when(checkpoint)}, "
                    f"after the checkpoint of entry {highest.seq} ({_when(highest)}): the log "
                    "went backwards",
                    "checkpoints whose entries never go back in time",
                )
            ]
        if highest is None or checkpoint.seq > highest.seq:
            highest = checkpoint
    return []


def _unvouched(anchor: ChainPoint) -> Problem:
    return Problem(
        ProblemKind.UNVOUCHED_ANCHOR,
        anchor.seq,
        f"the log starts after entry {anchor.seq}, removed by retention, but no trusted "
        "checkpoint vouches for that entry",
        f"a signed checkpoint of entry {anchor.seq} with hash {_short(anchor.entry_hash)}",
    )


def _truncation(last: ChainPoint, trusted: Sequence[Checkpoint]) -> Problem | None:
    beyond = [c for c in trusted if c.seq > last.seq]
    if not beyond:
        return None
    furthest = max(beyond, key=lambda c: c.seq)
    return Problem(
        ProblemKind.TRUNCATED,
        last.seq + 1,
        f"the log ends at entry {last.seq}, but the checkpoint signed {_when(furthest)} names "
        f"entry {furthest.seq}: entries {last.seq + 1}-{furthest.seq} were removed",
        f"entries up to {furthest.seq} at least",
    )


# --- the chain ---------------------------------------------------------------------------------


class _Lookahead:
    """An iterator that can show a few records ahead without losing them."""

    def __init__(self, records: Iterable[AccessRecord]) -> None:
        self._records: Iterator[AccessRecord] = iter(records)
        self._ahead: deque[AccessRecord] = deque()

    def next(self) -> AccessRecord | None:
        if self._ahead:
            return self._ahead.popleft()
        return next(self._records, None)

    def peek(self, count: int) -> list[AccessRecord]:
        while len(self._ahead) < count:
            record = next(self._records, None)
            if record is None:
                break
            self._ahead.append(record)
        return list(self._ahead)[:count]


@dataclass(frozen=True, slots=True)
class _Walk:
    checked: int
    first_seq: int | None
    last: ChainPoint
    problem: Problem | None


def _walk(
    stream: _Lookahead, start: ChainPoint, checkpoints: Mapping[int, list[Checkpoint]]
) -> _Walk:
    last = start
    previous: AccessRecord | None = None
    checked = 0
    first_seq: int | None = None
    vouched = start.seq  # the last entry that a checkpoint matched: a rewrite lies after it
    while (record := stream.next()) is not None:
        first_seq = record.seq if first_seq is None else first_seq
        problem = _fault(record, last, previous, stream)
        if problem is None:
            problem = _against_checkpoints(record, checkpoints.get(record.seq, []), vouched)
        if problem is not None:
            return _Walk(checked, first_seq, last, problem)
        if record.seq in checkpoints:
            vouched = record.seq
        checked += 1
        previous = record
        last = ChainPoint(record.seq, record.entry_hash)
    return _Walk(checked, first_seq, last, None)


def _fault(
    record: AccessRecord, last: ChainPoint, previous: AccessRecord | None, stream: _Lookahead
) -> Problem | None:
    """Why ``record`` does not follow ``last`` (``previous`` its record, if any), or None."""
    expected = last.seq + 1
    if record.seq > expected:
        after = describe(previous) if previous else f"the start of the log (after {last.seq})"
        return Problem(
            ProblemKind.DELETED,
            expected,
            f"entries {expected}-{record.seq - 1} are missing: {describe(record)} follows {after}",
            f"entry {expected} after entry {last.seq}",
        )
    if record.seq < expected:  # only a caller passing unsorted records gets here
        return Problem(
            ProblemKind.REORDERED,
            record.seq,
            f"{describe(record)} appears after entry {last.seq}",
            "entries in ascending order",
        )
    links = record.prev_hash == last.entry_hash
    if record.intact:
        return None if links else _misplaced_link(record, last, previous)
    return _unhashed(record, last, stream)


def _misplaced_link(
    record: AccessRecord, last: ChainPoint, previous: AccessRecord | None
) -> Problem:
    """``record`` fits its own hash but is chained to something other than its predecessor."""
    if previous is not None and record.prev_hash == previous.prev_hash:
        return Problem(
            ProblemKind.INSERTED,
            previous.seq,
            f"{describe(previous)} does not belong: {describe(record)} is chained directly to "
            "the entry before it",
            f"entry {previous.seq} with hash {_short(record.prev_hash)}… is not there",
        )
    return Problem(
        ProblemKind.DELETED,
        record.seq,
        f"{describe(record)} is chained to an entry (hash {_short(record.prev_hash)}…) that is "
        f"no longer in the log: an entry before it was deleted, or entry {last.seq} was changed "
        "and its hash redone",
        f"the hash of entry {last.seq}, {_short(last.entry_hash)}…",
    )


def _unhashed(record: AccessRecord, last: ChainPoint, stream: _Lookahead) -> Problem:
    """``record`` does not hash to its stored hash where it stands: moved, or changed."""
    here = record.seq
    written = _written_at(record)
    if written is None:
        following = stream.peek(1)
        if following and _fits(following[0], here) and following[0].prev_hash == last.entry_hash:
            return Problem(
                ProblemKind.INSERTED,
                here,
                f"{describe(record)} does not belong: the entry after it was written as entry "
                f"{here}, chained to entry {last.seq}",
                f"the entry now numbered {here + 1} at {here}",
            )
        return Problem(
            ProblemKind.MODIFIED,
            here,
            f"{describe(record)} does not match its hash: it was changed after it was written, "
            "or forged",
            f"content hashing to {_short(record.entry_hash)}…, not "
            f"{_short(entry_hash(here, record.event, record.prev_hash))}…",
        )
    if written < here:
        return Problem(
            ProblemKind.INSERTED,
            written,
            f"{describe(record)} was written as entry {written}: entries {written}-{here - 1} "
            "were inserted before it",
            f"this entry at {written}",
        )
    original = next(
        (r for r in stream.peek(written - here + 1) if _fits(r, here)),
        None,
    )
    if original is not None:
        return Problem(
            ProblemKind.REORDERED,
            here,
            f"{describe(record)} was written as entry {written}; the entry written as {here} "
            f"stands at {original.seq}",
            f"the entry now at {original.seq} here",
        )
    return Problem(
        ProblemKind.DELETED,
        here,
        f"{describe(record)} was written as entry {written}: entries {here}-{written - 1} were "
        "deleted and the later ones renumbered",
        f"entry {here} as written",
    )


def _against_checkpoints(
    record: AccessRecord, checkpoints: Sequence[Checkpoint], vouched: int
) -> Problem | None:
    for checkpoint in checkpoints:
        if checkpoint.entry_hash != record.entry_hash:
            return Problem(
                ProblemKind.REWRITTEN,
                record.seq,
                f"{describe(record)} is not the entry the checkpoint signed {_when(checkpoint)} "
                f"vouches for: the log was rewritten after entry {vouched}",
                f"hash {_short(checkpoint.entry_hash)}…, as signed",
            )
    return None


def _fits(record: AccessRecord, seq: int) -> bool:
    return entry_hash(seq, record.event, record.prev_hash) == record.entry_hash


def _written_at(record: AccessRecord) -> int | None:
    """The nearby position whose sequence number makes ``record`` hash to its stored hash."""
    for distance in range(1, SEARCH_WINDOW + 1):
        for seq in (record.seq + distance, record.seq - distance):
            if seq >= 1 and _fits(record, seq):
                return seq
    return None


def describe(record: AccessRecord) -> str:
    """How a report names an entry: number, time and action, never the query."""
    at = record.event.at.strftime("%Y-%m-%d %H:%M:%S")
    return f"entry {record.seq} ({at} UTC, {record.event.action})"


def _when(checkpoint: Checkpoint) -> str:
    return checkpoint.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _short(digest: str) -> str:
    return digest[:12]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
