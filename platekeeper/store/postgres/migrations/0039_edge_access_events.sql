-- Accesses made on an edge agent's local page (a hit viewed with its purpose, verified), which
-- the agent forwards for the access log once it is connected: the ids already entered, so that
-- a resend after the agent lost the server's answer is not entered twice.
CREATE TABLE edge_access_events (
    id           text PRIMARY KEY,
    camera_id    text NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    received_at  timestamptz NOT NULL
);
