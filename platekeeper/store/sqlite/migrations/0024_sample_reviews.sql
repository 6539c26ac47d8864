-- The auditor's review of each sampled search (R34): a verdict and a note per access-log
-- entry; a later review of the same entry supersedes an earlier one, which is kept.
CREATE TABLE sample_reviews (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL REFERENCES agencies (id),
    access_seq   INTEGER NOT NULL,
    verdict      TEXT NOT NULL CHECK (verdict IN ('consistent', 'inconsistent', 'undetermined')),
    note         TEXT NOT NULL,
    reviewed_by  TEXT NOT NULL,
    reviewed_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX sample_reviews_by_agency ON sample_reviews (agency_id, access_seq, reviewed_at);
