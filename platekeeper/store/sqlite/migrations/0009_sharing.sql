-- Recipients of shared ALPR data, their requests, and the ledger of what was exported.
-- Times are integer microseconds since the Unix epoch, UTC; days are ISO text.
CREATE TABLE recipients (
    id                    TEXT PRIMARY KEY,
    agency_id             TEXT NOT NULL REFERENCES agencies (id),
    legal_name            TEXT NOT NULL,
    entity_type           TEXT NOT NULL CHECK (entity_type IN ('public-agency', 'private', 'federal')),
    state                 TEXT NOT NULL,
    contact               TEXT NOT NULL,
    approving_official    TEXT NOT NULL,
    purpose_and_need      TEXT NOT NULL,
    next_review_on        TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    agreement_signed_on   TEXT,
    agreement_expires_on  TEXT,
    status                TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'retired')),
    CHECK ((agreement_signed_on IS NULL) = (agreement_expires_on IS NULL))
) STRICT;

CREATE INDEX recipients_by_agency ON recipients (agency_id, legal_name);

-- read_ids is a JSON array of the read ids the request covers.
CREATE TABLE share_requests (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    recipient_id     TEXT NOT NULL REFERENCES recipients (id),
    purpose          TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    requested_at     INTEGER NOT NULL,
    read_ids         TEXT NOT NULL,
    plate            TEXT,
    captured_from    INTEGER,
    captured_before  INTEGER,
    status           TEXT NOT NULL
                     CHECK (status IN ('refused', 'pending', 'approved', 'denied', 'exported')),
    rule             TEXT,
    citation         TEXT,
    reason           TEXT,
    decided_by       TEXT,
    decided_at       INTEGER,
    exported_at      INTEGER,
    bundle_sha256    TEXT
) STRICT;

CREATE INDEX share_requests_by_agency ON share_requests (agency_id, requested_at);

-- One row per export; no plate text, only what was sent to whom and the bundle's digest.
CREATE TABLE sharing_ledger (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    exported_at      INTEGER NOT NULL,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    recipient_id     TEXT NOT NULL REFERENCES recipients (id),
    request_id       TEXT NOT NULL REFERENCES share_requests (id),
    exported_by      TEXT NOT NULL,
    read_count       INTEGER NOT NULL,
    image_count      INTEGER NOT NULL,
    bundle_sha256    TEXT NOT NULL
) STRICT;

-- The ledger is append-only.
CREATE TRIGGER sharing_ledger_no_update BEFORE UPDATE ON sharing_ledger
BEGIN
    SELECT RAISE(ABORT, 'the sharing ledger is append-only');
END;

CREATE TRIGGER sharing_ledger_no_delete BEFORE DELETE ON sharing_ledger
BEGIN
    SELECT RAISE(ABORT, 'the sharing ledger is append-only');
END;
