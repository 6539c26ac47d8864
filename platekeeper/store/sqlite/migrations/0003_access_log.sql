-- The access log: one row per access, allowed or denied, chained by hash (docs/access-log.md).
-- Times are integer microseconds since the Unix epoch, UTC, so that hashes recompute exactly.
CREATE TABLE access_log (
    seq             INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    username        TEXT NOT NULL,
    agency_id       TEXT NOT NULL,
    action          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    reason          TEXT NOT NULL,
    query           TEXT NOT NULL,
    read_ids        TEXT NOT NULL,
    image_refs      TEXT NOT NULL,
    purpose_code    TEXT,
    case_number     TEXT,
    client_address  TEXT,
    prev_hash       TEXT NOT NULL,
    entry_hash      TEXT NOT NULL
) STRICT;

CREATE INDEX access_log_by_time ON access_log (at);
CREATE INDEX access_log_by_user ON access_log (username, at);
CREATE INDEX access_log_by_case ON access_log (case_number, at);
CREATE INDEX access_log_by_plate ON access_log (json_extract(query, '$.plate'), at);

-- Signed statements "entry seq had hash entry_hash"; kept when entries are purged.
CREATE TABLE access_log_checkpoints (
    seq         INTEGER NOT NULL,
    entry_hash  TEXT NOT NULL,
    signed_at   INTEGER NOT NULL,
    key_id      TEXT NOT NULL,
    signature   TEXT NOT NULL,
    PRIMARY KEY (seq, key_id)
) STRICT;

-- The last entry removed by retention (always a checkpointed one): verification starts there.
CREATE TABLE access_log_anchor (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    seq            INTEGER NOT NULL,
    entry_hash     TEXT NOT NULL,
    purged_before  INTEGER NOT NULL
) STRICT;

-- Append-only, enforced where the data lives. These stop mistakes and casual edits by anyone
-- without the right to drop a trigger; an attacker with that right drops them, and then the hash
-- chain and the signed checkpoints are what tell.
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access log entries cannot be changed');
END;

CREATE TRIGGER access_log_delete_below_anchor BEFORE DELETE ON access_log
WHEN OLD.seq > coalesce((SELECT seq FROM access_log_anchor WHERE id = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'access log entries are removed only by retention, up to the anchor');
END;

CREATE TRIGGER access_log_checkpoints_no_update BEFORE UPDATE ON access_log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'access log checkpoints cannot be changed');
END;

CREATE TRIGGER access_log_checkpoints_no_delete BEFORE DELETE ON access_log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'access log checkpoints cannot be removed');
END;

CREATE TRIGGER access_log_anchor_on_checkpoint BEFORE INSERT ON access_log_anchor
WHEN NOT EXISTS (
    SELECT 1 FROM access_log_checkpoints WHERE seq = NEW.seq AND entry_hash = NEW.entry_hash
)
BEGIN
    SELECT RAISE(ABORT, 'the access log anchor must be a checkpointed entry');
END;

CREATE TRIGGER access_log_anchor_forward BEFORE UPDATE ON access_log_anchor
WHEN NEW.seq < OLD.seq OR NOT EXISTS (
    SELECT 1 FROM access_log_checkpoints WHERE seq = NEW.seq AND entry_hash = NEW.entry_hash
)
BEGIN
    SELECT RAISE(ABORT, 'the access log anchor only moves forward, to a checkpointed entry');
END;

CREATE TRIGGER access_log_anchor_no_delete BEFORE DELETE ON access_log_anchor
BEGIN
    SELECT RAISE(ABORT, 'the access log anchor cannot be removed');
END;
