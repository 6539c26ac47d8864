-- A supervisor's approval for a search reaching further back than the agency allows alone.
CREATE TABLE search_approvals (
    id               text PRIMARY KEY,
    requested_by     text NOT NULL,
    agency_id        text NOT NULL REFERENCES agencies (id),
    purpose_code     text NOT NULL,
    case_number      text NOT NULL,
    justification    text NOT NULL,
    captured_from    timestamptz NOT NULL,
    captured_before  timestamptz NOT NULL,
    requested_at     timestamptz NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    decided_by       text,
    decided_at       timestamptz,
    expires_at       timestamptz
);

CREATE INDEX search_approvals_by_status ON search_approvals (status, requested_at);
