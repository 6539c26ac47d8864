-- Sessions whose screen locked after idle time (CJIS AC-11): until the person types their
-- password again, a locked session opens nothing but its unlock step, its sign-out and the
-- live alert stream, which then sends a count only. Ending a session ends its lock.
CREATE TABLE session_locks (
    session_id  text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    locked_at   timestamptz NOT NULL
);
