-- What each edge agent (a patrol car's or a remote site's camera that queues its reads on its
-- own disk) last reported of itself: one row per camera, replaced by each report. The camera
-- page shows it; the server's time of receipt beside the agent's own gives the clock skew.
CREATE TABLE edge_health (
    camera_id          TEXT PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    received_at        INTEGER NOT NULL,
    agent_time         INTEGER NOT NULL,
    queue_depth        INTEGER NOT NULL CHECK (queue_depth >= 0),
    oldest_queued_at   INTEGER,
    last_forwarded_at  INTEGER,
    copy_issued_at     INTEGER,
    copy_expires_at    INTEGER,
    warning            TEXT
) STRICT;
