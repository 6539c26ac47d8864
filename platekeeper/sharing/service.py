"""Sharing with other agencies: the registry of recipients, their requests, approval and export.

Each request is checked at once against the sharing rules (``decide_share``): a refusal is
stored with the rule and its citation, an allowed request waits for a custodian other than the
person who entered it. An approved request is exported as a bundle (``bundle.py``), written to
the access log with the reads and images it holds and to the sharing ledger with counts and the
bundle's digest. Every step, allowed or refused, is an entry of the access log.

Every step goes through the access gate (``domain/gate.py``) under ``sharing:manage``, logged
under the step's own name (``sharing:export``): a refusal is logged before it is raised, and an
allowed step with what it touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from platekeeper.config import SharingSettings
from platekeeper.domain import Camera, PlateRead
from platekeeper.domain.access import AccessOutcome, AccessSink
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.purposes import PurposeCatalogue
from platekeeper.domain.recipients import (
    ALLOWED,
    Agreement,
    CourtOrder,
    Declaration,
    LedgerEntry,
    Recipient,
    RecipientStatus,
    ShareDecision,
    ShareRequest,
    ShareRule,
    ShareStatus,
    citation_for,
    decide_court_order,
    decide_recipient,
    decide_share,
    declaration_rule_for,
    lawful_recipient,
    may_receive,
)
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.sharing import EntityType, RecipientRole, SharingRules
from platekeeper.domain.stewardship import Independence
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from platekeeper.sharing.bundle import ReadImages, build_bundle
from platekeeper.store import ReadQuery, Store
from platekeeper.store.images import ImageStore
from platekeeper.store.selection import SelectedRead, select_reads

T = TypeVar("T")


Clerk = Person
"""Who acts on the registry: a signed-in person, or the console's operator (a ``Person``)."""
_HINT = "Sharing is managed by the agency's custodians."


@dataclass(frozen=True, slots=True)
class RecipientDraft:
    """What a custodian enters about a recipient; the registry adds the id and the agency."""

    legal_name: str
    entity_type: EntityType
    state: str
    contact: str
    approving_official: str
    purpose_and_need: str
    next_review_on: date
    agreement: Agreement | None = None
    status: RecipientStatus = RecipientStatus.ACTIVE
    role: RecipientRole | None = None
    """None: law enforcement for a public or federal agency, other for a private entity."""


@dataclass(frozen=True, slots=True)
class DeclarationDraft:
    """A recipient's signed declaration as a custodian enters it; ``text`` None means the
    statement the law asks for, as the profile words it."""

    signed_by: str
    signer_title: str
    signed_on: date
    text: str | None = None
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class ShareOrder:
    """A recipient's request as entered: a plate (with an optional time range) or read ids."""

    recipient_id: str
    purpose: str
    case_number: str
    plate: str | None = None
    read_ids: tuple[str, ...] = ()
    captured_from: datetime | None = None
    captured_before: datetime | None = None
    court_order: CourtOrder | None = None
    """The order the request is made under: needed where the profile serves the recipient's
    role only under one (Virginia: the defence and courts)."""


MAX_REVIEW_DAYS = 366
"""The longest a review may put off the next: recipients are re-reviewed at least yearly."""


@dataclass(frozen=True, slots=True)
class RecipientReview:
    """A custodian's review of one recipient: keep it or not, what was found, and when next."""

    keep: bool
    finding: str
    next_review_on: date


@dataclass(frozen=True, slots=True)
class PublishedRecipient:
    """What the public list shows of a recipient: no contact, no agreement, no people."""

    legal_name: str
    entity_type: EntityType
    state: str
    next_review_on: date


@dataclass(frozen=True, slots=True)
class Bundle:
    filename: str
    data: bytes
    entry: LedgerEntry


class SharingService:
    def __init__(
        self,
        store: Store,
        images: ImageStore,
        log: AccessSink,
        clock: Clock,
        *,
        rules: SharingRules,
        settings: SharingSettings,
        purposes: PurposeCatalogue,
        independence: Independence | None = None,
    ) -> None:
        self._store = store
        self._independence = independence or Independence(store.account_changes, clock)
        self._images = images
        self._gate = AccessGate(log, clock)
        self._clock = clock
        self.rules = rules
        self._settings = settings
        # The same purposes and case format as every search: what a search may not be for, a
        # share may not be for either.
        self.purposes = purposes

    # The registry

    def add_recipient(
        self, who: Clerk, draft: RecipientDraft, recipient_id: str | None = None
    ) -> Recipient:
        def build() -> Recipient:
            return self._lawful(
                _recipient(
                    recipient_id or str(uuid.uuid4()), who.actor.agency_id, draft, self._clock.now()
                )
            )

        recipient = self._decided(
            who, "sharing:recipient-add", {"legal_name": draft.legal_name}, build
        )
        self._store.recipients.add(recipient)
        self._allowed(who, "sharing:recipient-add", {"recipient_id": recipient.id}, "added")
        return recipient

    def update_recipient(self, who: Clerk, recipient_id: str, draft: RecipientDraft) -> Recipient:
        query = {"recipient_id": recipient_id}

        def build() -> Recipient:
            current = self._own_recipient(who, recipient_id)
            changed = _recipient(current.id, current.agency_id, draft, current.created_at)
            return self._lawful(replace(changed, declaration=current.declaration))

        recipient = self._decided(who, "sharing:recipient-update", query, build)
        self._store.recipients.update(recipient)
        self._allowed(who, "sharing:recipient-update", query, "updated")
        return recipient

    def record_declaration(
        self, who: Clerk, recipient_id: str, draft: DeclarationDraft
    ) -> Recipient:
        """Store the recipient's signed declaration (625 ILCS 5/2-130), replacing any before."""
        query = {"recipient_id": recipient_id, "signed_by": draft.signed_by}

        def build() -> Recipient:
            current = self._own_recipient(who, recipient_id)
            rule = declaration_rule_for(self.rules, current)
            text = draft.text if draft.text is not None else (rule.text if rule else "")
            if rule is not None and not rule.accepts(text):
                raise InvalidInput(
                    "the declaration does not say what the law asks of it",
                    hint=f"It names {', '.join(rule.terms)} ({rule.citation}); leave the text"
                    " out to record the statement the law asks for.",
                )
            declaration = Declaration(
                signed_by=draft.signed_by,
                signer_title=draft.signer_title,
                signed_on=draft.signed_on,
                text=text,
                recorded_by=who.actor.username,
                recorded_at=self._clock.now(),
                expires_on=draft.expires_on,
            )
            return replace(current, declaration=declaration)

        recipient = self._decided(who, "sharing:declaration", query, build)
        self._store.recipients.update(recipient)
        self._allowed(who, "sharing:declaration", query, "declaration recorded")
        return recipient

    def withdraw_declaration(self, who: Clerk, recipient_id: str) -> Recipient:
        """The recipient's declaration withdrawn from today: nothing more goes under it."""
        query = {"recipient_id": recipient_id}

        def build() -> Recipient:
            current = self._own_recipient(who, recipient_id)
            if current.declaration is None:
                raise InvalidInput(f"recipient {recipient_id} has no declaration to withdraw")
            today = self._clock.now().date()
            withdrawn = replace(current.declaration, withdrawn_on=today)
            return replace(current, declaration=withdrawn)

        recipient = self._decided(who, "sharing:declaration-withdraw", query, build)
        self._store.recipients.update(recipient)
        self._allowed(who, "sharing:declaration-withdraw", query, "declaration withdrawn")
        return recipient

    def recipients(self, who: Clerk) -> list[Recipient]:
        self._decided(who, "sharing:recipient-list", {}, lambda: None)
        return self._store.recipients.list(_scope(who).agency_id)

    def due_reviews(self, who: Clerk, within_days: int = 30) -> list[Recipient]:
        """The agency's recipients whose review is overdue or falls due within ``within_days``,
        soonest first: what the custodian has to review. An overdue one receives nothing
        (rule ``review-overdue``) until it is reviewed."""
        if not 0 <= within_days <= MAX_REVIEW_DAYS:
            raise InvalidInput(f"within_days must lie between 0 and {MAX_REVIEW_DAYS}")
        query = {"within_days": str(within_days)}
        self._decided(who, "sharing:reviews-due", query, lambda: None)
        horizon = self._clock.now().date() + timedelta(days=within_days)
        due = sorted(
            (
                r
                for r in self._store.recipients.list(_scope(who).agency_id)
                if r.status is not RecipientStatus.RETIRED and r.next_review_on <= horizon
            ),
            key=lambda r: (r.next_review_on, r.legal_name),
        )
        self._allowed(who, "sharing:reviews-due", query, f"{len(due)} due")
        return due

    def review_recipient(self, who: Clerk, recipient_id: str, review: RecipientReview) -> Recipient:
        """A custodian's review of a recipient (State Auditor 2019-118, rec. 31): whether its
        need still stands, what was found, and the next review date. Kept: the next date is
        set (after today, at most ``MAX_REVIEW_DAYS`` on); not kept: the recipient is suspended
        and receives nothing. Either way the review is an entry of the access log, with who
        reviewed, what they found and the date they set."""
        today = self._clock.now().date()
        query = {
            "recipient_id": recipient_id,
            "kept": "yes" if review.keep else "no",
            "finding": review.finding.strip(),
            "next_review_on": review.next_review_on.isoformat(),
        }

        def build() -> Recipient:
            current = self._own_recipient(who, recipient_id)
            _check_review(review, today)
            status = current.status if review.keep else RecipientStatus.SUSPENDED
            return self._lawful(
                replace(current, next_review_on=review.next_review_on, status=status)
            )

        recipient = self._decided(who, "sharing:recipient-review", query, build)
        self._store.recipients.update(recipient)
        outcome = "kept" if review.keep else "suspended"
        self._allowed(who, "sharing:recipient-review", query, f"reviewed: {outcome}")
        return recipient

    def published(self, agency_id: str | None = None) -> list[PublishedRecipient]:
        """The publishable list: every active recipient's legal name, type, state and review
        date, for anyone to read."""
        today = self._clock.now().date()
        return [
            PublishedRecipient(r.legal_name, r.entity_type, r.state, r.next_review_on)
            for r in self._store.recipients.list(agency_id)
            if may_receive(self.rules, r, today)
        ]

    # Requests

    def submit(self, who: Clerk, order: ShareOrder) -> ShareRequest:
        """Record a recipient's request, checked at once: refused with the rule cited, or
        pending a custodian's approval."""
        query = _order_query(order)
        checked = self._decided(who, "sharing:request", query, lambda: self._check(who, order))
        self._store.share_requests.add(checked)
        query["request_id"] = checked.id
        refused = checked.status is ShareStatus.REFUSED
        self._record(
            who,
            "sharing:request",
            AccessOutcome.DENIED if refused else AccessOutcome.ALLOWED,
            _cited(checked) if refused else "pending a custodian's approval",
            query,
            read_ids=checked.read_ids,
            request=checked,
        )
        return checked

    def selection(self, who: Clerk, read_ids: tuple[str, ...]) -> tuple[SelectedRead, ...]:
        """The reads picked for a share request, shown before it is entered (when and where,
        never a plate): refused when none or too many are picked, or when an id is no read of
        the caller's agency. An access in the log with the reads shown."""
        query = {"selected": str(len(read_ids))}

        def chosen() -> tuple[SelectedRead, ...]:
            if not read_ids:
                raise InvalidInput(
                    "no reads are selected",
                    hint="Select reads in the search results, then choose to share them.",
                )
            if len(read_ids) > self._max_reads:
                raise InvalidInput(
                    f"{len(read_ids)} reads are selected; a request shares {self._max_reads} "
                    "at most",
                    hint="Sharing is of specific reads: select only those the recipient needs.",
                )
            picked = select_reads(self._store, _scope(who), read_ids)
            if picked.missing:
                raise NotFound(
                    f"no such reads in your agency: {', '.join(picked.missing)}",
                    hint="Nothing was shared. Select the reads again in the search results.",
                )
            return picked.reads

        reads = self._decided(who, "sharing:select", query, chosen)
        self._allowed(who, "sharing:select", query, "reads selected", tuple(r.id for r in reads))
        return reads

    def requests(self, who: Clerk, status: ShareStatus | None = None) -> list[ShareRequest]:
        """The agency's requests: an access in the log with the reads and plates it shows."""
        self._decided(who, "sharing:request-list", {}, lambda: None)
        found = self._store.share_requests.list(_scope(who).agency_id, status)
        plates = sorted({request.plate for request in found if request.plate is not None})
        query = {"shown": str(len(found))} | ({"plates": ",".join(plates)} if plates else {})
        if status is not None:
            query["status"] = status.value
        read_ids = tuple(dict.fromkeys(rid for request in found for rid in request.read_ids))
        self._allowed(who, "sharing:request-list", query, f"{len(found)} shown", read_ids)
        return found

    def decide(self, who: Clerk, request_id: str, *, approve: bool) -> ShareRequest:
        """A custodian's decision on a pending request; never by the person who entered it."""
        action = "sharing:approve" if approve else "sharing:deny"
        query = {"request_id": request_id}

        def decided() -> ShareRequest:
            request = self._own_request(who, request_id)
            if approve:
                self._require_allowed(request)
            outcome = request.decided(who.actor.username, approve, self._clock.now())
            if approve:
                self._independence.require(who.actor.username, request.requested_by)
            if not self._store.share_requests.decide(outcome):
                raise Conflict(f"share request {request_id} was decided by someone else meanwhile")
            return outcome

        outcome = self._decided(who, action, query, decided)
        if outcome.plate is not None:
            query["plate"] = outcome.plate
        self._allowed(who, action, query, outcome.status.value, outcome.read_ids)
        return outcome

    def export(self, who: Clerk, request_id: str) -> Bundle:
        """The bundle of an approved request, logged with what it holds and ledgered."""
        query = {"request_id": request_id}

        def exportable() -> tuple[ShareRequest, Recipient]:
            request = self._own_request(who, request_id)
            if request.status not in {ShareStatus.APPROVED, ShareStatus.EXPORTED}:
                raise InvalidInput(
                    f"share request {request_id} is {request.status.value}, not approved",
                    hint="A custodian approves the request first.",
                )
            return request, self._require_allowed(request)

        request, recipient = self._decided(who, "sharing:export", query, exportable)
        items = [self._with_images(read) for read in self._reads(request.read_ids)]
        now = self._clock.now()
        built = build_bundle(
            recipient,
            request,
            items,
            self._cameras(items),
            exported_by=who.actor.username,
            exported_at=now,
        )
        entry = LedgerEntry(
            now,
            request.agency_id,
            recipient.id,
            request.id,
            who.actor.username,
            built.read_count,
            built.image_count,
            built.manifest_sha256,
        )
        stored = self._store.share_requests.record_export(request, entry)
        if stored is None:
            raise Conflict(f"share request {request_id} changed while it was exported")
        refs = tuple(ref for item in items for ref, _ in item.files.values())
        reads = tuple(item.read.id for item in items)
        self._record(
            who,
            "sharing:export",
            AccessOutcome.ALLOWED,
            f"exported to {recipient.legal_name}; bundle {built.manifest_sha256}",
            {**query, "recipient_id": recipient.id, "bundle_sha256": built.manifest_sha256},
            read_ids=reads,
            image_refs=refs,
            request=request,
        )
        return Bundle(f"share-{request.id}.zip", built.data, stored)

    def ledger(self, who: Clerk, limit: int = 100) -> list[LedgerEntry]:
        self._decided(who, "sharing:ledger", {}, lambda: None)
        return self._store.sharing_ledger.list(_scope(who).agency_id, limit)

    # The checks

    def _check(self, who: Clerk, order: ShareOrder) -> ShareRequest:
        # There is no sharing "everything": a request names a plate or specific reads.
        if (order.plate is None) == (not order.read_ids):
            raise InvalidInput(
                "a share request names a plate or specific read ids (one of them)",
                hint="Give the plate (and time range) or the read ids the recipient asks for.",
            )
        # A purpose code is words joined by hyphens: "jane-smith" and "smith-jane" name a
        # person all the same, so its words are read in both of a name's orders.
        words = order.purpose.split("-")
        refuse_personal_data(" ".join(words), "share purpose")
        refuse_personal_data(", ".join(words), "share purpose")
        recipient = self._own_recipient(who, order.recipient_id)
        request = ShareRequest(
            id=str(uuid.uuid4()),
            agency_id=who.actor.agency_id,
            recipient_id=recipient.id,
            purpose=order.purpose,
            case_number=order.case_number,
            requested_by=who.actor.username,
            requested_at=self._clock.now(),
            plate=order.plate,
            captured_from=order.captured_from,
            captured_before=order.captured_before,
            court_order=order.court_order,
        )
        today = self._clock.now().date()
        # Rules about the recipient and purpose come first: a request refused by them touches
        # no reads at all.
        decision = decide_recipient(self.rules, recipient, request.purpose, today)
        if decision.allowed:
            decision = decide_court_order(self.rules, recipient, request)
        if decision.allowed:
            decision = self._purpose_decision(request)
        if decision.allowed:
            request = replace(request, read_ids=self._resolve(who, order))
            decision = decide_share(self.rules, recipient, request, today, self._max_reads)
        return request if decision.allowed else request.refused(decision)

    def _lawful(self, recipient: Recipient) -> Recipient:
        """Refuse at registration a recipient the law never lets receive anything, citing it:
        no federal, out-of-state or private recipient sits in a California registry."""
        decision = lawful_recipient(self.rules, recipient)
        if not decision.allowed:
            raise PermissionDenied(
                _refusal(decision),
                hint="This recipient cannot be registered under the rules in force.",
            )
        return recipient

    def _purpose_decision(self, request: ShareRequest) -> ShareDecision:
        """The request's purpose among the policy's authorised ones, and its case number in the
        agency's format: free text is no substitute for either."""
        try:
            self.purposes.state(request.purpose, request.case_number)
        except InvalidInput as exc:
            rule = (
                ShareRule.PURPOSE
                if any(f.location == "purpose" for f in exc.fields)
                else ShareRule.CASE_NUMBER
            )
            return ShareDecision(False, exc.message, rule, citation_for(self.rules, rule))
        return ALLOWED

    @property
    def _max_reads(self) -> int:
        return self._settings.max_reads_per_request

    def _resolve(self, who: Clerk, order: ShareOrder) -> tuple[str, ...]:
        """The agency's reads the order names; one more than the most a request may cover
        tells that it asks for too many."""
        limit = self._max_reads + 1
        if order.plate is not None:
            query = ReadQuery(
                plate_key=normalise_plate_key(order.plate),
                captured_from=order.captured_from,
                captured_before=order.captured_before,
                agency_id=_scope(who).agency_id,
                limit=limit,
            )
            return tuple(read.id for read in self._store.reads.find(query))
        wanted = tuple(dict.fromkeys(order.read_ids))
        if len(wanted) > self._max_reads:
            return wanted[:limit]
        # Another agency's read is named as one that does not exist, with the same words.
        unknown = _scope(who).missing(wanted, self._read_agency)
        if unknown:
            raise InvalidInput(f"no such reads in the agency: {', '.join(unknown)}")
        return wanted

    def _read_agency(self, read_id: str) -> str | None:
        """The agency of the read's camera; None where there is no such read."""
        read = self._store.reads.get(read_id)
        camera = None if read is None else self._store.cameras.get(read.camera_id)
        return None if camera is None else camera.agency_id

    def _require_allowed(self, request: ShareRequest) -> Recipient:
        """The rules again at approval and export: an agreement may have lapsed meanwhile."""
        recipient = self._store.recipients.get(request.recipient_id)
        if recipient is None:
            raise NotFound(f"recipient {request.recipient_id} does not exist")
        today = self._clock.now().date()
        decision = decide_share(self.rules, recipient, request, today, self._max_reads)
        if decision.allowed:
            decision = self._purpose_decision(request)
        if not decision.allowed:
            raise PermissionDenied(_refusal(decision), hint="The request cannot go as it stands.")
        return recipient

    def _own_recipient(self, who: Clerk, recipient_id: str) -> Recipient:
        recipient = self._store.recipients.get(recipient_id)
        missing = f"recipient {recipient_id} does not exist"
        return _scope(who).own(recipient, _agency_of, missing)

    def _own_request(self, who: Clerk, request_id: str) -> ShareRequest:
        request = self._store.share_requests.get(request_id)
        missing = f"share request {request_id} does not exist"
        return _scope(who).own(request, _agency_of, missing)

    # Reads and images for a bundle

    def _reads(self, read_ids: tuple[str, ...]) -> list[PlateRead]:
        # A read purged by retention since the approval is no longer there to share.
        found = (self._store.reads.get(read_id) for read_id in read_ids)
        return [read for read in found if read is not None]

    def _with_images(self, read: PlateRead) -> ReadImages:
        files: dict[str, tuple[str, bytes]] = {}
        for kind, ref in (("crop", read.crop_ref), ("full", read.image_ref)):
            if ref is not None:
                extension = ref.rsplit(".", 1)[-1] if "." in ref else "bin"
                files[f"images/{read.id}-{kind}.{extension}"] = (ref, self._images.get(ref))
        return ReadImages(read, files)

    def _cameras(self, items: list[ReadImages]) -> Mapping[str, Camera]:
        ids = {item.read.camera_id for item in items}
        found = {camera_id: self._store.cameras.get(camera_id) for camera_id in ids}
        return {camera_id: camera for camera_id, camera in found.items() if camera is not None}

    # The access log

    def _decided(
        self, who: Clerk, action: str, query: Mapping[str, str], then: Callable[[], T]
    ) -> T:
        """Check the permission and run ``then``; the gate logs and raises whatever refuses."""
        return self._gate.check(_access(who, action, query), lambda _: then())

    def _allowed(
        self,
        who: Clerk,
        action: str,
        query: Mapping[str, str],
        reason: str,
        read_ids: tuple[str, ...] = (),
    ) -> None:
        self._record(who, action, AccessOutcome.ALLOWED, reason, query, read_ids=read_ids)

    def _record(
        self,
        who: Clerk,
        action: str,
        outcome: AccessOutcome,
        reason: str,
        query: Mapping[str, str],
        *,
        read_ids: tuple[str, ...] = (),
        image_refs: tuple[str, ...] = (),
        request: ShareRequest | None = None,
    ) -> None:
        access = _access(who, action, query, request)
        self._gate.record(access, outcome, reason, read_ids, image_refs)


def _scope(who: Clerk) -> AgencyScope:
    """The records ``who`` sees: their agency's (``domain/scope.py``)."""
    return AgencyScope.of(who.actor)


def _agency_of(record: Recipient | ShareRequest) -> str:
    return record.agency_id


def _access(
    who: Clerk, action: str, query: Mapping[str, str], request: ShareRequest | None = None
) -> Access:
    """A sharing step under ``sharing:manage``, logged as ``action`` with the request's purpose
    and case where there is a request."""
    stated = Stated() if request is None else Stated(request.purpose, request.case_number)
    return Access(who, stated, Permission.SHARING_MANAGE, query, step=action, hint=_HINT)


def _recipient(recipient_id: str, agency_id: str, draft: RecipientDraft, at: datetime) -> Recipient:
    return Recipient(
        id=recipient_id,
        agency_id=agency_id,
        legal_name=draft.legal_name,
        entity_type=draft.entity_type,
        state=draft.state,
        contact=draft.contact,
        approving_official=draft.approving_official,
        purpose_and_need=draft.purpose_and_need,
        next_review_on=draft.next_review_on,
        created_at=at,
        agreement=draft.agreement,
        status=draft.status,
        role=draft.role or _default_role(draft.entity_type),
    )


def _default_role(entity_type: EntityType) -> RecipientRole:
    private = entity_type is EntityType.PRIVATE
    return RecipientRole.OTHER if private else RecipientRole.LAW_ENFORCEMENT


def _order_query(order: ShareOrder) -> dict[str, str]:
    elements = {
        "recipient_id": order.recipient_id,
        "plate": order.plate,
        "read_ids": ",".join(order.read_ids) or None,
        "captured_from": None if order.captured_from is None else order.captured_from.isoformat(),
        "captured_before": None
        if order.captured_before is None
        else order.captured_before.isoformat(),
        "purpose": order.purpose,
        "case_number": order.case_number,
        **_court_order_query(order.court_order),
    }
    return {key: value for key, value in elements.items() if value is not None}


def _court_order_query(order: CourtOrder | None) -> dict[str, str]:
    """The order's reference, court and date, as the access log keeps them."""
    if order is None:
        return {}
    return {
        "court_order": order.reference,
        "court": order.court,
        "court_order_issued_on": order.issued_on.isoformat(),
    }


def _check_review(review: RecipientReview, today: date) -> None:
    if len(review.finding.strip()) < 10:
        raise InvalidInput(
            "a review says what was found",
            hint="E.g. 'Agreement current; two requests this year, both for stolen vehicles'.",
        )
    refuse_personal_data(review.finding, "review finding")
    latest = today + timedelta(days=MAX_REVIEW_DAYS)
    if not today < review.next_review_on <= latest:
        raise InvalidInput(
            f"the next review must fall after today and by {latest}, not {review.next_review_on}",
            hint="Recipients are re-reviewed at least once a year.",
        )


def _refusal(decision: ShareDecision) -> str:
    rule = "" if decision.rule is None else decision.rule.value
    return f"refused by rule {rule} ({decision.citation}): {decision.reason}"


def _cited(request: ShareRequest) -> str:
    return f"refused by rule {request.rule} ({request.citation}): {request.reason}"
