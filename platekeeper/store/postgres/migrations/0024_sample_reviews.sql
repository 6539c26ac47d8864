-- The auditor's review of each sampled search (R34): a verdict and a note per access-log
-- entry; a later review of the same entry supersedes an earlier one, which is kept.
CREATE TABLE sample_reviews (
    id           text PRIMARY KEY,
    agency_id    text NOT NULL REFERENCES agencies (id),
    access_seq   bigint NOT NULL,
    verdict      text NOT NULL CHECK (verdict IN ('consistent', 'inconsistent', 'undetermined')),
    note         text NOT NULL,
    reviewed_by  text NOT NULL,
    reviewed_at  timestamptz NOT NULL
);

CREATE INDEX sample_reviews_by_agency ON sample_reviews (agency_id, access_seq, reviewed_at);
