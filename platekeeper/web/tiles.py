"""The maps' tiles: the agency's MBTiles file served by PlateKeeper itself, or a tile server's.

``/map/tiles/{z}/{x}/{y}`` answers a tile as the browser asks for it (rows from the north), to
signed-in people only: a base map is no plate data, but the agency's file is its own. A tile the
file lacks (the sea, beyond the agency's area) is ``204 No Content``, which a map draws as
nothing, never an error page; a tile is cached by the browser for a day and revalidated by its
digest after that.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request, Response

from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.maps import TileLayer

router = APIRouter(include_in_schema=False)
TILE_URL = "/map/tiles/{z}/{x}/{y}"
# A base map changes when the agency replaces its file, rarely; a day's caching spares the
# server a request per tile per page, and the digest makes the revalidation after it cheap.
_CACHE = "private, max-age=86400"


def tile_layer(services: Services) -> TileLayer | None:
    """The tiles the pages' maps draw: the agency's file, a tile server, or none."""
    web = services.settings.web
    if services.map_tiles is not None:
        held = services.map_tiles.tile_set
        return TileLayer(TILE_URL, held.min_zoom, held.max_zoom, held.attribution)
    if web.map_tile_url is not None:
        return TileLayer(web.map_tile_url, attribution=web.map_tile_attribution)
    return None


@router.get(
    "/map/tiles/{z}/{x}/{y}",
    response_class=Response,
    dependencies=requires(Permission.ACCOUNTS_SELF),
)
def map_tile(request: Request, services: ServicesDep, z: int, x: int, y: int) -> Response:
    source = services.map_tiles
    if source is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    data = source.tile(z, x, y)
    if data is None:
        return Response(status_code=204, headers={"Cache-Control": _CACHE})
    etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    headers = {"Cache-Control": _CACHE, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=source.tile_set.media_type, headers=headers)
