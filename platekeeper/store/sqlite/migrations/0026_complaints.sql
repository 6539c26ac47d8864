-- Complaints about the use of the ALPR system (R36): who complained (a kind, never a name), what
-- about, the account named if any, and the outcome with who decided it. Days are ISO text.
CREATE TABLE complaints (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    source        TEXT NOT NULL
                  CHECK (source IN ('public', 'staff', 'oversight-body', 'court', 'other')),
    summary       TEXT NOT NULL,
    subject       TEXT,
    received_on   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN
                  ('open', 'investigating', 'sustained', 'not-sustained', 'closed')),
    finding       TEXT,
    decided_by    TEXT,
    decided_on    TEXT
) STRICT;

CREATE INDEX complaints_by_agency ON complaints (agency_id, received_on);
