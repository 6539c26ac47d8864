-- Complaints about the use of the ALPR system (R36): who complained (a kind, never a name), what
-- about, the account named if any, and the outcome with who decided it.
CREATE TABLE complaints (
    id            text PRIMARY KEY,
    agency_id     text NOT NULL REFERENCES agencies (id),
    source        text NOT NULL
                  CHECK (source IN ('public', 'staff', 'oversight-body', 'court', 'other')),
    summary       text NOT NULL,
    subject       text,
    received_on   date NOT NULL,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN
                  ('open', 'investigating', 'sustained', 'not-sustained', 'closed')),
    finding       text,
    decided_by    text,
    decided_on    date
);

CREATE INDEX complaints_by_agency ON complaints (agency_id, received_on);
