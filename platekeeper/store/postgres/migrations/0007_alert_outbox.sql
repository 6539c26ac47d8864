-- The durable outbox of alerts for webhooks and MQTT: one row per alert per destination, written
-- when the hit is made, so that a restart loses no alert. The payload is dropped once delivered.
CREATE TABLE alert_outbox (
    id               text PRIMARY KEY,
    destination      text NOT NULL,
    hit_id           text NOT NULL,
    payload          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    finished_at      timestamptz,
    last_error       text,
    UNIQUE (hit_id, destination)
);

CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
