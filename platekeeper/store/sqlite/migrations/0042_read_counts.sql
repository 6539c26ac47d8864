-- Reads counted per capture day (UTC) and camera, kept by the store in the same transaction as
-- every read stored or removed (store/sql/read_rollups.py), so that reports and the
-- transparency page count a few thousand rows instead of every read. An agency's count is its
-- cameras' rows. A row reaching zero is deleted; no row is ever zero.
CREATE TABLE read_counts (
    day        TEXT NOT NULL,
    camera_id  TEXT NOT NULL,
    reads      INTEGER NOT NULL CHECK (reads > 0),
    PRIMARY KEY (day, camera_id)
) STRICT, WITHOUT ROWID;

INSERT INTO read_counts (day, camera_id, reads)
SELECT date(captured_at / 1000000, 'unixepoch'), camera_id, count(*)
FROM reads
GROUP BY 1, 2;
