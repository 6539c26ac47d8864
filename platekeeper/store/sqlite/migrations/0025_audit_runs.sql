-- The audit's records (R33): every compliance report made, with the codes it found (one per
-- line), and the resolution of each finding: who, when and how. A run names its agency (NULL:
-- the console's report of all) without a foreign key, so that no report fails for want of one.
CREATE TABLE audit_runs (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT,
    period_start  INTEGER NOT NULL,
    period_end    INTEGER NOT NULL,
    run_by        TEXT NOT NULL,
    run_at        INTEGER NOT NULL,
    codes         TEXT NOT NULL
) STRICT;

CREATE INDEX audit_runs_by_agency ON audit_runs (agency_id, run_at);

CREATE TABLE finding_resolutions (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL REFERENCES agencies (id),
    run_id       TEXT NOT NULL REFERENCES audit_runs (id),
    code         TEXT NOT NULL,
    how          TEXT NOT NULL,
    resolved_by  TEXT NOT NULL,
    resolved_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX finding_resolutions_by_run ON finding_resolutions (run_id, code);
