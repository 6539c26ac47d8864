"""The purge plan: cutoffs, the exact boundary, conflicts, and what holds keep."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from platekeeper.domain.holds import LegalHold, PlateSpan
from platekeeper.domain.retention import DataClass, ReadCeilings, RetentionRule
from platekeeper.domain.time import MICROSECOND
from platekeeper.retention.plan import buckets_past_cutoff, is_due, plan_purge
from tests.conftest import NOW
from tests.retention.conftest import RULES

THIRTY_DAYS = timedelta(days=30)


def _hold(**changes: object) -> LegalHold:
    fields: dict[str, object] = {
        "id": "hold-1",
        "agency_id": "demo-pd",
        "case_number": "2026-000123",
        "reason": "evidence in a hit-and-run case",
        "requested_by": "avery",
        "requested_at": NOW - timedelta(days=1),
        "expires_at": NOW + timedelta(days=90),
        "read_ids": ("read-a",),
        "approved_by": "sam",
        "approved_at": NOW - timedelta(hours=1),
    }
    fields.update(changes)
    return LegalHold(**fields)  # type: ignore[arg-type]


def test_the_cutoff_is_now_minus_the_ceiling() -> None:
    plan = plan_purge(RULES, NOW, [])
    assert plan.decision(DataClass.NON_HIT_READS).cutoff == NOW - THIRTY_DAYS
    assert plan.decision(DataClass.HIT_READS).cutoff == NOW - timedelta(days=365)


def test_a_read_exactly_at_the_limit_is_due_and_one_second_younger_is_not() -> None:
    cutoff = plan_purge(RULES, NOW, []).decision(DataClass.NON_HIT_READS).cutoff
    assert cutoff is not None
    assert is_due(NOW - THIRTY_DAYS, cutoff)
    assert is_due(NOW - THIRTY_DAYS - MICROSECOND, cutoff)
    assert is_due(NOW - THIRTY_DAYS - timedelta(seconds=1), cutoff)
    assert not is_due(NOW - THIRTY_DAYS + timedelta(seconds=1), cutoff)
    assert not is_due(NOW - THIRTY_DAYS + MICROSECOND, cutoff)


def test_the_store_bound_is_the_cutoff_plus_one_microsecond() -> None:
    decision = plan_purge(RULES, NOW, []).decision(DataClass.NON_HIT_READS)
    assert decision.captured_before == NOW - THIRTY_DAYS + MICROSECOND


def test_a_conflict_is_reported_and_its_class_left_alone() -> None:
    conflicting = RetentionRule(
        DataClass.NON_HIT_READS, THIRTY_DAYS, "profile xx", min_age=timedelta(days=60)
    )
    plan = plan_purge({**RULES, DataClass.NON_HIT_READS: conflicting}, NOW, [])
    decision = plan.decision(DataClass.NON_HIT_READS)
    assert decision.cutoff is None
    assert not decision.acts
    assert "conflict" in decision.reason
    assert len(plan.conflicts) == 1
    assert "profile xx" in plan.conflicts[0]
    assert plan.decision(DataClass.HIT_READS).acts


def test_a_class_without_ceiling_or_rule_is_kept() -> None:
    no_ceiling = RetentionRule(DataClass.HIT_READS, None, "policy")
    plan = plan_purge({DataClass.HIT_READS: no_ceiling}, NOW, [])
    assert not plan.decision(DataClass.HIT_READS).acts
    assert not plan.decision(DataClass.NON_HIT_READS).acts


def test_only_approved_holds_in_force_exempt_reads() -> None:
    span = PlateSpan("7ABC123", NOW - timedelta(days=90), NOW - timedelta(days=40))
    active = _hold(plates=span)
    pending = _hold(id="hold-2", read_ids=("read-b",), approved_by=None, approved_at=None)
    released = _hold(id="hold-3", read_ids=("read-c",), released_by="sam", released_at=NOW)
    expired = _hold(id="hold-4", read_ids=("read-d",), expires_at=NOW)
    exempt = plan_purge(RULES, NOW, [active, pending, released, expired]).exempt
    assert exempt.read_ids == frozenset({"read-a"})
    # A plate held keeps the holding agency's reads only: never another agency's.
    assert exempt.plates == (dataclasses.replace(span, agency_id=active.agency_id),)
    assert exempt.covers("other", "7ABC123", NOW - timedelta(days=50), active.agency_id)
    assert not exempt.covers("other", "7ABC123", NOW - timedelta(days=50), "other-pd")
    assert not exempt.covers("other", "7ABC123", NOW - timedelta(days=40), active.agency_id)


def test_only_whole_days_past_the_cutoff_are_shreddable() -> None:
    plan = plan_purge(RULES, NOW, [])  # cutoff 2026-10-29T12:00
    live = ["2026/10/27", "2026/10/28", "2026/10/29", "2026/11/28"]
    assert buckets_past_cutoff(live, plan) == ["2026/10/27", "2026/10/28"]


def test_reads_from_a_time_are_all_within_once_it_is_past_every_bound() -> None:
    ceilings = ReadCeilings(non_hit_before=NOW - THIRTY_DAYS, hit_before=NOW - 2 * THIRTY_DAYS)
    assert not ceilings.none_past_from(None)
    # Past the hit reads' bound only: a non-hit read of that time is past its ceiling.
    assert not ceilings.none_past_from(NOW - THIRTY_DAYS - MICROSECOND)
    assert ceilings.none_past_from(NOW - THIRTY_DAYS)
    hits_only = ReadCeilings(non_hit_before=None, hit_before=NOW - THIRTY_DAYS)
    assert not hits_only.none_past_from(NOW - 2 * THIRTY_DAYS)
    assert hits_only.none_past_from(NOW)
    assert ReadCeilings(non_hit_before=None, hit_before=None).none_past_from(None)
