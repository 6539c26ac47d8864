-- People's accounts and their credentials. Times are integer microseconds since the Unix epoch,
-- UTC; days are ISO 8601 text (YYYY-MM-DD). Roles are one comma-separated text, sorted.
CREATE TABLE accounts (
    id                      TEXT PRIMARY KEY,
    username                TEXT NOT NULL UNIQUE,
    display_name            TEXT NOT NULL,
    agency_id               TEXT NOT NULL REFERENCES agencies (id),
    job_title               TEXT NOT NULL,
    roles                   TEXT NOT NULL CHECK (roles <> '' AND roles NOT LIKE '%camera%'),
    status                  TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deactivated')),
    suspension_reason       TEXT CHECK (suspension_reason IN
                                ('inactivity', 'training_expired', 'training_missing', 'by_custodian')),
    training_completed_on   TEXT,
    training_expires_on     TEXT,
    password_hash           TEXT,
    failed_logins           INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until            INTEGER,
    created_at              INTEGER NOT NULL,
    last_active_at          INTEGER,
    CHECK ((status = 'suspended') = (suspension_reason IS NOT NULL)),
    CHECK ((training_completed_on IS NULL) = (training_expires_on IS NULL)),
    CHECK (training_expires_on > training_completed_on)
) STRICT;

CREATE INDEX accounts_by_agency ON accounts (agency_id, username);

-- One row per signed-in browser; the token itself is never stored, only its SHA-256.
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    client_address  TEXT
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Revoked tokens are kept, so that the record shows which token was used until when.
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
) STRICT;

CREATE INDEX api_tokens_by_account ON api_tokens (account_id, created_at);
