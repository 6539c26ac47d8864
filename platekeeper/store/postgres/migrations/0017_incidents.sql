-- Security incidents: suspected and confirmed breaches of ALPR data (Civil Code 1798.82,
-- 1798.29), what was found, how it was handled, and the notice sent. decisions and notice are
-- JSON documents.
CREATE TABLE incidents (
    id                            text PRIMARY KEY,
    agency_id                     text NOT NULL REFERENCES agencies (id),
    source                        text NOT NULL
                                  CHECK (source IN ('audit-chain', 'bulk-export', 'file-permissions', 'manual')),
    summary                       text NOT NULL,
    discovered_at                 timestamptz NOT NULL,
    reported_by                   text NOT NULL,
    status                        text NOT NULL
                                  CHECK (status IN ('suspected', 'confirmed', 'not-a-breach', 'notified')),
    data_involved                 text NOT NULL,
    reads_affected                bigint,
    people_affected               bigint,
    california_residents          bigint,
    handled_by                    text,
    law_enforcement_delay         text,
    notice                        text,
    notified_at                   timestamptz,
    attorney_general_notified_at  timestamptz,
    decisions                     text NOT NULL,
    decision_count                integer NOT NULL
);

CREATE INDEX incidents_by_agency ON incidents (agency_id, discovered_at);
