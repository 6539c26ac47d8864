-- Security incidents: suspected and confirmed breaches of ALPR data (Civil Code 1798.82,
-- 1798.29), what was found, how it was handled, and the notice sent. Times are integer
-- microseconds since the Unix epoch, UTC. decisions and notice are JSON documents.
CREATE TABLE incidents (
    id                            TEXT PRIMARY KEY,
    agency_id                     TEXT NOT NULL REFERENCES agencies (id),
    source                        TEXT NOT NULL
                                  CHECK (source IN ('audit-chain', 'bulk-export', 'file-permissions', 'manual')),
    summary                       TEXT NOT NULL,
    discovered_at                 INTEGER NOT NULL,
    reported_by                   TEXT NOT NULL,
    status                        TEXT NOT NULL
                                  CHECK (status IN ('suspected', 'confirmed', 'not-a-breach', 'notified')),
    data_involved                 TEXT NOT NULL,
    reads_affected                INTEGER,
    people_affected               INTEGER,
    california_residents          INTEGER,
    handled_by                    TEXT,
    law_enforcement_delay         TEXT,
    notice                        TEXT,
    notified_at                   INTEGER,
    attorney_general_notified_at  INTEGER,
    decisions                     TEXT NOT NULL,
    decision_count                INTEGER NOT NULL
) STRICT;

CREATE INDEX incidents_by_agency ON incidents (agency_id, discovered_at);
