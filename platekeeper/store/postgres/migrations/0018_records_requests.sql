-- Public-records (CPRA) requests for ALPR records: the requester, the day received, the
-- exemptions claimed and the aggregate figures released (never plate data). exemptions is a
-- JSON array and release a JSON object of figure names and counts.
CREATE TABLE records_requests (
    id                text PRIMARY KEY,
    agency_id         text NOT NULL REFERENCES agencies (id),
    requester         text NOT NULL,
    description       text NOT NULL,
    received_on       date NOT NULL,
    recorded_by       text NOT NULL,
    recorded_at       timestamptz NOT NULL,
    status            text NOT NULL CHECK (status IN ('open', 'responded', 'withdrawn')),
    extension_reason  text,
    exemptions        text NOT NULL,
    release           text,
    response          text,
    responded_by      text,
    responded_on      date
);

CREATE INDEX records_requests_by_agency ON records_requests (agency_id, received_on);
