"""The usage and privacy policy as a public document: every element, the law, the version."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.config import Settings
from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain.policy import ELEMENTS
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve
from platekeeper.reports.policy_document import (
    REQUIREMENTS,
    html_to_pdf,
    new_version,
    policy_document,
    publish_policy,
    render_html,
)
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import NOW
from tests.policy.samples import complete_policy, write_complete_policy


def _html(profiles: list[str]) -> str:
    effective = resolve(complete_policy(), load_profiles(profiles))
    return render_html(policy_document(effective, new_version(DEMO_POLICY.encode(), NOW), NOW))


def test_every_element_appears_with_the_statute_and_the_agency_text() -> None:
    html = _html(["ca"])
    policy = complete_policy()
    for letter, title in ELEMENTS.items():
        assert f"({letter}) {title.capitalize()}" in html
        assert REQUIREMENTS[letter] in html
    agency_texts = [
        *(purpose.description for purpose in policy.purposes),
        *(title for access in policy.access for title in access.job_titles),
        *(access.training for access in policy.access),
        policy.monitoring.description,
        policy.sharing.purposes,
        policy.sharing.process,
        policy.sharing.restrictions,
        policy.custodian_title,
        policy.accuracy.description,
        policy.accuracy.correction_process,
        policy.retention.destruction_process,
    ]
    for text in agency_texts:
        assert text in html, text
    assert policy.public_comment is not None
    assert policy.public_comment.body in html


def test_the_jurisdiction_rules_read_in_plain_language_with_their_citations() -> None:
    html = _html(["ca", "me"])
    assert (
        "non-hit reads (reads that matched no hot list, with their images) are deleted after "
        "21 days (<cite>Me. Rev. Stat. tit. 29-A, § 2117-A</cite>)"
    ) in html
    assert "California: never used for immigration enforcement" in html
    assert "Cal. Gov. Code § 7284.6" in html
    assert "ALPR information is shared only with public agencies in CA" in html


def test_the_version_is_the_effective_date_and_the_hash_of_the_file() -> None:
    first = new_version(DEMO_POLICY.encode(), NOW)
    assert first.version == f"2026-11-28-{first.sha256[:12]}"
    assert new_version(DEMO_POLICY.encode(), NOW + timedelta(hours=1)).sha256 == first.sha256
    changed = new_version(DEMO_POLICY.replace("quarterly", "monthly").encode(), NOW)
    assert changed.sha256 != first.sha256
    assert changed.version != first.version
    assert first.version in _html(["ca"])


def test_publishing_records_the_version_and_keeps_its_date(settings: Settings) -> None:
    path = write_complete_policy(settings.data_dir)
    store = SqliteStore(settings.data_dir / "versions.sqlite3")
    try:
        store.upgrade()
        first = publish_policy(settings, store, NOW).document.version
        again = publish_policy(settings, store, NOW + timedelta(days=3)).document.version
        assert again == replace(first, last_rendered_at=NOW + timedelta(days=3))
        assert first.version in publish_policy(settings, store, NOW).html
        path.write_text(DEMO_POLICY.replace("quarterly", "monthly"), encoding="utf-8")
        changed = publish_policy(settings, store, NOW + timedelta(days=5)).document.version
        assert changed.version.startswith("2026-12-03-")
        assert store.policy_versions.latest() == changed
        assert [v.version for v in store.policy_versions.list()] == [
            changed.version,
            first.version,
        ]
    finally:
        store.close()


def _weasyprint_or_skip() -> None:
    try:
        import weasyprint  # noqa: F401, PLC0415
    except (ImportError, OSError) as exc:  # OSError: pango is missing
        if os.environ.get("PLATEKEEPER_TEST_REQUIRE_PDF") == "1":
            pytest.fail(f"PDF tests are required but WeasyPrint cannot load: {exc}")
        pytest.skip(f"WeasyPrint cannot load ({exc}); scripts/setup installs it")


def test_the_pdf_is_a_pdf() -> None:
    _weasyprint_or_skip()
    pdf = html_to_pdf(_html(["ca"]))
    assert pdf.startswith(b"%PDF")
