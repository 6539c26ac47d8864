-- Legal holds, the purge ledger and the keys of encrypted image buckets.

-- A hold keeps named reads (held_reads) and/or every read of one plate key captured in
-- [captured_from, captured_before). Only an approved, unreleased, unexpired hold keeps anything.
CREATE TABLE legal_holds (
    id               text PRIMARY KEY,
    agency_id        text NOT NULL REFERENCES agencies (id),
    case_number      text NOT NULL,
    reason           text NOT NULL,
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    plate_key        text,
    captured_from    timestamptz,
    captured_before  timestamptz,
    approved_by      text,
    approved_at      timestamptz,
    released_by      text,
    released_at      timestamptz
);

CREATE INDEX legal_holds_in_force ON legal_holds (released_at, expires_at);

-- No foreign key to reads (partitioned, and a hold may name a read the purge already took).
CREATE TABLE held_reads (
    hold_id  text NOT NULL REFERENCES legal_holds (id),
    read_id  text NOT NULL,
    PRIMARY KEY (hold_id, read_id)
);

-- One row per purge run; classes is JSON (counts, cutoffs, capture-time ranges), never plates.
CREATE TABLE purge_ledger (
    id                 text PRIMARY KEY,
    started_at         timestamptz NOT NULL,
    finished_at        timestamptz NOT NULL,
    dry_run            boolean NOT NULL,
    classes            jsonb NOT NULL,
    buckets_destroyed  jsonb NOT NULL
);

CREATE INDEX purge_ledger_by_start ON purge_ledger (started_at);

-- The key of each capture-day bucket of images, wrapped by the master key. Destroying a bucket
-- wipes the key and keeps the row, so that an auditor sees when each day was shredded.
CREATE TABLE image_keys (
    bucket        text PRIMARY KEY,
    wrapped_key   bytea,
    created_at    timestamptz NOT NULL,
    destroyed_at  timestamptz,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);
