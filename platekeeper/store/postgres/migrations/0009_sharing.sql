-- Recipients of shared ALPR data, their requests, and the ledger of what was exported.
CREATE TABLE recipients (
    id                    text PRIMARY KEY,
    agency_id             text NOT NULL REFERENCES agencies (id),
    legal_name            text NOT NULL,
    entity_type           text NOT NULL CHECK (entity_type IN ('public-agency', 'private', 'federal')),
    state                 text NOT NULL,
    contact               text NOT NULL,
    approving_official    text NOT NULL,
    purpose_and_need      text NOT NULL,
    next_review_on        date NOT NULL,
    created_at            timestamptz NOT NULL,
    agreement_signed_on   date,
    agreement_expires_on  date,
    status                text NOT NULL CHECK (status IN ('active', 'suspended', 'retired')),
    CHECK ((agreement_signed_on IS NULL) = (agreement_expires_on IS NULL))
);

CREATE INDEX recipients_by_agency ON recipients (agency_id, legal_name);

-- read_ids is a JSON array of the read ids the request covers.
CREATE TABLE share_requests (
    id               text PRIMARY KEY,
    agency_id        text NOT NULL REFERENCES agencies (id),
    recipient_id     text NOT NULL REFERENCES recipients (id),
    purpose          text NOT NULL,
    case_number      text NOT NULL,
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL,
    read_ids         text NOT NULL,
    plate            text,
    captured_from    timestamptz,
    captured_before  timestamptz,
    status           text NOT NULL
                     CHECK (status IN ('refused', 'pending', 'approved', 'denied', 'exported')),
    rule             text,
    citation         text,
    reason           text,
    decided_by       text,
    decided_at       timestamptz,
    exported_at      timestamptz,
    bundle_sha256    text
);

CREATE INDEX share_requests_by_agency ON share_requests (agency_id, requested_at);

-- One row per export; no plate text, only what was sent to whom and the bundle's digest.
CREATE TABLE sharing_ledger (
    seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    exported_at      timestamptz NOT NULL,
    agency_id        text NOT NULL REFERENCES agencies (id),
    recipient_id     text NOT NULL REFERENCES recipients (id),
    request_id       text NOT NULL REFERENCES share_requests (id),
    exported_by      text NOT NULL,
    read_count       integer NOT NULL,
    image_count      integer NOT NULL,
    bundle_sha256    text NOT NULL
);

-- The ledger is append-only.
CREATE FUNCTION sharing_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the sharing ledger is append-only';
END;
$$;

CREATE TRIGGER sharing_ledger_append_only BEFORE UPDATE OR DELETE ON sharing_ledger
FOR EACH ROW EXECUTE FUNCTION sharing_ledger_append_only();
