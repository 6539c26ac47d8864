-- The plate index: one row per distinct plate key among the stored reads, kept exact in the
-- same transaction as every read stored, purged or corrected (store/sql/plate_index.py). A
-- partial or misread-tolerant search finds its plates here and then fetches only their reads
-- through reads_by_plate, so it never scans the reads. folded_key is the key with OCR
-- look-alikes folded (domain.plates.fold_confusables); first_seen and last_seen bound the
-- plate's capture times, so a search of a time range skips plates not seen in it.
--
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create
-- it, no superuser needed (docs/operations.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE plates (
    plate_key   text PRIMARY KEY,
    folded_key  text NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    reads       bigint NOT NULL CHECK (reads > 0)
);

-- Every read stored so far, folded as fold_confusables does (CONFUSABLE_CLASSES).
INSERT INTO plates (plate_key, folded_key, first_seen, last_seen, reads)
SELECT plate_key, translate(plate_key, '0DQ1LT8526', 'OOOIIIBSZG'),
       min(captured_at), max(captured_at), count(*)
FROM reads GROUP BY plate_key;

-- Equality on the folded key: a misread-tolerant search probes the one-edit neighbourhood.
CREATE INDEX plates_by_folded ON plates (folded_key);
-- Patterns (7AB*, *C123, 7A?C12?) through trigrams of the folded key. The operator class is
-- named with the schema the extension lives in: one database may hold several stores, each in
-- its own schema, and the extension exists once, in whichever schema first created it.
DO $$
DECLARE
    trigram_schema text;
BEGIN
    SELECT extnamespace::regnamespace::text INTO trigram_schema
    FROM pg_extension WHERE extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX plates_by_trigram ON plates USING gin (folded_key %s.gin_trgm_ops)',
        trigram_schema
    );
END
$$;
