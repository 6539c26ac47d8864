"""The report over the API: auditors get it, nobody else does."""

from __future__ import annotations

from platekeeper.domain.people import Role
from tests.api.conftest import LiveApp, live_app
from tests.api.people import staff
from tests.reports.conftest import PLATE, search

__all__ = ["live_app"]


def test_an_auditor_gets_the_report_and_an_analyst_does_not(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    search(live_app.services, "avery", 2)
    query = {"from": "2026-11-27", "to": "2026-11-28"}
    with live_app.client() as client:
        refused = client.get(
            "/api/v1/reports/compliance", params=query, headers=people[Role.ANALYST].headers
        )
        allowed = client.get(
            "/api/v1/reports/compliance", params=query, headers=people[Role.AUDITOR].headers
        )
        html = client.get(
            "/api/v1/reports/compliance",
            params={**query, "format": "html"},
            headers=people[Role.AUDITOR].headers,
        )
    assert refused.status_code == 403
    assert allowed.status_code == 200, allowed.text
    document = allowed.json()
    assert document["format"] == "platekeeper-compliance-report-v1"
    assert {f["code"] for f in document["findings"]} >= {"retention.no-purge"}
    assert html.headers["content-type"].startswith("text/html")
    assert PLATE not in allowed.text
    assert PLATE not in html.text
    # UTC in the data, and the agency's clock (California, PST) on the page and the PDF.
    assert document["period"] == {"from": "2026-11-27T00:00:00Z", "to": "2026-11-29T00:00:00Z"}
    assert document["time_zone"] == "America/Los_Angeles"
    assert "2026-11-26 16:00 PST</strong> to <strong>2026-11-28 16:00 PST" in html.text
    assert "times in America/Los_Angeles" in html.text


def test_an_empty_period_is_refused(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client() as client:
        response = client.get(
            "/api/v1/reports/compliance",
            params={"from": "2026-11-28", "to": "2026-11-27"},
            headers=people[Role.AUDITOR].headers,
        )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith("application/problem+json")
