-- Hot lists and their entries. A list's refresh source (feed_*) lives on its row: a path or
-- URL, a format and a column mapping as JSON; feed_attempted_at and feed_error record the last
-- attempt.
CREATE TABLE hotlists (
    id                 text PRIMARY KEY,
    agency_id          text NOT NULL REFERENCES agencies (id),
    name               text NOT NULL,
    source             text NOT NULL CHECK (source IN ('state-feed', 'ncic', 'agency', 'manual')),
    priority           integer NOT NULL CHECK (priority BETWEEN 1 AND 9),
    alert_level        text NOT NULL CHECK (alert_level IN ('info', 'warning', 'critical')),
    covert             boolean NOT NULL,
    created_at         timestamptz NOT NULL,
    refreshed_at       timestamptz,
    feed_location      text,
    feed_format        text,
    feed_mapping       text,
    feed_attempted_at  timestamptz,
    feed_error         text
);

CREATE INDEX hotlists_by_agency ON hotlists (agency_id, name);

-- batch: the hotlist_version of the write that stored the row; a refresh deletes the list's
-- rows of older batches, so entries that stay keep their ids (and the hits that name them).
CREATE TABLE hotlist_entries (
    id                text PRIMARY KEY,
    list_id           text NOT NULL REFERENCES hotlists (id),
    plate_text        text NOT NULL,
    plate_key         text NOT NULL,
    state             text,
    reason            text NOT NULL,
    entered_by        text NOT NULL,
    entered_at        timestamptz NOT NULL,
    expires_at        timestamptz,
    source_record_id  text,
    case_number       text,
    note              text,
    batch             bigint NOT NULL DEFAULT 0
);

CREATE INDEX hotlist_entries_by_plate_key ON hotlist_entries (plate_key);
CREATE INDEX hotlist_entries_by_list ON hotlist_entries (list_id, plate_key);

-- One counter, raised by every change to lists or entries: the matcher reloads when it moves.
CREATE TABLE hotlist_version (
    id       integer PRIMARY KEY CHECK (id = 1),
    version  bigint NOT NULL
);

INSERT INTO hotlist_version (id, version) VALUES (1, 0);
