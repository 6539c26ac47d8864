"""Reports in the browser: the compliance report for a chosen period, in each format the API
serves, and the links to the policy and the transparency page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

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
