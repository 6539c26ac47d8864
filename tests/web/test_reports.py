"""Reports in the browser: the compliance report for a chosen period as a page of its own (with
the PDF and JSON beside it, and the sampled entries as links to their evidence), the links to the
policy and the transparency page, and the custodian's page, which says whose the report is."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.policy.samples import write_complete_policy
from tests.web.conftest import WebApp, shoot, sign_in


def test_the_compliance_report_for_a_chosen_period_opens(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/reports")
    expect(page.get_by_label("First day (UTC)")).to_have_value("2026-10-30")
    expect(page.get_by_label("Last day (UTC)")).to_have_value("2026-11-28")
    page.get_by_label("First day (UTC)").fill("2026-11-01")
    page.get_by_role("button", name="Choose period").click()
    expect(page.get_by_text("From 2026-11-01 to 2026-11-28")).to_be_visible()
    shoot(page, "reports")

    html = page.get_by_role("link", name="Web page (HTML)").get_attribute("href")
    assert html is not None
    assert "from=2026-11-01" in html
    response = page.request.get(html)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "2026-11-01" in response.text()
    json_link = page.get_by_role("link", name="Data (JSON)").get_attribute("href")
    assert json_link is not None
    assert page.request.get(json_link).status == 200
    made = web_app.services.access_log.entries(
        AccessFilter(username="aude", action="reports:compliance")
    )
    assert len(made) == 2


def test_a_period_the_wrong_way_round_is_shown_with_what_was_typed(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/reports")
    page.get_by_label("First day (UTC)").fill("2026-11-20")
    page.get_by_label("Last day (UTC)").fill("2026-11-10")
    page.get_by_role("button", name="Choose period").click()
    expect(page.get_by_role("alert")).to_contain_text("the report's period is empty")
    expect(page.get_by_label("First day (UTC)")).to_have_value("2026-11-20")
    expect(page.get_by_role("link", name="PDF")).to_have_count(0)


def test_the_policy_and_transparency_links_open(page: Page, web_app: WebApp) -> None:
    write_complete_policy(web_app.services.settings.data_dir)
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/reports")
    page.get_by_role("link", name="The usage and privacy policy").click()
    expect(page).to_have_url(f"{web_app.base_url}/policy")
    page.go_back()
    page.get_by_role("link", name="The public transparency page").click()
    expect(page.get_by_role("heading", name="Transparency")).to_be_visible()


def test_an_analyst_is_refused_reports(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/account")
    response = page.goto("/reports")
    assert response is not None
    assert response.status == 403


def _searched(web_app: WebApp, hours_ago: float) -> int:
    """An analyst's allowed search, as the access log keeps it; its number."""
    record = web_app.services.access_log.record(
        AccessEvent(
            at=web_app.clock.now() - timedelta(hours=hours_ago),
            actor=Actor("avery", "demo-pd"),
            action="reads:search",
            outcome=AccessOutcome.ALLOWED,
            reason="allowed: purpose and case number given",
            query={"plate": "7ABC123"},
            read_ids=("read-1",),
            purpose_code="stolen-vehicle",
            case_number="2026-000123",
        )
    )
    return record.seq


def test_the_html_report_is_a_page_with_its_evidence_and_the_way_back(
    page: Page, web_app: WebApp
) -> None:
    seqs = {_searched(web_app, hours) for hours in (2, 3)}
    sign_in(page, web_app.person(Role.AUDITOR), next_path="/reports")
    page.get_by_role("link", name="Web page (HTML)").click()
    expect(page).to_have_url(f"{web_app.base_url}/reports/compliance?from=2026-10-30&to=2026-11-28")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Compliance report, 2026-10-30 to 2026-11-28"
    )
    expect(page.get_by_role("navigation").get_by_role("link", name="Reports")).to_be_visible()
    expect(page.get_by_role("link", name="PDF")).to_have_attribute(
        "href", "/api/v1/reports/compliance?from=2026-10-30&to=2026-11-28&format=pdf"
    )
    assert "7ABC123" not in page.content()
    shoot(page, "reports-compliance")

    sampled = page.locator(".compliance-report a[href^='/reports/evidence']")
    expect(sampled).to_have_count(2)
    sampled.first.click()
    expect(page.get_by_role("heading", name="Evidence from the access log")).to_be_visible()
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("avery")
    expect(row).to_contain_text("2026-000123")
    shown = int(row.get_by_role("rowheader").inner_text())
    assert shown in seqs
    assert "7ABC123" not in page.content()
    read = web_app.services.access_log.entries(AccessFilter(username="aude", action="audit:read"))
    assert read[0].event.query["seqs"] == str(shown)

    page.get_by_role("link", name="← Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()


def test_the_custodian_is_told_whose_the_compliance_report_is(page: Page, web_app: WebApp) -> None:
    sign_in(page, web_app.person(Role.CUSTODIAN), next_path="/reports")
    expect(page.get_by_text("The compliance report is the auditor's")).to_be_visible()
    expect(page.get_by_role("link", name="Web page (HTML)")).to_have_count(0)
    expect(page.get_by_role("link", name="The usage and privacy policy")).to_be_visible()
    shoot(page, "reports-custodian")

    response = page.goto("/reports/compliance?from=2026-11-01&to=2026-11-28")
    assert response is not None
    assert response.status == 403
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("This is the work of an auditor (reports:read)")
    expect(refusal).to_contain_text("ask another custodian")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.request.get("/reports/evidence?seq=1").status == 403
