-- Retention removes access-log entries only under a signed purge event in the chain itself
-- (docs/access-log.md, "Retention"): an entry of action 'audit:purge', appended before the
-- delete in the same transaction, whose query names the range (first_seq, last_seq), its
-- boundary hashes and the cutoff, signed with the checkpoint key. The anchor row, which any
-- writer could insert to excuse a deletion, goes: verification accepts a missing beginning only
-- when a signed purge event accounts for it.
DROP TRIGGER access_log_no_delete ON access_log;
DROP FUNCTION access_log_delete_below_anchor();
DROP TABLE access_log_anchor;
DROP FUNCTION access_log_anchor_forward();

-- The delete trigger looks purge events up for every row it removes.
CREATE INDEX access_log_purge_events ON access_log (seq) WHERE action = 'audit:purge';

-- Entries join only at the head, chained to it: no row is slipped into the middle of the chain.
CREATE FUNCTION access_log_append_at_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    SELECT seq, entry_hash INTO head_seq, head_hash FROM access_log ORDER BY seq DESC LIMIT 1;
    IF NEW.seq <> coalesce(head_seq, 0) + 1
        OR NEW.prev_hash <> coalesce(head_hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'access log entries are appended at the head, chained to it';
    END IF;
    RETURN NEW;
END;
$$;

-- An entry leaves only inside the range of a later purge event, and only if it is older than
-- that event's cutoff. The database cannot check the event's signature; verification does, so
-- a purge event forged to pass this trigger still fails 'platekeeper audit verify'.
CREATE FUNCTION access_log_delete_only_purged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM access_log AS purge
        WHERE purge.action = 'audit:purge'
            AND purge.seq > OLD.seq
            AND OLD.seq BETWEEN (purge.query ->> 'first_seq')::bigint
                AND (purge.query ->> 'last_seq')::bigint
            AND OLD.at < (purge.query ->> 'cutoff')::timestamptz
    ) THEN
        RAISE EXCEPTION 'access log entries are removed only by retention, under a purge event';
    END IF;
    RETURN OLD;
END;
$$;

CREATE TRIGGER access_log_append_at_head BEFORE INSERT ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_at_head();
CREATE TRIGGER access_log_delete_only_purged BEFORE DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_delete_only_purged();
