-- Provisioning by the agency's directory (SCIM). A token is bound to one agency and kept only as
-- its SHA-256. The directory's people and groups are kept as it described them; a person's
-- account (account_id) follows from their groups. Times are integer microseconds, UTC.
CREATE TABLE directory_tokens (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    issued_by     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER,
    CHECK (expires_at > created_at)
) STRICT;

CREATE INDEX directory_tokens_by_agency ON directory_tokens (agency_id, created_at);

CREATE TABLE directory_users (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    user_name     TEXT NOT NULL,
    external_id   TEXT,
    display_name  TEXT NOT NULL,
    given_name    TEXT,
    family_name   TEXT,
    title         TEXT,
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    account_id    TEXT UNIQUE REFERENCES accounts (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (agency_id, user_name)
) STRICT;

CREATE INDEX directory_users_by_external_id ON directory_users (agency_id, external_id);

CREATE TABLE directory_groups (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    display_name  TEXT NOT NULL,
    external_id   TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (agency_id, display_name)
) STRICT;

CREATE TABLE directory_group_members (
    group_id  TEXT NOT NULL REFERENCES directory_groups (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES directory_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) STRICT;

CREATE INDEX directory_group_members_by_user ON directory_group_members (user_id);
