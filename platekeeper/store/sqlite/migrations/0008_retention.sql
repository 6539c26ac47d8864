-- Legal holds, the purge ledger and the keys of encrypted image buckets.
-- Times are integer microseconds since the Unix epoch, UTC.

-- A hold keeps named reads (held_reads) and/or every read of one plate key captured in
-- [captured_from, captured_before). Only an approved, unreleased, unexpired hold keeps anything.
CREATE TABLE legal_holds (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    case_number      TEXT NOT NULL,
    reason           TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    requested_at     INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    plate_key        TEXT,
    captured_from    INTEGER,
    captured_before  INTEGER,
    approved_by      TEXT,
    approved_at      INTEGER,
    released_by      TEXT,
    released_at      INTEGER
) STRICT;

CREATE INDEX legal_holds_in_force ON legal_holds (released_at, expires_at);

-- No foreign key to reads: a hold may name a read the purge already took, and says so.
CREATE TABLE held_reads (
    hold_id  TEXT NOT NULL REFERENCES legal_holds (id),
    read_id  TEXT NOT NULL,
    PRIMARY KEY (hold_id, read_id)
) STRICT;

-- One row per purge run; classes is JSON (counts, cutoffs, capture-time ranges), never plates.
CREATE TABLE purge_ledger (
    id                 TEXT PRIMARY KEY,
    started_at         INTEGER NOT NULL,
    finished_at        INTEGER NOT NULL,
    dry_run            INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    classes            TEXT NOT NULL,
    buckets_destroyed  TEXT NOT NULL
) STRICT;

CREATE INDEX purge_ledger_by_start ON purge_ledger (started_at);

-- The key of each capture-day bucket of images, wrapped by the master key. Destroying a bucket
-- wipes the key and keeps the row, so that an auditor sees when each day was shredded.
CREATE TABLE image_keys (
    bucket        TEXT PRIMARY KEY,
    wrapped_key   BLOB,
    created_at    INTEGER NOT NULL,
    destroyed_at  INTEGER,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
) STRICT;
