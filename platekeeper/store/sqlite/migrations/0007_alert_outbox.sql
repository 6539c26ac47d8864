-- The durable outbox of alerts for webhooks and MQTT: one row per alert per destination, written
-- when the hit is made, so that a restart loses no alert. Times are integer microseconds since
-- the Unix epoch, UTC. The payload is dropped once delivered.
CREATE TABLE alert_outbox (
    id               TEXT PRIMARY KEY,
    destination      TEXT NOT NULL,
    hit_id           TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    finished_at      INTEGER,
    last_error       TEXT,
    UNIQUE (hit_id, destination)
) STRICT;

CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
