-- Hot lists and their entries. Times are integer microseconds since the Unix epoch, UTC.
-- A list's refresh source (feed_*) lives on its row: a path or URL, a format and a column
-- mapping as JSON; feed_attempted_at and feed_error record the last attempt.
CREATE TABLE hotlists (
    id                 TEXT PRIMARY KEY,
    agency_id          TEXT NOT NULL REFERENCES agencies (id),
    name               TEXT NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('state-feed', 'ncic', 'agency', 'manual')),
    priority           INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 9),
    alert_level        TEXT NOT NULL CHECK (alert_level IN ('info', 'warning', 'critical')),
    covert             INTEGER NOT NULL CHECK (covert IN (0, 1)),
    created_at         INTEGER NOT NULL,
    refreshed_at       INTEGER,
    feed_location      TEXT,
    feed_format        TEXT,
    feed_mapping       TEXT,
    feed_attempted_at  INTEGER,
    feed_error         TEXT
) STRICT;

CREATE INDEX hotlists_by_agency ON hotlists (agency_id, name);

-- batch: the hotlist_version of the write that stored the row; a refresh deletes the list's
-- rows of older batches, so entries that stay keep their ids (and the hits that name them).
CREATE TABLE hotlist_entries (
    id                TEXT PRIMARY KEY,
    list_id           TEXT NOT NULL REFERENCES hotlists (id),
    plate_text        TEXT NOT NULL,
    plate_key         TEXT NOT NULL,
    state             TEXT,
    reason            TEXT NOT NULL,
    entered_by        TEXT NOT NULL,
    entered_at        INTEGER NOT NULL,
    expires_at        INTEGER,
    source_record_id  TEXT,
    case_number       TEXT,
    note              TEXT,
    batch             INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX hotlist_entries_by_plate_key ON hotlist_entries (plate_key);
CREATE INDEX hotlist_entries_by_list ON hotlist_entries (list_id, plate_key);

-- One counter, raised by every change to lists or entries: the matcher reloads when it moves.
CREATE TABLE hotlist_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
) STRICT;

INSERT INTO hotlist_version (id, version) VALUES (1, 0);
