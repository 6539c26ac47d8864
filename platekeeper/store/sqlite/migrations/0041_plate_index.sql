-- The plate index: one row per distinct plate key among the stored reads, kept exact in the
-- same transaction as every read stored, purged or corrected (store/sql/plate_index.py). A
-- partial or misread-tolerant search finds its plates here and then fetches only their reads
-- through reads_by_plate, so it never scans the reads. folded_key is the key with OCR
-- look-alikes folded (domain.plates.fold_confusables); first_seen and last_seen bound the
-- plate's capture times, so a search of a time range skips plates not seen in it.
CREATE TABLE plates (
    plate_key   TEXT PRIMARY KEY,
    folded_key  TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    reads       INTEGER NOT NULL CHECK (reads > 0)
);
-- Equality on the folded key: a misread-tolerant search probes the one-edit neighbourhood.
CREATE INDEX plates_by_folded ON plates (folded_key);

-- Patterns (7AB*, *C123, 7A?C12?) through FTS5's trigram tokenizer over the folded key: 1 ms
-- where a scan of 1.5 M plates takes 130 ms. External content: the text stays in plates, the
-- triggers keep the trigrams in step (a plate's keys never change, only its counts and times).
-- detail='none' keeps no positions: a match is a candidate, checked with LIKE on plates.
CREATE VIRTUAL TABLE plate_trigrams USING fts5(
    folded_key, content='plates', content_rowid='rowid', tokenize='trigram', detail='none'
);
CREATE TRIGGER plates_trigrams_insert AFTER INSERT ON plates BEGIN
    INSERT INTO plate_trigrams (rowid, folded_key) VALUES (new.rowid, new.folded_key);
END;
CREATE TRIGGER plates_trigrams_delete AFTER DELETE ON plates BEGIN
    INSERT INTO plate_trigrams (plate_trigrams, rowid, folded_key)
        VALUES ('delete', old.rowid, old.folded_key);
END;

-- Every read stored so far, folded as fold_confusables does (CONFUSABLE_CLASSES).
INSERT INTO plates (plate_key, folded_key, first_seen, last_seen, reads)
SELECT plate_key,
       REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
           plate_key, '0', 'O'), 'D', 'O'), 'Q', 'O'), '1', 'I'), 'L', 'I'), 'T', 'I'),
           '8', 'B'), '5', 'S'), '2', 'Z'), '6', 'G'),
       min(captured_at), max(captured_at), count(*)
FROM reads GROUP BY plate_key;
