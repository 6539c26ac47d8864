-- Retention removes access-log entries only under a signed purge event in the chain itself
-- (docs/access-log.md, "Retention"): an entry of action 'audit:purge', appended before the
-- delete in the same transaction, whose query names the range (first_seq, last_seq), its
-- boundary hashes and the cutoff, signed with the checkpoint key. The anchor row, which any
-- writer could insert to excuse a deletion, goes: verification accepts a missing beginning only
-- when a signed purge event accounts for it.
DROP TRIGGER access_log_delete_below_anchor;
DROP TABLE access_log_anchor;

-- The delete trigger looks purge events up for every row it removes.
CREATE INDEX access_log_purge_events ON access_log (seq) WHERE action = 'audit:purge';

-- Entries join only at the head, chained to it: no row is slipped into the middle of the chain.
CREATE TRIGGER access_log_append_at_head BEFORE INSERT ON access_log
WHEN NEW.seq <> coalesce((SELECT max(seq) FROM access_log), 0) + 1
    OR NEW.prev_hash <> coalesce(
        (SELECT entry_hash FROM access_log ORDER BY seq DESC LIMIT 1),
        '0000000000000000000000000000000000000000000000000000000000000000'
    )
BEGIN
    SELECT RAISE(ABORT, 'access log entries are appended at the head, chained to it');
END;

-- An entry leaves only inside the range of a later purge event, and only if it is older than
-- that event's cutoff. The database cannot check the event's signature; verification does, so
-- a purge event forged to pass this trigger still fails 'platekeeper audit verify'.
CREATE TRIGGER access_log_delete_only_purged BEFORE DELETE ON access_log
WHEN NOT EXISTS (
    SELECT 1 FROM access_log AS purge
    WHERE purge.action = 'audit:purge'
        AND purge.seq > OLD.seq
        AND OLD.seq BETWEEN CAST(json_extract(purge.query, '$.first_seq') AS INTEGER)
            AND CAST(json_extract(purge.query, '$.last_seq') AS INTEGER)
        AND OLD.at < CAST(strftime('%s', json_extract(purge.query, '$.cutoff')) AS INTEGER)
            * 1000000
)
BEGIN
    SELECT RAISE(ABORT, 'access log entries are removed only by retention, under a purge event');
END;
