-- Corrections of misreads: the read keeps the corrected text, this table the original and who
-- changed it, why and for which purpose and case. read_id is the read's id as text; with
-- captured_at it finds the read. A correction holds plate text, so it goes with its read.
CREATE TABLE read_corrections (
    id                text PRIMARY KEY,
    read_id           text NOT NULL,
    captured_at       timestamptz NOT NULL,
    agency_id         text NOT NULL REFERENCES agencies (id),
    original_text     text NOT NULL,
    original_region   text,
    corrected_text    text NOT NULL,
    corrected_region  text,
    corrected_by      text NOT NULL,
    corrected_at      timestamptz NOT NULL,
    reason            text NOT NULL,
    purpose_code      text NOT NULL,
    case_number       text NOT NULL
);

CREATE INDEX read_corrections_by_read ON read_corrections (read_id, corrected_at);
CREATE INDEX read_corrections_by_agency ON read_corrections (agency_id, corrected_at);
