-- Reads a whole-day purge removed, counted per plate, that the plate index has yet to subtract
-- (store/sql/plate_index.py, "settle"). A day of a big store holds hundreds of thousands of
-- plates: the purge that swaps the day out writes this table in its own transaction, so the
-- plate index stays a superset of the stored plates, and a later step subtracts the counts in
-- small batches, with no lock that a search waits for. A crash in between loses nothing: the
-- rows wait for the next settle.
CREATE TABLE plate_debts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plate_key  text NOT NULL,
    reads      bigint NOT NULL CHECK (reads > 0)
);

-- A settle changes only plates.reads, which no index covers: with room left on each page the
-- new row versions stay on it (heap-only tuples), and the trigram index is not written at all.
ALTER TABLE plates SET (fillfactor = 80);
