-- Versions of the usage and privacy policy as rendered and published, so that a report can tell
-- whether the published policy is the one enforced. One row per content of the policy file
-- (its SHA-256); the version label (effective date and hash) is fixed when it is first rendered.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE policy_versions (
    sha256             TEXT PRIMARY KEY,
    version            TEXT NOT NULL UNIQUE,
    first_rendered_at  INTEGER NOT NULL,
    last_rendered_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX policy_versions_by_last ON policy_versions (last_rendered_at);
