"""Alerting tiers at ingest, on each store backend: what a reader could have misread alerts;
a plain one-character-off match is a lower-tier hit, stored and searchable, without an alert,
unless its list says otherwise (issue 17)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.access import Requester
from platekeeper.config import AccessSettings
from platekeeper.domain.access import Actor
from platekeeper.domain.hit_labels import how_matched
from platekeeper.domain.hit_tiers import TierRules, chance_words
from platekeeper.domain.hotlists import HitTier, HotlistEntry, MatchKind, OneOffPolicy
from platekeeper.domain.people import Role
from platekeeper.hotlists.hits import HitDesk, HitQuery
from platekeeper.hotlists.matcher import DEFAULT_TIERS, HotlistMatcher
from platekeeper.ingest import IngestLimits, IngestService
from platekeeper.store import Store
from platekeeper.store.images import LocalImageStore
from platekeeper.store.protocols import HitFilter
from tests.access.conftest import RecordingSink
from tests.conftest import NOW, POLICY_ASSUMED_COMPLETE, FixedClock
from tests.hotlists.test_matcher import (
    ANALYST,
    BASIS,
    LISTED,
    AlertRecorder,
    World,
    entry,
    hotlist,
)
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

OFFICER = Requester(Actor("olivia", "demo-pd"), frozenset({Role.OFFICER}), "192.0.2.11")


@dataclass
class Tiered:
    """A world whose matcher has ``rules``, and its list set to ``one_off``."""

    store: Store
    tmp_path: Path

    def world(
        self, rules: TierRules = DEFAULT_TIERS, one_off: OneOffPolicy = OneOffPolicy.AUTO
    ) -> World:
        clock = FixedClock()
        recorder, sink = AlertRecorder(), RecordingSink()
        matcher = HotlistMatcher(self.store, recorder, clock, sink, AccessSettings(), tiers=rules)
        images = LocalImageStore(self.tmp_path / "images")
        ingest = IngestService(
            self.store, images, clock, IngestLimits(), [matcher], policy=POLICY_ASSUMED_COMPLETE
        )
        self.store.hotlists.add(hotlist(one_off=one_off))
        self.store.hotlist_entries.add([entry()])
        return World(self.store, matcher, ingest, recorder, sink, clock)


@pytest.fixture
def tiered(store: Store, tmp_path: Path) -> Tiered:  # noqa: F811 (the fixture)
    return Tiered(store, tmp_path)


def crowd(into: Store, count: int, seed: int = 3) -> None:
    """``count`` more entries on the list, plates of ``LISTED``'s format (digit, three letters,
    three digits), so that a random read comes one character off one of them now and then."""
    rng = random.Random(seed)
    plates = {
        f"{rng.randrange(10)}{''.join(rng.choices('ABCDEFGHJKMNPRUVWXY', k=3))}"
        f"{rng.randrange(1000):03d}"
        for _ in range(count)
    } - {LISTED}
    entered = NOW - timedelta(days=2)
    into.hotlist_entries.add(
        [
            HotlistEntry(f"crowd-{i}", "stolen", plate, "us-ca", "stolen", "sam", entered, None)
            for i, plate in enumerate(sorted(plates))
        ]
    )


def test_a_one_off_match_on_a_list_that_records_them_is_stored_without_an_alert(
    tiered: Tiered,
) -> None:
    world = tiered.world(one_off=OneOffPolicy.RECORD)
    (hit,) = world.send("7ABC128")  # 3 garbled into 8: no look-alike of it
    assert (hit.match_kind, hit.tier, hit.reading) == (MatchKind.ONE_OFF, HitTier.LOWER, 0)
    assert world.alerts.alerts == []
    assert world.store.hits.list(HitFilter(tier=HitTier.LOWER)) == [hit]
    assert world.store.hits.list(HitFilter(tier=HitTier.ALERT)) == []
    # It asks nobody to verify it: the count of hits awaiting verification leaves it out.
    assert world.store.hits.count(hit.status, ["stolen"]) == 0


def test_a_one_off_match_on_a_list_that_alerts_on_them_alerts(tiered: Tiered) -> None:
    world = tiered.world(one_off=OneOffPolicy.ALERT)
    crowd(world.store, 3000)  # large enough that 'auto' would not alert
    world.matcher.reload()
    (hit,) = world.send("7ABC128")
    assert (hit.match_kind, hit.tier) == (MatchKind.ONE_OFF, HitTier.ALERT)
    assert [alert.hit.id for alert in world.alerts.alerts] == [hit.id]


@pytest.mark.parametrize(("one_in", "tier"), [(10, HitTier.ALERT), (10_000, HitTier.LOWER)])
def test_auto_alerts_on_one_off_matches_only_while_chance_matches_stay_rare(
    tiered: Tiered, one_in: int, tier: HitTier
) -> None:
    world = tiered.world(TierRules(auto_one_off_one_in=one_in))
    crowd(world.store, 3000)
    world.matcher.reload()
    stolen = world.store.hotlists.get("stolen")
    assert stolen is not None
    chance = world.matcher.chance("stolen")
    # 3,000 plates of one format of 175 million: a random read of that format comes one
    # character off one of them about once in a few hundred reads.
    assert 1 / 10_000 < chance.one_off < 1 / 10
    (hit,) = world.send("7ABC128")
    assert hit.tier is tier
    assert len(world.alerts.alerts) == (1 if tier is HitTier.ALERT else 0)
    assert world.matcher.one_off_alerts(stolen) is (tier is HitTier.ALERT)


def test_a_small_list_set_to_auto_alerts_on_one_off_matches(tiered: Tiered) -> None:
    world = tiered.world()
    (hit,) = world.send("7ABC128")
    assert hit.tier is HitTier.ALERT
    assert len(world.alerts.alerts) == 1


def test_the_right_reading_among_the_alternatives_alerts_and_says_which(tiered: Tiered) -> None:
    world = tiered.world(one_off=OneOffPolicy.RECORD)
    (hit,) = world.send("7ABC128", candidates=["7ABC12B", LISTED])
    assert (hit.match_kind, hit.tier, hit.reading) == (MatchKind.EXACT, HitTier.ALERT, 2)
    assert not hit.strong  # the reader's own reading was not the listed plate
    (alert,) = world.alerts.alerts
    assert alert.hit == hit
    assert how_matched(hit.match_kind, hit.reading) == (
        "The reader's third reading matches the listed plate exactly."
    )


def test_a_look_alike_alternative_alerts_as_a_look_alike(tiered: Tiered) -> None:
    world = tiered.world(one_off=OneOffPolicy.RECORD)
    (hit,) = world.send("7ABC128", candidates=["7A8C123"])  # B read as 8 in the alternative
    assert (hit.match_kind, hit.tier, hit.reading) == (MatchKind.CONFUSABLE, HitTier.ALERT, 1)


def test_alternatives_past_the_setting_are_not_matched(tiered: Tiered) -> None:
    world = tiered.world(TierRules(candidates=1), one_off=OneOffPolicy.RECORD)
    (hit,) = world.send("7ABC128", candidates=["7ABC12B", LISTED])
    assert (hit.tier, hit.reading) == (HitTier.LOWER, 0)
    assert world.alerts.alerts == []


@pytest.mark.parametrize(
    ("read", "tier"),
    [
        ("7A8C123", HitTier.ALERT),  # one look-alike
        ("7A8C1Z3", HitTier.ALERT),  # two
        ("7A8CLZ3", HitTier.LOWER),  # three: no longer what one reader misreads
    ],
)
def test_look_alike_matches_alert_up_to_two_folded_characters(
    tiered: Tiered, read: str, tier: HitTier
) -> None:
    world = tiered.world()
    (hit,) = world.send(read)
    assert (hit.match_kind, hit.tier) == (MatchKind.CONFUSABLE, tier)


def test_the_desk_filters_hits_by_tier(tiered: Tiered) -> None:
    world = tiered.world(one_off=OneOffPolicy.RECORD)
    (lower,) = world.send("7ABC128")
    (alerting,) = world.send(LISTED)
    desk = _desk(world)
    shown = {
        tier: [view.hit.id for view in desk.page(OFFICER, BASIS, HitQuery(tier=tier)).views]
        for tier in (HitTier.ALERT, HitTier.LOWER, None)
    }
    assert shown == {
        HitTier.ALERT: [alerting.id],
        HitTier.LOWER: [lower.id],
        None: [alerting.id, lower.id],
    }
    (view,) = desk.page(OFFICER, BASIS, HitQuery(tier=HitTier.LOWER)).views
    assert view.warnings[0].startswith("lower tier: one character off")


def _desk(world: World) -> HitDesk:
    return HitDesk(
        world.store,
        LocalImageStore(Path("/nonexistent")),
        world.access_log,
        world.clock,
        AccessSettings(),
    )


@pytest.mark.parametrize(
    ("chance", "words"),
    [
        (0.0, "fewer than 1 in 20,000 reads"),
        (1 / 2137, "about 1 in 2,100 reads"),
        (1 / 14, "about 1 in 14 reads"),
        (0.9, "almost every read"),
    ],
)
def test_a_chance_is_said_in_words(chance: float, words: str) -> None:
    assert chance_words(chance, 20_000) == words


@pytest.mark.parametrize(
    ("one_off", "tier"),
    [(OneOffPolicy.AUTO, HitTier.ALERT), (OneOffPolicy.RECORD, HitTier.LOWER)],  # a small list
)
def test_a_retroactive_one_off_hit_is_tiered_as_a_live_one(
    tiered: Tiered, one_off: OneOffPolicy, tier: HitTier
) -> None:
    world = tiered.world(one_off=one_off)
    assert world.send("8PRS349") == []  # read before its plate was listed
    world.store.hotlist_entries.add([entry("8PRS345", "late-entry")])
    world.matcher.reload()
    (live,) = world.send("8PRS346")  # the same list, live, for comparison
    found = world.matcher.match_stored(ANALYST, BASIS, "late-entry").hits
    retroactive = {item.read.plate_key: item.hit for item in found}["8PRS349"]
    assert (live.match_kind, live.tier) == (MatchKind.ONE_OFF, tier)
    assert (retroactive.match_kind, retroactive.tier) == (MatchKind.ONE_OFF, tier)


@pytest.mark.parametrize(("one_in", "tier"), [(10, HitTier.ALERT), (10_000, HitTier.LOWER)])
def test_retroactive_matching_decides_auto_by_the_lists_chance(
    tiered: Tiered, one_in: int, tier: HitTier
) -> None:
    world = tiered.world(TierRules(auto_one_off_one_in=one_in))
    crowd(world.store, 3000)
    assert world.send("8PRS349") == []
    world.store.hotlist_entries.add([entry("8PRS345", "late-entry")])
    world.matcher.reload()
    found = world.matcher.match_stored(ANALYST, BASIS, "late-entry").hits
    assert [(item.hit.match_kind, item.hit.tier) for item in found] == [(MatchKind.ONE_OFF, tier)]
