"""Which reads of a batch are new, which are retries, and which reuse an id: one rule for every
backend, decided before anything is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from platekeeper.domain import PlateRead
from platekeeper.errors import Conflict
from platekeeper.store.protocols import StoredOutcome, StoredRead


def all_created(reads: Sequence[PlateRead]) -> list[StoredRead]:
    return [StoredRead(r.client_read_id, r.id, StoredOutcome.CREATED) for r in reads]


def classify_reads(
    reads: Sequence[PlateRead], stored_fingerprints: Mapping[str, str]
) -> tuple[list[StoredRead], list[int]]:
    """The outcome of each read, and the positions of the reads to insert.

    ``stored_fingerprints`` maps the ids already stored to their fingerprints. A read whose id is
    stored with the same fingerprint (or repeated earlier in the batch) is a retry; with another
    fingerprint it is a ``Conflict``, raised before anything is written.
    """
    known = dict(stored_fingerprints)
    results: list[StoredRead] = []
    new: list[int] = []
    for index, read in enumerate(reads):
        fingerprint = known.get(read.id)
        if fingerprint is None:
            known[read.id] = read.fingerprint
            new.append(index)
            results.append(StoredRead(read.client_read_id, read.id, StoredOutcome.CREATED))
        elif fingerprint == read.fingerprint:
            results.append(StoredRead(read.client_read_id, read.id, StoredOutcome.DUPLICATE))
        else:
            raise Conflict(
                f"read {read.client_read_id!r} from camera {read.camera_id!r} was stored before "
                "with different content; nothing of this request was stored",
                hint="Give every new read a new client read id; resend a read only unchanged.",
            )
    return results, new
