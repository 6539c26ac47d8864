"""The hit repository's contract, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from platekeeper.domain.hotlists import (
    Hit,
    HitOutcome,
    HitStatus,
    MatchKind,
    RejectionReason,
    StateAgreement,
)
from platekeeper.store import Store
from platekeeper.store.protocols import HitCursor, HitFilter
from tests.conftest import NOW

# The hits here differ in state (to round-trip a value other than the default); confirming
# one takes an override with its reason.
OVERRIDE = "the image shows the listed state"
CHECKED: dict[str, Any] = {
    "characters_match": True,
    "state_matches": True,
    "active_at_source": True,
}


def make_hit(number: int = 1, *, list_id: str = "stolen", minutes: int = 0) -> Hit:
    return Hit(
        id=f"hit-{number}",
        read_id=f"read-{number}",
        entry_id="entry-1",
        list_id=list_id,
        match_kind=MatchKind.CONFUSABLE,
        score=0.9,
        state_agreement=StateAgreement.DIFFERS,
        stale=True,
        created_at=NOW + timedelta(minutes=minutes),
    )


def test_a_hit_comes_back_as_stored(store: Store) -> None:
    hit = make_hit()
    assert store.hits.add([hit]) == [hit]
    assert store.hits.get(hit.id) == hit
    assert store.hits.get("no-such-hit") is None


def test_one_hit_per_read_and_entry(store: Store) -> None:
    hit = make_hit()
    store.hits.add([hit])
    again = replace(hit, id="another-id", score=0.5)
    assert store.hits.add([again, make_hit(2)]) == [make_hit(2)]
    assert store.hits.get("another-id") is None
    assert store.hits.add([]) == []


def test_list_is_newest_first_and_filtered(store: Store) -> None:
    hits = [make_hit(n, list_id="stolen" if n % 2 else "amber", minutes=n) for n in range(1, 6)]
    store.hits.add(hits)
    assert [h.id for h in store.hits.list(HitFilter())] == [f"hit-{n}" for n in (5, 4, 3, 2, 1)]
    assert [h.id for h in store.hits.list(HitFilter(list_id="amber"))] == ["hit-4", "hit-2"]
    since = NOW + timedelta(minutes=3)
    assert [h.id for h in store.hits.list(HitFilter(since=since))] == ["hit-5", "hit-4", "hit-3"]
    assert [h.id for h in store.hits.list(HitFilter(limit=2))] == ["hit-5", "hit-4"]
    # A person's scope: only the lists they see are asked for, so others' never crowd theirs out.
    scoped = HitFilter(list_ids={"amber", "unknown"}, limit=2)
    assert [h.id for h in store.hits.list(scoped)] == ["hit-4", "hit-2"]
    assert store.hits.list(HitFilter(list_ids=set())) == []
    confirmed = hits[0].confirmed("olivia", NOW, state_override=OVERRIDE, **CHECKED)
    assert store.hits.update(confirmed)
    found = store.hits.list(HitFilter(status=HitStatus.CONFIRMED))
    assert [h.id for h in found] == ["hit-1"]


def test_a_verification_applies_once(store: Store) -> None:
    hit = make_hit()
    store.hits.add([hit])
    rejected = hit.rejected("olivia", NOW, RejectionReason.WRONG_STATE, "Nevada plate")
    confirmed = hit.confirmed("sam", NOW, state_override=OVERRIDE, **CHECKED)
    assert store.hits.update(rejected)
    assert not store.hits.update(confirmed)  # a second person, working from the pending hit
    assert store.hits.get(hit.id) == rejected


def test_an_outcome_is_recorded_once(store: Store) -> None:
    hit = make_hit()
    store.hits.add([hit])
    confirmed = hit.confirmed("olivia", NOW, state_override=OVERRIDE, **CHECKED)
    store.hits.update(confirmed)
    stop = confirmed.with_outcome(HitOutcome.STOP, "olivia", NOW + timedelta(minutes=5))
    no_stop = confirmed.with_outcome(HitOutcome.NO_STOP, "sam", NOW + timedelta(minutes=6))
    assert store.hits.update(stop)
    assert not store.hits.update(no_stop)
    assert store.hits.get(hit.id) == stop


def test_an_update_of_an_unknown_hit_changes_nothing(store: Store) -> None:
    rejected = make_hit().rejected("olivia", NOW, RejectionReason.MISREAD)
    assert not store.hits.update(rejected)


def test_hits_are_counted_by_status_on_the_lists_named(store: Store) -> None:
    hits = [make_hit(n, list_id=("stolen", "amber", "covert")[n % 3]) for n in range(1, 7)]
    store.hits.add(hits)
    store.hits.update(hits[0].confirmed("olivia", NOW, state_override=OVERRIDE, **CHECKED))
    assert store.hits.count(HitStatus.PENDING, ["stolen", "amber"]) == 3
    assert store.hits.count(HitStatus.CONFIRMED, ["amber"]) == 1
    assert store.hits.count(HitStatus.PENDING, ["covert"]) == 2
    assert store.hits.count(HitStatus.PENDING, []) == 0


def test_pages_follow_one_another_without_a_hit_twice_or_lost(store: Store) -> None:
    # Three hits made in the same instant: the id breaks the tie, as the order does.
    hits = [make_hit(n, minutes=n // 3) for n in range(1, 9)]
    store.hits.add(hits)
    seen: list[str] = []
    cursor = None
    while True:
        page = store.hits.list(HitFilter(before=cursor, limit=3))
        if not page:
            break
        seen.extend(hit.id for hit in page)
        cursor = HitCursor(page[-1].created_at, page[-1].id)
    assert seen == [hit.id for hit in store.hits.list(HitFilter())]
    assert sorted(seen) == sorted(hit.id for hit in hits)


def test_hits_are_filtered_by_statuses_and_by_whether_their_outcome_is_recorded(
    store: Store,
) -> None:
    pending, confirmed, done, rejected = (make_hit(n, minutes=n) for n in range(1, 5))
    store.hits.add([pending, confirmed, done, rejected])
    for hit in (confirmed, done):
        assert store.hits.update(hit.confirmed("olivia", NOW, state_override=OVERRIDE, **CHECKED))
    stopped = store.hits.get(done.id)
    assert stopped is not None
    assert store.hits.update(stopped.with_outcome(HitOutcome.STOP, "olivia", NOW))
    no = rejected.rejected("olivia", NOW, RejectionReason.MISREAD)
    assert store.hits.update(no)

    def ids(**bounds: Any) -> list[str]:
        return [hit.id for hit in store.hits.list(HitFilter(**bounds))]

    open_ = {HitStatus.PENDING, HitStatus.CONFIRMED}
    assert ids(statuses=open_, with_outcome=False) == ["hit-2", "hit-1"]
    assert ids(statuses={HitStatus.REJECTED}) == ["hit-4"]
    assert ids(with_outcome=True) == ["hit-3"]
    assert ids(statuses=set()) == []
