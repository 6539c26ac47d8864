-- Hits of reads against hot-list entries, and their verification.
-- One hit per (read, entry): a read matched again (a retried batch, a retroactive match) finds
-- its hit there already. No foreign keys to reads or entries: a hit outlives the read retention
-- deletes and the entry a refresh removes, as the record of what was flagged and what people
-- made of it.
CREATE TABLE hits (
    id                 text PRIMARY KEY,
    read_id            text NOT NULL,
    entry_id           text NOT NULL,
    list_id            text NOT NULL,
    match_kind         text NOT NULL CHECK (match_kind IN ('exact', 'confusable', 'one-off')),
    score              double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
    state_agreement    text NOT NULL CHECK (state_agreement IN ('agrees', 'differs', 'unknown')),
    stale              boolean NOT NULL,
    created_at         timestamptz NOT NULL,
    status             text NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    verified_by        text,
    verified_at        timestamptz,
    rejection_reason   text,
    verification_note  text,
    outcome            text,
    outcome_by         text,
    outcome_at         timestamptz,
    UNIQUE (read_id, entry_id)
);

CREATE INDEX hits_by_created ON hits (created_at, id);
CREATE INDEX hits_by_status ON hits (status, created_at);
CREATE INDEX hits_by_list ON hits (list_id, created_at);
