-- Reads a whole-day purge removed, counted per plate, that the plate index has yet to subtract
-- (store/sql/plate_index.py, "settle"). Only PostgreSQL purges whole days; SQLite purges in
-- batches that tell the plate index at once, so here the table stays empty, and exists so that
-- both stores carry the same tables.
CREATE TABLE plate_debts (
    id         INTEGER PRIMARY KEY,
    plate_key  TEXT NOT NULL,
    reads      INTEGER NOT NULL CHECK (reads > 0)
);
