-- People's accounts and their credentials. Roles are one comma-separated text, sorted, as in
-- SQLite, so both backends map rows alike.
CREATE TABLE accounts (
    id                      text PRIMARY KEY,
    username                text NOT NULL UNIQUE,
    display_name            text NOT NULL,
    agency_id               text NOT NULL REFERENCES agencies (id),
    job_title               text NOT NULL,
    roles                   text NOT NULL CHECK (roles <> '' AND roles NOT LIKE '%camera%'),
    status                  text NOT NULL CHECK (status IN ('active', 'suspended', 'deactivated')),
    suspension_reason       text CHECK (suspension_reason IN
                                ('inactivity', 'training_expired', 'training_missing', 'by_custodian')),
    training_completed_on   date,
    training_expires_on     date,
    password_hash           text,
    failed_logins           integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until            timestamptz,
    created_at              timestamptz NOT NULL,
    last_active_at          timestamptz,
    CHECK ((status = 'suspended') = (suspension_reason IS NOT NULL)),
    CHECK ((training_completed_on IS NULL) = (training_expires_on IS NULL)),
    CHECK (training_expires_on > training_completed_on)
);

CREATE INDEX accounts_by_agency ON accounts (agency_id, username);

-- One row per signed-in browser; the token itself is never stored, only its SHA-256.
CREATE TABLE sessions (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    token_hash      text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    client_address  text
);

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Revoked tokens are kept, so that the record shows which token was used until when.
CREATE TABLE api_tokens (
    id            text PRIMARY KEY,
    account_id    text NOT NULL REFERENCES accounts (id),
    name          text NOT NULL,
    token_hash    text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

CREATE INDEX api_tokens_by_account ON api_tokens (account_id, created_at);
