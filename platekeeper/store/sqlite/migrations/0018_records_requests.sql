-- Public-records (CPRA) requests for ALPR records: the requester, the day received, the
-- exemptions claimed and the aggregate figures released (never plate data). Days are ISO text;
-- exemptions is a JSON array and release a JSON object of figure names and counts.
CREATE TABLE records_requests (
    id                TEXT PRIMARY KEY,
    agency_id         TEXT NOT NULL REFERENCES agencies (id),
    requester         TEXT NOT NULL,
    description       TEXT NOT NULL,
    received_on       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL,
    recorded_at       INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open', 'responded', 'withdrawn')),
    extension_reason  TEXT,
    exemptions        TEXT NOT NULL,
    release           TEXT,
    response          TEXT,
    responded_by      TEXT,
    responded_on      TEXT
) STRICT;

CREATE INDEX records_requests_by_agency ON records_requests (agency_id, received_on);
