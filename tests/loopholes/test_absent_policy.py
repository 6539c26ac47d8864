"""Issue 15, the absent requirements: end-user mode (R02), plate crops only (R28), and the
vendor contract template (R39). Each test fails on fb08a52, where none of them existed, and is
written the way someone would try to get around the rule: another path in, another source of
the rule, another policy."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from PIL import Image

from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain import CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.collection import PolicyMode
from platekeeper.domain.people import Role
from platekeeper.domain.policy import Severity
from platekeeper.errors import PermissionDenied
from platekeeper.ingest import IngestItem
from platekeeper.ingest.cameras import CameraAdmin, CameraDraft
from platekeeper.policy.effective import PolicyIncomplete, load_effective
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve
from platekeeper.reports.contract import (
    VENDOR,
    render_contract_html,
    render_markdown,
    vendor_contract,
)
from platekeeper.reports.policy_document import new_version, policy_document, render_html
from platekeeper.reports.transparency import feed, gather_transparency
from platekeeper.services import Services
from platekeeper.store import ReadQuery
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import backend_settings
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import assert_user_error, run
from tests.conftest import NOW, FixedClock, build_test_services, make_agency, make_camera
from tests.conftest import make_submission as submission
from tests.ports import served

__all__ = ["backend_settings"]

CUSTODIAN = CameraAdmin(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
AUDIT_PROCESS = "The auditor samples 50 searches each quarter and reports to the chief."
END_USER_POLICY = 'mode = "end-user"\n' + DEMO_POLICY.replace(
    "sample_size = 50\n", f'sample_size = 50\naudit_process = "{AUDIT_PROCESS}"\n'
)
NH_POLICY = DEMO_POLICY.replace('profiles = ["ca"]', 'profiles = ["ca", "nh"]').replace(
    'max_age = "30 days"', 'max_age = "3 minutes"'
)
CROPS_BY_POLICY = DEMO_POLICY + "\n[collection]\nfull_images = false\n"


def _jpeg(colour: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def _services_under(settings: Settings, clock: FixedClock, policy: str) -> Services:
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (settings.data_dir / "policy.toml").write_text(policy, encoding="utf-8")
    services = build_test_services(settings, clock)
    services.store.agencies.add(make_agency())
    return services


def _files(services: Services) -> list[Path]:
    root = services.settings.image_path
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def end_user(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    services = _services_under(backend_settings, clock, END_USER_POLICY)
    yield services
    services.close()


# --- R02: end-user mode ----------------------------------------------------------------------


def test_an_end_user_policy_needs_a_process_for_periodic_system_audits() -> None:
    without = parse_policy(END_USER_POLICY.replace(f'audit_process = "{AUDIT_PROCESS}"\n', ""))
    assert without.mode is PolicyMode.END_USER
    findings = resolve(without, load_profiles(["ca"])).findings
    missing = [f for f in findings if f.key == "monitoring.audit_process"]
    assert [(f.element, f.severity) for f in missing] == [("C", Severity.MISSING)]
    assert "1798.90.53(b)(2)(C)" in missing[0].message
    # A TODO or blank text is no process either.
    for text in ("TODO: write it", "   "):
        policy = parse_policy(END_USER_POLICY.replace(AUDIT_PROCESS, text))
        assert not resolve(policy, load_profiles(["ca"])).complete
    assert resolve(parse_policy(END_USER_POLICY), load_profiles(["ca"])).complete


def test_an_end_user_collects_nothing_by_any_path_in(end_user: Services) -> None:
    draft = CameraDraft("j-st", "J St", CameraKind.FIXED, GeoPoint(38.58, -121.49), 270.0)
    with pytest.raises(PermissionDenied, match="end-user mode"):
        end_user.cameras.register(CUSTODIAN, draft)
    refusals = end_user.store.access_log.find(AccessFilter(action="cameras:register"))
    assert [r.event.outcome for r in refusals] == [AccessOutcome.DENIED]
    # A camera left from before the agency became an end-user: it may not be switched back on,
    # and its key sends nothing, over HTTP or through the service itself.
    camera, _ = make_camera("old-cam", status=CameraStatus.MAINTENANCE)
    end_user.store.cameras.add(camera)
    with pytest.raises(PermissionDenied, match="end-user mode"):
        end_user.cameras.set_status(CUSTODIAN, "old-cam", CameraStatus.ACTIVE)
    active, active_key = make_camera("active-cam")
    end_user.store.cameras.add(active)
    with pytest.raises(PermissionDenied, match="end-user mode"):
        end_user.ingest.ingest(active, [IngestItem(submission(), crop=_jpeg("white", (64, 32)))])
    with served(create_app(end_user)) as base_url:
        headers = {"Authorization": f"Bearer {active_key}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=30.0) as client:
            body = {
                "client_read_id": "r-1",
                "plate_text": "7ABC123",
                "confidence": 0.9,
                "captured_at": NOW.isoformat(),
            }
            response = client.post("/api/v1/reads", json=body)
            batch = client.post("/api/v1/reads/batch", json={"reads": [body]})
    assert (response.status_code, batch.status_code) == (403, 403), response.text
    assert "end-user" in response.json()["detail"]
    assert end_user.store.reads.stats().read_count == 0
    assert _files(end_user) == []


def test_the_command_line_refuses_collection_in_end_user_mode(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "policy.toml").write_text(END_USER_POLICY, encoding="utf-8")
    assert run(data, "db", "upgrade").returncode == 0
    assert run(data, "agency", "add", "demo-pd", "--name", "PD", "--state", "CA").returncode == 0
    add_people(data, ("casey", "demo-pd", Role.CUSTODIAN))
    position = ("--latitude", "38.58", "--longitude", "-121.49")
    added = run_as(data, "casey", "camera", "add", "gate", "--name", "Gate", *position)
    assert added.returncode == 2, added.stdout + added.stderr
    assert "end-user mode" in added.stdout + added.stderr
    photo = tmp_path / "a.jpg"
    photo.write_bytes(_jpeg("white", (320, 200)))
    for source in ("images", "video"):
        assert_user_error(
            run(data, "ingest", source, str(photo), "--camera", "gate"), "end-user mode"
        )


def test_an_end_user_publishes_the_end_user_variant() -> None:
    effective = resolve(parse_policy(END_USER_POLICY), load_profiles(["ca"]))
    html = render_html(policy_document(effective, new_version(END_USER_POLICY.encode(), NOW), NOW))
    assert "ALPR end-user usage and privacy policy" in html
    assert "§ 1798.90.53(b)(2)" in html
    assert "and a process for periodic system audits" in html
    assert AUDIT_PROCESS in html
    assert "collects no ALPR information" in html
    operator = resolve(parse_policy(DEMO_POLICY), load_profiles(["ca"]))
    operator_html = render_html(
        policy_document(operator, new_version(DEMO_POLICY.encode(), NOW), NOW)
    )
    assert "periodic system audits" not in operator_html
    assert "ALPR end-user" not in operator_html


# --- R28: plate crops only -------------------------------------------------------------------


@pytest.mark.parametrize("policy", [NH_POLICY, CROPS_BY_POLICY], ids=["nh-profile", "policy"])
def test_plate_crops_only_writes_no_full_scene_image_by_any_path(
    backend_settings: Settings, clock: FixedClock, policy: str
) -> None:
    services = _services_under(backend_settings, clock, policy)
    try:
        assert not services.ingest.collection.full_images
        camera, key = make_camera()
        services.store.cameras.add(camera)
        scene, crop = _jpeg("gray", (640, 360)), _jpeg("white", (64, 32))
        stored = services.ingest.ingest(camera, [IngestItem(submission(0), image=scene, crop=crop)])
        document = {
            "client_read_id": "cam-1",
            "plate_text": "5TRW903",
            "confidence": 0.9,
            "captured_at": NOW.isoformat(),
            "image_part": "frame",
            "crop_part": "plate",
        }
        with (
            served(create_app(services)) as base_url,
            httpx.Client(
                base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30.0
            ) as client,
        ):
            response = client.post(
                "/api/v1/reads",
                files={
                    "read": ("read.json", orjson.dumps(document), "application/json"),
                    "frame": ("frame.jpg", scene, "image/jpeg"),
                    "plate": ("plate.jpg", crop, "image/jpeg"),
                },
            )
        assert response.status_code == 201, response.text
        reads = services.store.reads.find(ReadQuery())
        assert len(reads) == 2
        assert stored[0].read_id in {read.id for read in reads}
        for read in reads:
            assert read.image_ref is None
            assert read.crop_ref is not None
            assert services.images.get(read.crop_ref) == crop
        files = _files(services)
        assert len(files) == 2  # the two crops, and nothing else
        assert not any("full" in path.name for path in files)
    finally:
        services.close()


def test_a_policy_cannot_keep_full_images_where_a_profile_forbids_it() -> None:
    policy = parse_policy(NH_POLICY + "\n[collection]\nfull_images = true\n")
    effective = resolve(policy, load_profiles(["ca", "nh"]))
    conflicts = [f for f in effective.findings if f.key == "collection.full_images"]
    assert [(f.element, f.severity) for f in conflicts] == [("profile:nh", Severity.CONFLICT)]
    assert not effective.complete
    # Even so, what is enforced is the law's rule, not the policy's wish.
    assert not effective.collection.full_images
    assert "261:75-b" in effective.collection.source


def test_the_published_policy_and_transparency_say_plate_crops_only(
    settings: Settings, clock: FixedClock
) -> None:
    services = _services_under(settings, clock, NH_POLICY)
    try:
        effective = load_effective(settings)
        html = render_html(policy_document(effective, new_version(b"x", NOW), NOW))
        assert "only the plate crop is kept" in html
        assert "New Hampshire: only the plate crop is kept" in html
        report = gather_transparency(
            services.store, NOW, min_count=5, effective=effective, version=None
        )
        assert feed(report)["collection"] == {
            "mode": "operator",
            "full_images": False,
            "source": "N.H. Rev. Stat. § 261:75-b, I",
        }
    finally:
        services.close()
    full = resolve(parse_policy(DEMO_POLICY), load_profiles(["ca"]))
    assert full.collection.full_images
    full_html = render_html(policy_document(full, new_version(b"x", NOW), NOW))
    assert "plate crop and the full scene image" in full_html


# --- R39: the vendor contract template -------------------------------------------------------


def test_the_contract_states_the_effective_periods_and_every_duty() -> None:
    maine = DEMO_POLICY.replace('profiles = ["ca"]', 'profiles = ["ca", "me"]').replace(
        'max_age = "30 days"', 'max_age = "21 days"'
    )
    for text, profiles, non_hit in (
        (DEMO_POLICY, ["ca"], "30 days"),
        (maine, ["ca", "me"], "21 days"),
    ):
        effective = resolve(parse_policy(text), load_profiles(profiles))
        contract = vendor_contract(effective, "2026-11-28-abc", NOW)
        markdown = render_markdown(contract)
        assert f"with their images): deleted after {non_hit}" in markdown
        assert (
            "hit reads (reads that matched a hot list, with their images): deleted after 730 days"
            in markdown
        )
        assert "access-log entries: deleted after 1825 days" in markdown
        for duty in (
            "Demo Police Department (the Agency) owns all ALPR information",
            "has no right of its own to use, access, analyse, sell, share, transfer, disclose",
            "deletes it, with every copy, on the Agency's schedule",
            "CJIS Security Policy",
            "immediately following its discovery",
            "1798.82",
            "may audit the Vendor's compliance",
            "returns the Agency Data",
            "destroys every copy",
            "never used or disclosed for immigration enforcement",
            "public agencies in CA",
            VENDOR,
        ):
            assert duty in markdown, duty
        html = render_contract_html(contract)
        assert f"deleted after {non_hit}" in html
        assert "CJIS Security Policy" in html


def test_the_contract_is_refused_while_the_policy_is_incomplete() -> None:
    incomplete = DEMO_POLICY.replace('custodian_title = "Chief of Police"', 'custodian_title = ""')
    effective = resolve(parse_policy(incomplete), load_profiles(["ca"]))
    with pytest.raises(PolicyIncomplete, match="vendor contract"):
        vendor_contract(effective, "v", NOW)
    conflicting = DEMO_POLICY.replace(
        'entity_types = ["public-agency"]', 'entity_types = ["public-agency", "federal"]'
    )
    with pytest.raises(PolicyIncomplete):
        vendor_contract(resolve(parse_policy(conflicting), load_profiles(["ca"])), "v", NOW)


def test_policy_contract_writes_the_template_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "policy.toml").write_text(NH_POLICY, encoding="utf-8")
    markdown, html = tmp_path / "contract.md", tmp_path / "contract.html"
    result = run(data, "policy", "contract", "--output", str(markdown))
    assert result.returncode == 0, result.stdout + result.stderr
    text = markdown.read_text(encoding="utf-8")
    assert (
        "non-hit reads (reads that matched no hot list, with their images): deleted after 3 minutes"
        in text
    )
    assert "never stored" in text
    assert (
        run(data, "policy", "contract", "--output", str(html), "--format", "html").returncode == 0
    )
    assert "<h1>" in html.read_text(encoding="utf-8")
    (data / "policy.toml").write_text(
        NH_POLICY.replace('max_age = "3 minutes"', 'max_age = "30 days"'), encoding="utf-8"
    )
    refused = tmp_path / "refused.md"
    assert_user_error(
        run(data, "policy", "contract", "--output", str(refused)), "incomplete", "policy check"
    )
    assert not refused.exists()
