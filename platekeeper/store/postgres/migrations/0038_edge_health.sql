-- What each edge agent (a patrol car's or a remote site's camera that queues its reads on its
-- own disk) last reported of itself: one row per camera, replaced by each report. The camera
-- page shows it; the server's time of receipt beside the agent's own gives the clock skew.
CREATE TABLE edge_health (
    camera_id          text PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    received_at        timestamptz NOT NULL,
    agent_time         timestamptz NOT NULL,
    queue_depth        integer NOT NULL CHECK (queue_depth >= 0),
    oldest_queued_at   timestamptz,
    last_forwarded_at  timestamptz,
    copy_issued_at     timestamptz,
    copy_expires_at    timestamptz,
    warning            text
);
