"""The plate index in SQLite: patterns through FTS5's trigram tokenizer (migration 0041)."""

from __future__ import annotations

from platekeeper.store.sql.plate_index import SqlPlateIndex


class SqlitePlateIndex(SqlPlateIndex):
    # SQLite's planner never looks into a virtual table unprompted: name it.
    _FOLDED_LIKE = (
        "rowid IN (SELECT rowid FROM plate_trigrams WHERE plate_trigrams.folded_key LIKE ?)"
    )
