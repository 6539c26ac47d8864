"""Verification of the access log: the hash chain, the signed checkpoints and the purge events.

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
* unaccounted_gap: the log does not start at entry 1, and no valid purge event in it accounts
  for exactly the entries missing (``platekeeper.audit.pruning``). Retention is the one way
  entries may leave, and it always takes the oldest, so that is the one gap a log may have.
* bad_purge: a purge event that no trusted key signed, whose fields were changed after signing,
  whose range is not the log's oldest entries, or whose boundary hashes differ from the signed
  checkpoints (the hash of its last entry must be one a checkpoint signed before its cutoff).
* purge_inside_retention: a purge event whose own signed figures show it removed entries that
  were not yet past retention.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.audit.encoding import fast_canonical_json
from platekeeper.audit.pruning import (
    PurgeStatement,
    is_purge,
    read_statement,
    retention_fault,
)
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
    UNACCOUNTED_GAP = "unaccounted_gap"
    BAD_PURGE = "bad_purge"
    PURGE_INSIDE_RETENTION = "purge_inside_retention"


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
    """The first entry the walk began at (after what retention removed), None if empty."""
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
    stored: Sequence[Checkpoint],
    keys: Mapping[str, Ed25519PublicKey],
    external: Sequence[Checkpoint] = (),
) -> VerificationReport:
    """Check ``records`` (ascending by sequence number) against each other, against the
    ``stored`` and ``external`` checkpoints, and every purge event among them; a log that does
    not start at entry 1 must have a valid purge event that accounts for the missing entries.

    ``keys`` are the trusted public keys by key id; a checkpoint or purge event signed by any
    other key is a problem, never silently skipped.
    """
    trusted, problems = _check_checkpoints(stored, external, keys)
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in trusted:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    stream = _Lookahead(records)
    first = stream.peek(1)
    start = ChainPoint(0, GENESIS_HASH)
    if first and first[0].seq > 1:
        # Taken on trust for the walk; the purge events must account for it below.
        start = ChainPoint(first[0].seq - 1, first[0].prev_hash)
    purges = _Purges(keys, by_seq, first_stored=start.seq + 1)
    walk = _walk(stream, start, by_seq, purges.see)
    problems += purges.problems
    if start.seq > 0:
        gap = purges.gap_problem(start)
        # A walk cut short may not have reached the event that accounts for the gap.
        if gap is not None and (walk.problem is None or purges.latest is not None):
            problems.append(gap)
    if walk.problem is not None:
        problems.append(walk.problem)
    else:
        truncation = _truncation(walk.last, trusted)
        if truncation is not None:
            problems.append(truncation)
    first_problem = min(problems, key=lambda p: (p.seq, _PRIORITY.index(p.kind)), default=None)
    return VerificationReport(
        intact=first_problem is None,
        entries_checked=walk.checked,
        checkpoints_checked=len(stored) + len(external),
        first_seq=walk.first_seq,
        last_seq=walk.last.seq if walk.checked else None,
        first_problem=first_problem,
    )


def verify_segment(
    records: Iterable[AccessRecord], start: ChainPoint
) -> tuple[ChainPoint, Problem | None]:
    """The last entry that follows ``start`` soundly, and the first problem after it, if any;
    the chain alone, without checkpoints."""
    walk = _walk(_Lookahead(records), start, {}, lambda _: None)
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


# --- purge events ------------------------------------------------------------------------------


class _Purges:
    """The purge events met on the walk: each checked as it comes, the last one kept to account
    for the entries missing at the start."""

    def __init__(
        self,
        keys: Mapping[str, Ed25519PublicKey],
        checkpoints: Mapping[int, list[Checkpoint]],
        first_stored: int,
    ) -> None:
        self._keys = keys
        self._checkpoints = checkpoints
        self._first_stored = first_stored
        self.problems: list[Problem] = []
        self.latest: PurgeStatement | None = None
        """The last valid purge event so far."""

    def see(self, record: AccessRecord) -> None:
        if not is_purge(record):
            return
        statement = read_statement(record)
        if statement is None:
            self._fail(ProblemKind.BAD_PURGE, record, "it carries no readable purge statement")
            return
        fault = self._fault(statement)
        if fault is not None:
            self._fail(ProblemKind.BAD_PURGE, record, fault)
            return
        early = retention_fault(statement)
        if early is not None:
            self._fail(ProblemKind.PURGE_INSIDE_RETENTION, record, early)
            return
        self.latest = statement

    def gap_problem(self, start: ChainPoint) -> Problem | None:
        """Why the entries before ``start`` (the first stored entry's predecessor) are not
        accounted for, or None when the last valid purge event removed exactly them."""
        latest = self.latest
        if latest is not None and latest.last_seq == start.seq:
            if latest.last_hash == start.entry_hash:
                return None
            reason = (
                f"entry {start.seq + 1} is chained to hash {_short(start.entry_hash)}…, not to "
                f"the hash {_short(latest.last_hash)}… the purge event at entry "
                f"{latest.event_seq} signed"
            )
        elif latest is not None:
            reason = (
                f"the last valid purge event (entry {latest.event_seq}) removed entries up to "
                f"{latest.last_seq} only"
            )
        elif self.problems:
            reason = f"the purge events in the log are not valid ({self.problems[0].message})"
        else:
            reason = "the log holds no purge event"
        return Problem(
            ProblemKind.UNACCOUNTED_GAP,
            1,
            f"entries 1-{start.seq} are missing and no signed purge event accounts for them: "
            f"{reason}",
            f"a purge event, signed by a trusted key, that removed entries up to {start.seq}",
        )

    def _fault(self, statement: PurgeStatement) -> str | None:
        key = self._keys.get(statement.key_id)
        if key is None:
            return f"it names key {statement.key_id or '(none)'}, which is not trusted"
        if not statement.signature_valid(key):
            return "its signature does not verify: it was forged or its fields were changed"
        return self._range_fault(statement) or self._boundary_fault(statement)

    def _range_fault(self, statement: PurgeStatement) -> str | None:
        if not 1 <= statement.first_seq <= statement.last_seq < statement.event_seq:
            return f"its range {statement.first_seq}-{statement.last_seq} is not before it"
        if statement.last_seq >= self._first_stored:
            return (
                f"entries {self._first_stored}-{statement.last_seq}, which it says it removed, "
                "are in the log"
            )
        if statement.first_seq == 1 and statement.before_hash != GENESIS_HASH:
            return "it says it removed entry 1, chained to something other than the start"
        previous = self.latest
        if previous is not None and (
            statement.first_seq != previous.last_seq + 1
            or statement.before_hash != previous.last_hash
        ):
            return (
                f"it does not continue where the purge event at entry {previous.event_seq} "
                f"stopped (entry {previous.last_seq})"
            )
        return None

    def _boundary_fault(self, statement: PurgeStatement) -> str | None:
        for checkpoint in self._checkpoints.get(statement.first_seq - 1, []):
            if checkpoint.entry_hash != statement.before_hash:
                return (
                    f"the hash it gives for entry {statement.first_seq - 1} differs from the "
                    f"checkpoint signed {_when(checkpoint)}"
                )
        last = self._checkpoints.get(statement.last_seq, [])
        for checkpoint in last:
            if checkpoint.entry_hash != statement.last_hash:
                return (
                    f"the hash it gives for entry {statement.last_seq} differs from the "
                    f"checkpoint signed {_when(checkpoint)}"
                )
        if not any(c.signed_at < statement.cutoff for c in last):
            return (
                f"no trusted checkpoint signed before its cutoff vouches for entry "
                f"{statement.last_seq}, the last it removed"
            )
        return None

    def _fail(self, kind: ProblemKind, record: AccessRecord, why: str) -> None:
        self.problems.append(
            Problem(
                kind,
                record.seq,
                f"{describe(record)} is a purge event, but {why}",
                "a purge event signed by a trusted key, removing only the oldest entries, "
                "each past retention and vouched for by a checkpoint",
            )
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
    stream: _Lookahead,
    start: ChainPoint,
    checkpoints: Mapping[int, list[Checkpoint]],
    see: Callable[[AccessRecord], None],
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
        see(record)
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
    if _fits(record, record.seq):
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
            f"{_short(_hash_at(record, here))}…",
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
    return _hash_at(record, seq) == record.entry_hash


def _hash_at(record: AccessRecord, seq: int) -> str:
    """The hash ``record``'s content would have as entry ``seq``."""
    return entry_hash(seq, record.event, record.prev_hash, fast_canonical_json)


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
