-- The audit's records (R33): every compliance report made, with the codes it found (one per
-- line), and the resolution of each finding: who, when and how. A run names its agency (NULL:
-- the console's report of all) without a foreign key, so that no report fails for want of one.
CREATE TABLE audit_runs (
    id            text PRIMARY KEY,
    agency_id     text,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    run_by        text NOT NULL,
    run_at        timestamptz NOT NULL,
    codes         text NOT NULL
);

CREATE INDEX audit_runs_by_agency ON audit_runs (agency_id, run_at);

CREATE TABLE finding_resolutions (
    id           text PRIMARY KEY,
    agency_id    text NOT NULL REFERENCES agencies (id),
    run_id       text NOT NULL REFERENCES audit_runs (id),
    code         text NOT NULL,
    how          text NOT NULL,
    resolved_by  text NOT NULL,
    resolved_at  timestamptz NOT NULL
);

CREATE INDEX finding_resolutions_by_run ON finding_resolutions (run_id, code);
