-- Hits of reads against hot-list entries, and their verification.
-- Times are integer microseconds since the Unix epoch, UTC. One hit per (read, entry): a read
-- matched again (a retried batch, a retroactive match) finds its hit there already. No foreign
-- keys to reads or entries: a hit outlives the read retention deletes and the entry a refresh
-- removes, as the record of what was flagged and what people made of it.
CREATE TABLE hits (
    id                 TEXT PRIMARY KEY,
    read_id            TEXT NOT NULL,
    entry_id           TEXT NOT NULL,
    list_id            TEXT NOT NULL,
    match_kind         TEXT NOT NULL CHECK (match_kind IN ('exact', 'confusable', 'one-off')),
    score              REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    state_agreement    TEXT NOT NULL CHECK (state_agreement IN ('agrees', 'differs', 'unknown')),
    stale              INTEGER NOT NULL CHECK (stale IN (0, 1)),
    created_at         INTEGER NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    verified_by        TEXT,
    verified_at        INTEGER,
    rejection_reason   TEXT,
    verification_note  TEXT,
    outcome            TEXT,
    outcome_by         TEXT,
    outcome_at         INTEGER,
    UNIQUE (read_id, entry_id)
) STRICT;

CREATE INDEX hits_by_created ON hits (created_at, id);
CREATE INDEX hits_by_status ON hits (status, created_at);
CREATE INDEX hits_by_list ON hits (list_id, created_at);
