-- A supervisor's approval for a search reaching further back than the agency allows alone.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE search_approvals (
    id               TEXT PRIMARY KEY,
    requested_by     TEXT NOT NULL,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    purpose_code     TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    justification    TEXT NOT NULL,
    captured_from    INTEGER NOT NULL,
    captured_before  INTEGER NOT NULL,
    requested_at     INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    decided_by       TEXT,
    decided_at       INTEGER,
    expires_at       INTEGER
) STRICT;

CREATE INDEX search_approvals_by_status ON search_approvals (status, requested_at);
