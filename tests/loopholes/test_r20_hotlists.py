"""R20: California and Illinois turn off subscriptions to immigration hot lists.

On the starting commit a hot list carried no category: NCIC's "Immigration Violator File" could
be created as a fed list, filled, refreshed and matched, in a California agency. Every list now
declares the matter it serves; a list of a forbidden category, or named for a forbidden matter
under another one, is refused on every path (create, add, import, preview, set a source,
refresh, renew) and never matches, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from platekeeper.access import Basis
from platekeeper.app import create_app
from platekeeper.config import AccessSettings, HotlistSettings, Settings
from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import AlertLevel, ListSource, default_category, forbidden_list
from platekeeper.domain.people import Role
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.importing import FileFormat, ImportSpec, parse_mapping
from platekeeper.hotlists.matcher import HotlistMatcher
from platekeeper.hotlists.service import Editor, HotlistService
from platekeeper.ingest import IngestLimits, IngestService
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import forbidden_categories
from platekeeper.store import Store
from platekeeper.store.images import LocalImageStore
from tests.access.conftest import RecordingSink
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.conftest import POLICY_ASSUMED_COMPLETE, FixedClock, build_test_services, make_agency
from tests.hotlists.test_matcher import ANALYST as REQUESTER
from tests.hotlists.test_matcher import AlertRecorder, World, entry, hotlist
from tests.loopholes.test_hotlists import backend_settings
from tests.ports import served
from tests.store.conftest import empty_store, store

__all__ = ["backend_settings", "empty_store", "store"]  # fixtures, both databases

CA = forbidden_categories(tuple(load_profiles(["ca"])))
IL = forbidden_categories(tuple(load_profiles(["il"])))
ANALYST = Editor(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
SUPERVISOR = Editor(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))
IMMIGRATION_NAMES = [
    "NCIC Immigration Violator File",
    "ICE detainers",
    "I.C.E. ERO targets",
    "HSI referrals",
    "Deportation orders",
    "removal orders",
    "undocumented drivers",
    "CBP border watch",
]
LAWFUL_NAMES = ["NCIC stolen vehicles", "Police pursuit", "Notice of stolen plates", "AMBER"]


def service(store: Store, forbidden: object = CA) -> HotlistService:
    return HotlistService(
        store,
        RecordingSink(),
        FixedClock(),
        HotlistSettings(),
        forbidden=forbidden,  # type: ignore[arg-type]
    )


def make(hotlists: HotlistService, list_id: str, **kw: object) -> object:
    values: dict[str, object] = {
        "list_id": list_id,
        "name": list_id,
        "source": ListSource.AGENCY,
        "priority": 2,
        "alert_level": AlertLevel.WARNING,
        "covert": False,
        **kw,
    }
    return hotlists.create_list(ANALYST, **values)  # type: ignore[arg-type]


def test_the_law_forbids_immigration_lists_in_california_and_illinois() -> None:
    for forbidden in (CA, IL):
        assert PurposeCategory.IMMIGRATION_ENFORCEMENT in forbidden


@pytest.mark.parametrize("source", list(ListSource))
def test_a_list_of_a_forbidden_category_is_never_created(store: Store, source: ListSource) -> None:
    hotlists = service(store)
    category = PurposeCategory.IMMIGRATION_ENFORCEMENT
    with pytest.raises(InvalidInput, match="immigration-enforcement"):
        make(hotlists, "fed-list", source=source, category=category, name="Federal list")
    assert store.hotlists.get("fed-list") is None


@pytest.mark.parametrize("name", IMMIGRATION_NAMES)
def test_a_list_named_for_immigration_under_another_category_is_refused(
    store: Store, name: str
) -> None:
    hotlists = service(store)
    for source in (ListSource.NCIC, ListSource.AGENCY):
        with pytest.raises(InvalidInput, match="points at immigration-enforcement"):
            make(hotlists, "sneaky", name=name, source=source)
    with pytest.raises(InvalidInput, match="points at"):
        make(hotlists, "ice-ero", name="Federal partners")  # the id speaks too


@pytest.mark.parametrize("name", LAWFUL_NAMES)
def test_lawful_lists_are_made_with_a_declared_or_default_category(store: Store, name: str) -> None:
    hotlists = service(store)
    made = make(hotlists, "fed", name=name, source=ListSource.NCIC)
    assert made.category is PurposeCategory.STOLEN_VEHICLE  # type: ignore[attr-defined]
    assert store.hotlists.get("fed").category is PurposeCategory.STOLEN_VEHICLE  # type: ignore[union-attr]
    missing = PurposeCategory.MISSING_PERSON
    make(hotlists, "mine", name=name, category=missing)
    assert store.hotlists.get("mine").category is missing  # type: ignore[union-attr]
    assert default_category(ListSource.AGENCY) is PurposeCategory.CRIMINAL_INVESTIGATION


def test_without_a_forbidding_law_the_category_is_kept(store: Store) -> None:
    made = make(service(store, {}), "fed", category=PurposeCategory.IMMIGRATION_ENFORCEMENT)
    assert made.category is PurposeCategory.IMMIGRATION_ENFORCEMENT  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "forbidden_one",
    [
        {"name": "Federal list", "category": PurposeCategory.IMMIGRATION_ENFORCEMENT},
        {"name": "NCIC Immigration Violator File", "category": PurposeCategory.STOLEN_VEHICLE},
    ],
)
def test_a_forbidden_list_already_stored_is_never_filled_refreshed_or_renewed(
    store: Store, tmp_path: Path, forbidden_one: dict[str, object]
) -> None:
    # A list stored before the law applied (or before migration 0021): every way in refuses.
    store.hotlists.add(replace(hotlist("fed", source=ListSource.NCIC), **forbidden_one))  # type: ignore[arg-type]
    store.hotlist_entries.add([entry(list_id="fed", expires_at=None)])
    hotlists = service(store)
    spec = ImportSpec(FileFormat.CSV, parse_mapping("plate=1,reason=2"), header=False)
    data = b"9QRS321,immigration violator\n"
    source = tmp_path / "feed.csv"
    source.write_bytes(data)
    # The scheduler's source, set before the law applied.
    service(store, {}).set_source(ANALYST, "fed", str(source), spec)
    attempts: list[Callable[[], object]] = [
        lambda: hotlists.add_entry(ANALYST, "fed", EntryDraft("8XYZ999", "wanted", None, "C-1")),
        lambda: hotlists.import_file(ANALYST, "fed", data, spec),
        lambda: hotlists.import_file(ANALYST, "fed", data, spec, replace=True),
        lambda: hotlists.preview_import(ANALYST, "fed", data, spec),
        lambda: hotlists.set_source(ANALYST, "fed", str(source), spec),
        lambda: hotlists.refresh(ANALYST, "fed"),
        lambda: hotlists.renew(SUPERVISOR, "entry-1"),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidInput, match="forbidden"):
            attempt()
    assert hotlists.refresh_due() == 1  # the scheduler's refresh fails too
    assert [e.plate_text for e in store.hotlist_entries.list("fed")] == ["7ABC123"]


@pytest.fixture
def forbidding_world(store: Store, tmp_path: Path) -> World:
    clock = FixedClock()
    recorder = AlertRecorder()
    sink = RecordingSink()
    matcher = HotlistMatcher(store, recorder, clock, sink, AccessSettings().forbidding(CA))
    images = LocalImageStore(tmp_path / "images")
    ingest = IngestService(
        store, images, clock, IngestLimits(), [matcher], policy=POLICY_ASSUMED_COMPLETE
    )
    return World(store, matcher, ingest, recorder, sink, clock)


def test_the_matcher_never_matches_a_forbidden_list(forbidding_world: World) -> None:
    world = forbidding_world
    immigration = PurposeCategory.IMMIGRATION_ENFORCEMENT
    world.store.hotlists.add(hotlist("by-category", category=immigration))
    world.store.hotlists.add(hotlist("by-name", name="ICE ERO detainers"))
    world.store.hotlists.add(hotlist("stolen"))
    world.store.hotlist_entries.add(
        [entry("7ABC123", f"e-{list_id}", list_id=list_id)
         for list_id in ("by-category", "by-name", "stolen")]
    )  # fmt: skip
    hits = world.send("7ABC123")
    assert {hit.list_id for hit in hits} == {"stolen"}
    assert {alert.hotlist.id for alert in world.alerts.alerts} == {"stolen"}
    with pytest.raises(InvalidInput, match="forbidden"):
        world.matcher.match_stored(REQUESTER, Basis("stolen-vehicle", "2026-000123"), "e-by-name")


def test_forbidden_list_reads_the_name_and_category() -> None:
    assert forbidden_list(hotlist("ok"), CA) is None
    assert forbidden_list(hotlist("ok", name="Immigration Violators"), {}) is None


@pytest.fixture
def policed_app(backend_settings: Settings, clock: FixedClock) -> Iterator[LiveApp]:
    """The app over HTTP, under the demo's policy file (a California agency), on each store."""
    backend_settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (backend_settings.data_dir / "policy.toml").write_text(DEMO_POLICY, encoding="utf-8")
    built = build_test_services(backend_settings, clock)
    built.store.agencies.add(make_agency())
    try:
        with served(create_app(built)) as base_url:
            yield LiveApp(base_url, built, "", "")
    finally:
        built.close()


def test_the_api_refuses_an_immigration_list_in_a_california_agency(policed_app: LiveApp) -> None:
    app = policed_app
    people = staff(app.services)
    with httpx.Client(
        base_url=app.base_url, headers=people[Role.ANALYST].headers, timeout=30
    ) as analyst:
        body = {"id": "imm", "name": "Federal list", "source": "ncic", "priority": 1,
                "alert_level": "critical", "category": "immigration-enforcement"}  # fmt: skip
        refused = analyst.post("/api/v1/hotlists", json=body)
        assert refused.status_code == 422, refused.text
        assert "immigration-enforcement" in refused.text
        renamed = {**body, "category": "stolen-vehicle", "name": "Immigration Violator File"}
        assert analyst.post("/api/v1/hotlists", json=renamed).status_code == 422
        lawful = {**body, "category": None, "name": "NCIC stolen vehicles"}
        made = analyst.post("/api/v1/hotlists", json=lawful)
        assert made.status_code == 201, made.text
        assert made.json()["category"] == "stolen-vehicle"


def test_without_a_policy_file_the_agencys_state_still_forbids(
    backend_settings: Settings, clock: FixedClock
) -> None:
    """No policy file yet (or one removed): the state of a registered agency still brings its
    law; a console command cannot make an immigration list in the meantime."""
    backend_settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    first = build_test_services(backend_settings, clock)
    first.store.agencies.add(make_agency())  # registered in California
    first.close()
    services = build_test_services(backend_settings, clock)
    try:
        assert not (backend_settings.data_dir / "policy.toml").exists()
        with pytest.raises(InvalidInput, match="immigration-enforcement"):
            make(
                services.hotlists,
                "ice-list",
                category=PurposeCategory.IMMIGRATION_ENFORCEMENT,
                name="Detainers",
            )
        assert services.store.hotlists.get("ice-list") is None
    finally:
        services.close()
