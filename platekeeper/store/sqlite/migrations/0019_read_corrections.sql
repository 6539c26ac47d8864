-- Corrections of misreads: the read keeps the corrected text, this table the original and who
-- changed it, why and for which purpose and case. read_id is the read's id as text; with
-- captured_at it finds the read. A correction holds plate text, so it goes with its read.
CREATE TABLE read_corrections (
    id                TEXT PRIMARY KEY,
    read_id           TEXT NOT NULL,
    captured_at       INTEGER NOT NULL,
    agency_id         TEXT NOT NULL REFERENCES agencies (id),
    original_text     TEXT NOT NULL,
    original_region   TEXT,
    corrected_text    TEXT NOT NULL,
    corrected_region  TEXT,
    corrected_by      TEXT NOT NULL,
    corrected_at      INTEGER NOT NULL,
    reason            TEXT NOT NULL,
    purpose_code      TEXT NOT NULL,
    case_number       TEXT NOT NULL
) STRICT;

CREATE INDEX read_corrections_by_read ON read_corrections (read_id, corrected_at);
CREATE INDEX read_corrections_by_agency ON read_corrections (agency_id, corrected_at);
