-- The access log: one row per access, allowed or denied, chained by hash (docs/access-log.md).
-- timestamptz keeps microseconds, as the hash needs.
CREATE TABLE access_log (
    seq             bigint PRIMARY KEY,
    at              timestamptz NOT NULL,
    username        text NOT NULL,
    agency_id       text NOT NULL,
    action          text NOT NULL,
    outcome         text NOT NULL,
    reason          text NOT NULL,
    query           jsonb NOT NULL,
    read_ids        jsonb NOT NULL,
    image_refs      jsonb NOT NULL,
    purpose_code    text,
    case_number     text,
    client_address  text,
    prev_hash       text NOT NULL,
    entry_hash      text NOT NULL
);

CREATE INDEX access_log_by_time ON access_log (at);
CREATE INDEX access_log_by_user ON access_log (username, at);
CREATE INDEX access_log_by_case ON access_log (case_number, at);
CREATE INDEX access_log_by_plate ON access_log ((query ->> 'plate'), at);

-- Signed statements "entry seq had hash entry_hash"; kept when entries are purged.
CREATE TABLE access_log_checkpoints (
    seq         bigint NOT NULL,
    entry_hash  text NOT NULL,
    signed_at   timestamptz NOT NULL,
    key_id      text NOT NULL,
    signature   text NOT NULL,
    PRIMARY KEY (seq, key_id)
);

-- The last entry removed by retention (always a checkpointed one): verification starts there.
CREATE TABLE access_log_anchor (
    id             integer PRIMARY KEY CHECK (id = 1),
    seq            bigint NOT NULL,
    entry_hash     text NOT NULL,
    purged_before  timestamptz NOT NULL
);

-- Append-only, enforced where the data lives. These stop mistakes and casual edits by anyone
-- who does not own the tables; an owner or superuser disables them, and then the hash chain and
-- the signed checkpoints are what tell.
CREATE FUNCTION access_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE FUNCTION access_log_delete_below_anchor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq > coalesce((SELECT seq FROM access_log_anchor WHERE id = 1), 0) THEN
        RAISE EXCEPTION 'access log entries are removed only by retention, up to the anchor';
    END IF;
    RETURN OLD;
END;
$$;

CREATE FUNCTION access_log_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'UPDATE' AND NEW.seq < OLD.seq) OR NOT EXISTS (
        SELECT 1 FROM access_log_checkpoints WHERE seq = NEW.seq AND entry_hash = NEW.entry_hash
    ) THEN
        RAISE EXCEPTION 'the access log anchor only moves forward, to a checkpointed entry';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse();
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_delete_below_anchor();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse();
CREATE TRIGGER access_log_checkpoints_no_change BEFORE UPDATE OR DELETE ON access_log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse();
CREATE TRIGGER access_log_checkpoints_no_truncate BEFORE TRUNCATE ON access_log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse();
CREATE TRIGGER access_log_anchor_forward BEFORE INSERT OR UPDATE ON access_log_anchor
    FOR EACH ROW EXECUTE FUNCTION access_log_anchor_forward();
CREATE TRIGGER access_log_anchor_no_change BEFORE DELETE ON access_log_anchor
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse();
CREATE TRIGGER access_log_anchor_no_truncate BEFORE TRUNCATE ON access_log_anchor
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse();
