"""Map tiles from the agency's own MBTiles file, so that maps show streets with no internet.

An MBTiles file (https://github.com/mapbox/mbtiles-spec) is an SQLite database: a ``metadata``
table of names and values, and a ``tiles`` table of images keyed by zoom, column and row, the
rows counted from the south (TMS), where web maps count them from the north (XYZ). Only raster
tiles (PNG, JPEG, WebP) can be drawn under the pages' SVG maps; a file of vector tiles is refused
at start-up, as is anything else that cannot serve, so that a mistake shows when the server
starts rather than as a blank map. The file is opened read-only: PlateKeeper never changes it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from platekeeper.errors import ConfigError

SETTING = "web.map_tiles_file"
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
"""Raster formats a browser draws, by the name ``metadata.format`` gives them."""
_ALIASES = {"jpeg": "jpg"}
_MAGIC = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpg", b"RIFF": "webp", b"\x1f\x8b": "pbf"}
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class TileSet:
    """What a tile source holds: its format, its zoom levels and whom to credit."""

    format: str
    min_zoom: int
    max_zoom: int
    attribution: str = ""
    name: str = ""

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


class TileSource(Protocol):
    @property
    def tile_set(self) -> TileSet: ...

    def tile(self, zoom: int, x: int, y: int) -> bytes | None:
        """The tile at ``zoom``, column ``x`` and row ``y`` counted from the north, or None."""
        ...

    def close(self) -> None: ...


class MBTilesFile:
    """A ``TileSource`` over an MBTiles file, one read-only connection shared under a lock."""

    def __init__(self, connection: sqlite3.Connection, tile_set: TileSet) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._tile_set = tile_set

    @classmethod
    def open(cls, path: Path) -> MBTilesFile:
        """The file at ``path``, or ``ConfigError`` saying what is wrong with it."""
        if not path.is_file():
            raise _unusable(path, "does not exist or is not a file")
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise _unusable(path, f"cannot be opened: {exc}") from None
        try:
            return cls(connection, _tile_set(connection, path))
        except BaseException:
            connection.close()
            raise

    @property
    def tile_set(self) -> TileSet:
        return self._tile_set

    def tile(self, zoom: int, x: int, y: int) -> bytes | None:
        if not (0 <= zoom <= 30 and 0 <= x < 2**zoom and 0 <= y < 2**zoom):
            return None
        tms_row = 2**zoom - 1 - y
        with self._lock:
            row = self._connection.execute(
                "SELECT tile_data FROM tiles"
                " WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (zoom, x, tms_row),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def close(self) -> None:
        self._connection.close()


def _tile_set(connection: sqlite3.Connection, path: Path) -> TileSet:
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        raise _unusable(path, "is not an MBTiles file (not an SQLite database)") from None
    missing = [table for table in ("metadata", "tiles") if table not in tables]
    if missing:
        raise _unusable(path, f"is not an MBTiles file: it has no {' or '.join(missing)} table")
    metadata = dict(connection.execute("SELECT name, value FROM metadata").fetchall())
    first = connection.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
    if first is None:
        raise _unusable(path, "holds no tiles")
    declared = str(metadata.get("format") or "").lower()
    tile_format = _ALIASES.get(declared, declared) or _sniff(bytes(first[0]))
    if tile_format not in MEDIA_TYPES:
        raise _unusable(path, _refusal(tile_format))
    low, high = connection.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    return TileSet(
        tile_format,
        min_zoom=int(low),
        max_zoom=int(high),
        attribution=_TAG.sub("", str(metadata.get("attribution") or "")).strip(),
        name=str(metadata.get("name") or path.stem),
    )


def _sniff(data: bytes) -> str:
    return next((name for magic, name in _MAGIC.items() if data.startswith(magic)), "unknown")


def _refusal(tile_format: str) -> str:
    if tile_format in ("pbf", "mvt"):
        return (
            "holds vector tiles (pbf), which need a map renderer in the browser; PlateKeeper "
            "draws raster tiles (png, jpg or webp) under its maps"
        )
    return f"holds tiles of format {tile_format!r}; PlateKeeper draws png, jpg or webp tiles"


def _unusable(path: Path, problem: str) -> ConfigError:
    return ConfigError(
        f"{SETTING}: {path} {problem}",
        hint="Give an MBTiles file of raster tiles (png or jpg) covering the agency's area, e.g. "
        "one exported by QGIS (Generate XYZ tiles, MBTiles) or TileMill, or leave "
        f"{SETTING} unset to draw maps without streets.",
    )
