"""The agency's MBTiles file, served by PlateKeeper itself under the pages' maps: tiles made with
Pillow in the test, asked for over real HTTP and drawn in Chromium; a file that cannot serve is
refused at start with the reason."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from platekeeper.config import Settings, load_settings
from platekeeper.domain.people import Role
from platekeeper.errors import ConfigError
from platekeeper.services import build_services
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.tiles import MBTilesFile
from platekeeper.web.maps import tile_of
from tests.cli.test_cli import assert_user_error, run
from tests.ports import free_port
from tests.web.conftest import CAMERA_SPOT, WebApp, http_get, shoot, sign_in
from tests.web.test_accessibility import AUDIT_SCRIPT

ZOOMS = (10, 11, 12)
DEEPEST = max(ZOOMS)


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def colour_of(zoom: int, x: int, y: int) -> tuple[int, int, int]:
    """A colour of its own for each tile, to tell them apart when served."""
    return (zoom * 20 % 256, x % 256, y % 256)


def make_mbtiles(
    path: Path,
    *,
    tile_format: str | None = "png",
    tiles: dict[tuple[int, int, int], bytes] | None = None,
) -> Path:
    """An MBTiles file: ``tiles`` by (zoom, x, y) with y counted from the north, as web maps
    count; stored with the row counted from the south, as MBTiles does. By default the camera's
    tile and its neighbours at each of ``ZOOMS``."""
    if tiles is None:
        tiles = {}
        for zoom in ZOOMS:
            column, row = tile_of(CAMERA_SPOT, zoom)
            for x in range(column - 1, column + 2):
                for y in range(row - 1, row + 2):
                    tiles[(zoom, x, y)] = png(colour_of(zoom, x, y))
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
            " tile_data BLOB)"
        )
        metadata = {"name": "Demo City", "attribution": '<a href="#">© Demo City GIS</a>'}
        if tile_format is not None:
            metadata["format"] = tile_format
        db.executemany("INSERT INTO metadata VALUES (?, ?)", list(metadata.items()))
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()],
        )
    db.close()
    return path


@pytest.fixture
def tiles_file(tmp_path: Path) -> Path:
    return make_mbtiles(tmp_path / "demo-city.mbtiles")


@pytest.fixture
def web_settings(web_settings: Settings, tiles_file: Path | None) -> Settings:
    web = web_settings.web.model_copy(update={"map_tiles_file": tiles_file})
    return web_settings.model_copy(update={"web": web})


def get(web_app: WebApp, path: str, **headers: str) -> httpx.Response:
    officer = web_app.person(Role.OFFICER)
    return http_get(f"{web_app.base_url}{path}", headers={**officer.headers, **headers})


def test_a_tile_is_served_from_the_file_with_rows_counted_from_the_north(
    web_app: WebApp,
) -> None:
    column, row = tile_of(CAMERA_SPOT, DEEPEST)
    answer = get(web_app, f"/map/tiles/{DEEPEST}/{column}/{row}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(answer.content)).getpixel((128, 128)) == colour_of(
        DEEPEST, column, row
    )
    below = get(web_app, f"/map/tiles/{DEEPEST}/{column}/{row + 1}")
    assert Image.open(io.BytesIO(below.content)).getpixel((0, 0)) == colour_of(
        DEEPEST, column, row + 1
    )


def test_a_tile_is_cached_for_a_day_and_revalidated_by_its_digest(web_app: WebApp) -> None:
    column, row = tile_of(CAMERA_SPOT, DEEPEST)
    path = f"/map/tiles/{DEEPEST}/{column}/{row}"
    log = web_app.services.store.access_log
    officer = AccessFilter(username=web_app.person(Role.OFFICER).account.username)
    logged_before = log.find(officer)
    first = get(web_app, path)
    assert first.headers["cache-control"] == "private, max-age=86400"
    again = get(web_app, path, **{"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    other = get(web_app, f"/map/tiles/{DEEPEST}/{column + 1}/{row}")
    assert other.headers["etag"] != first.headers["etag"]
    # A base map is no plate data: its tiles are not accesses, and never crowd the log.
    assert log.find(officer) == logged_before


@pytest.mark.parametrize(
    "path",
    [
        "/map/tiles/3/1/1",  # a zoom the file lacks
        "/map/tiles/12/0/0",  # a tile far from the agency
        "/map/tiles/12/4096/0",  # past the edge of the world
        "/map/tiles/40/0/0",
    ],
)
def test_a_missing_tile_is_no_content_not_an_error_page(web_app: WebApp, path: str) -> None:
    answer = get(web_app, path, Accept="text/html")
    assert answer.status_code == 204
    assert answer.content == b""


def test_tiles_are_for_signed_in_people(web_app: WebApp) -> None:
    column, row = tile_of(CAMERA_SPOT, DEEPEST)
    answer = http_get(f"{web_app.base_url}/map/tiles/{DEEPEST}/{column}/{row}")
    assert answer.status_code in (401, 303)
    assert not answer.headers.get("content-type", "").startswith("image/")


def test_the_search_map_draws_the_files_tiles_in_the_browser(page: Page, web_app: WebApp) -> None:
    served: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: (
            served.append((r.url, r.status, r.headers.get("content-type", "")))
            if "/map/tiles/" in r.url
            else None
        ),
    )
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    figure = page.locator("figure#cameras-map")
    figure.scroll_into_view_if_needed()
    images = figure.locator("svg image.tile")
    expect(images.first).to_be_attached()
    column, row = tile_of(CAMERA_SPOT, DEEPEST)
    hrefs = [images.nth(i).get_attribute("href") for i in range(images.count())]
    assert f"/map/tiles/{DEEPEST}/{column}/{row}" in hrefs
    expect(figure.locator("figcaption")).to_contain_text("Map data © Demo City GIS")
    expect(figure.locator("p.map-untiled")).to_have_count(0)
    expect(figure.locator("svg g.grid")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    camera_tile = f"{web_app.base_url}/map/tiles/{DEEPEST}/{column}/{row}"
    assert (camera_tile, 200, "image/png") in served
    # The tiles are painted: just below the camera the map has the colour of one of them.
    assert painted(page, figure.locator("svg g.marker.camera rect")) in {
        _behind_the_map(colour_of(DEEPEST, x, y))
        for x in range(column - 1, column + 2)
        for y in range(row - 1, row + 2)
    }
    assert page.evaluate(AUDIT_SCRIPT) == []
    shoot(page, "search-map-mbtiles")


@pytest.mark.parametrize("tiles_file", [None])
def test_without_tiles_the_map_is_a_grid_that_says_how_to_get_streets(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.ANALYST), next_path="/search")
    figure = page.locator("figure#cameras-map")
    expect(figure.locator("svg image")).to_have_count(0)
    lines = figure.locator("svg g.grid line")
    expect(lines.first).to_be_attached()
    assert lines.count() >= 4
    expect(figure.locator("svg g.grid text").first).to_contain_text("°")
    expect(figure.locator("p.map-untiled")).to_contain_text("No streets")
    expect(figure.locator("p.map-untiled")).to_contain_text("web.map_tiles_file")
    assert page.evaluate(AUDIT_SCRIPT) == []


TILE_OPACITY = 0.85
"""As app.css draws tiles, over the map's background."""
MAP_BACKGROUND = (0xEE, 0xF2, 0xF6)


def _behind_the_map(colour: tuple[int, int, int]) -> tuple[int, ...]:
    """``colour`` as a tile drawn over the map's background shows it, to a step of 8."""
    return tuple(
        round((TILE_OPACITY * c + (1 - TILE_OPACITY) * b) / 8)
        for c, b in zip(colour, MAP_BACKGROUND, strict=True)
    )


def painted(page: Page, marker: Locator) -> tuple[int, ...]:
    """The colour 30 px below ``marker`` on screen, to a step of 8."""
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + 30
    shot = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    pixel = Image.open(io.BytesIO(shot)).convert("RGB").getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return tuple(round(channel / 8) for channel in pixel)


@pytest.fixture
def plain_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    return load_settings(data_dir=tmp_path / "data")


def start_with(settings: Settings, tiles_file: Path) -> None:
    web = settings.web.model_copy(update={"map_tiles_file": tiles_file})
    build_services(settings.model_copy(update={"web": web})).close()


def test_a_missing_file_stops_the_start_and_says_which_setting(
    plain_settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as refused:
        start_with(plain_settings, tmp_path / "nowhere.mbtiles")
    assert refused.value.message.startswith("web.map_tiles_file: ")
    assert "does not exist" in refused.value.message
    assert "leave web.map_tiles_file unset" in (refused.value.hint or "")


def test_a_file_that_is_not_mbtiles_is_refused(plain_settings: Settings, tmp_path: Path) -> None:
    text = tmp_path / "tiles.mbtiles"
    text.write_text("not a database, though named like one" * 100)
    with pytest.raises(ConfigError, match="not an SQLite database"):
        start_with(plain_settings, text)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE reads (id TEXT)").connection.close()
    with pytest.raises(ConfigError, match="it has no metadata or tiles table"):
        start_with(plain_settings, other)
    empty = make_mbtiles(tmp_path / "empty.mbtiles", tiles={})
    with pytest.raises(ConfigError, match="holds no tiles"):
        start_with(plain_settings, empty)


def test_vector_tiles_are_refused_with_what_to_give_instead(
    plain_settings: Settings, tmp_path: Path
) -> None:
    vector = make_mbtiles(
        tmp_path / "vector.mbtiles", tile_format="pbf", tiles={(0, 0, 0): b"\x1f\x8b\x08\x00"}
    )
    with pytest.raises(ConfigError) as refused:
        start_with(plain_settings, vector)
    assert "vector tiles (pbf)" in refused.value.message
    assert "raster tiles (png, jpg or webp)" in refused.value.message


def test_a_file_without_a_declared_format_is_known_by_its_tiles(tmp_path: Path) -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (256, 256), (10, 20, 30)).save(jpeg, format="JPEG")
    path = make_mbtiles(
        tmp_path / "plain.mbtiles", tile_format=None, tiles={(5, 3, 4): jpeg.getvalue()}
    )
    opened = MBTilesFile.open(path)
    try:
        assert opened.tile_set.media_type == "image/jpeg"
        assert (opened.tile_set.min_zoom, opened.tile_set.max_zoom) == (5, 5)
        assert opened.tile_set.attribution == "© Demo City GIS"
        assert opened.tile(5, 3, 4) == jpeg.getvalue()
        assert opened.tile(5, 3, 2**5 - 1 - 4) is None
    finally:
        opened.close()


def test_a_tile_server_and_a_file_together_are_refused(tmp_path: Path, tiles_file: Path) -> None:
    with pytest.raises(ConfigError, match="two sources of tiles"):
        load_settings(
            data_dir=tmp_path / "data",
            web={
                "map_tile_url": "https://tiles.example/{z}/{x}/{y}.png",
                "map_tiles_file": tiles_file,
            },
        )


def test_serve_stops_at_a_vector_tiles_file_with_one_line_saying_why(tmp_path: Path) -> None:
    vector = make_mbtiles(
        tmp_path / "vector.mbtiles", tile_format="pbf", tiles={(0, 0, 0): b"\x1f\x8b\x08\x00"}
    )
    config = tmp_path / "platekeeper.toml"
    config.write_text(f'[web]\nmap_tiles_file = "{vector}"\n', encoding="utf-8")
    refused = run(tmp_path / "data", "serve", "--port", str(free_port()), config=config)
    assert_user_error(refused, "web.map_tiles_file", "vector tiles (pbf)", "unset")


def test_config_check_opens_the_tiles_file_and_says_what_it_holds(tmp_path: Path) -> None:
    config = tmp_path / "platekeeper.toml"
    config.write_text(
        f'[web]\nmap_tiles_file = "{make_mbtiles(tmp_path / "city.mbtiles")}"\n', encoding="utf-8"
    )
    checked = run(tmp_path / "data", "config", "check", config=config)
    assert checked.returncode == 0, checked.stderr
    assert f"Map tiles: Demo City, png, zoom {min(ZOOMS)} to {DEEPEST}." in checked.stdout
    (tmp_path / "city.mbtiles").unlink()
    assert_user_error(run(tmp_path / "data", "config", "check", config=config), "does not exist")
