"""Recording the auditor's review of the sampled searches (R34).

The compliance report draws the sample (``compliance_checks.sample``); an auditor looks at each
drawn search against its case and records a verdict here. Only an auditor (``reports:read``)
records or reads reviews, only of searches made by people of their own agency
(``AgencyScope``), and never of their own searches: one does not audit oneself. The note goes
through the personal-data check, as every free-text field does. Each review, and each refusal,
is an entry in the access log.
"""

from __future__ import annotations

import uuid

from platekeeper.domain.access import AccessOutcome, AccessSink
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.sample_reviews import SampleReview, SampleStanding, Verdict, standing
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput, PermissionDenied
from platekeeper.store import Store

REVIEW_ACTION = "reports:sample-review"
SEARCH_ACTION = "reads:search"


class SampleReviewDesk:
    def __init__(self, store: Store, log: AccessSink, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._gate = AccessGate(log, clock)

    def review(
        self, who: Person, access_seq: int, verdict: Verdict, note: str = ""
    ) -> SampleReview:
        """Record ``verdict`` on the search logged as entry ``access_seq``."""
        access = _access(who, {"access_seq": str(access_seq), "verdict": verdict.value})

        def recorded(_: object) -> SampleReview:
            self._reviewable(who, access_seq)
            now = self._clock.now()
            refuse_personal_data(note, "review note", today=now.date())
            review = SampleReview(
                id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                access_seq=access_seq,
                verdict=verdict,
                note=note.strip(),
                reviewed_by=who.actor.username,
                reviewed_at=now,
            )
            self._store.sample_reviews.add(review)
            return review

        review = self._gate.check(access, recorded)
        self._gate.allowed(access, reason=f"search {access_seq} reviewed: {verdict.value}")
        return review

    def reviews(self, who: Person, seqs: tuple[int, ...] | None = None) -> list[SampleReview]:
        access = _access(who, {} if seqs is None else {"entries": str(len(seqs))})
        self._gate.check(access)
        found = self._store.sample_reviews.list(AgencyScope.of(who.actor).agency_id, seqs)
        self._gate.allowed(access, reason=f"{len(found)} reviews shown")
        return found

    def _reviewable(self, who: Person, access_seq: int) -> None:
        """Refuse unless entry ``access_seq`` is an allowed search by someone of the agency,
        not the reviewer: another agency's entry reads as one that does not exist."""
        batch = self._store.access_log.scan(access_seq - 1, 1) if access_seq > 0 else []
        record = batch[0] if batch and batch[0].seq == access_seq else None
        event = AgencyScope.of(who.actor).own(
            None if record is None else record.event,
            lambda e: e.actor.agency_id,
            f"access-log entry {access_seq} does not exist",
        )
        if event.action != SEARCH_ACTION or event.outcome is not AccessOutcome.ALLOWED:
            raise InvalidInput(
                f"access-log entry {access_seq} is not an allowed search",
                hint="Review the entries the compliance report's sample lists.",
            )
        if event.actor.username == who.actor.username:
            raise PermissionDenied(
                "an auditor does not review their own searches",
                hint="Ask another auditor of the agency to review this one.",
            )


def sample_standing(store: Store, scope: AgencyScope, sampled: tuple[int, ...]) -> SampleStanding:
    """Where the review of ``sampled`` stands, for ``scope``'s reviews."""
    return standing(sampled, store.sample_reviews.list(scope.agency_id, sampled))


def _access(who: Person, query: dict[str, str]) -> Access:
    return Access(who, Stated(), Permission.REPORTS_READ, query, step=REVIEW_ACTION)
