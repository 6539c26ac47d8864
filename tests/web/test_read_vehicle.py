"""A read from a vendor source shows the vehicle its camera described, beside the plate."""

from __future__ import annotations

from dataclasses import replace

from platekeeper.domain.people import Role
from platekeeper.domain.reads import VehicleAttributes
from platekeeper.ingest import IngestItem
from tests.conftest import make_submission
from tests.web.conftest import WebApp, http_get
from tests.web.test_search import CASE, PURPOSE


def test_the_read_page_shows_the_cameras_vehicle_description(web_app: WebApp) -> None:
    vehicle = VehicleAttributes(
        color="silver-gray", make="toyota", body_type="sedan", direction="180"
    )
    submission = replace(make_submission(5, plate_text="8TRV415"), vehicle=vehicle)
    [stored] = web_app.services.ingest.ingest(web_app.camera, [IngestItem(submission)])
    plain = web_app.ingest("7ABC123", index=1)
    analyst = web_app.person(Role.ANALYST)
    basis = {"purpose": PURPOSE, "case_number": CASE}

    described, bare = (
        http_get(f"{web_app.base_url}/reads/{read_id}", params=basis, headers=analyst.headers)
        for read_id in (stored.read_id, plain.id)
    )

    assert described.status_code == 200, described.text
    assert "silver-gray · toyota · sedan" in described.text
    assert "direction 180" in described.text
    assert bare.status_code == 200
    assert "the camera&#39;s own guess" not in bare.text
