-- Provisioning by the agency's directory (SCIM). A token is bound to one agency and kept only as
-- its SHA-256. The directory's people and groups are kept as it described them; a person's
-- account (account_id) follows from their groups.
CREATE TABLE directory_tokens (
    id            text PRIMARY KEY,
    agency_id     text NOT NULL REFERENCES agencies (id),
    name          text NOT NULL,
    token_hash    text NOT NULL UNIQUE,
    issued_by     text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CHECK (expires_at > created_at)
);

CREATE INDEX directory_tokens_by_agency ON directory_tokens (agency_id, created_at);

CREATE TABLE directory_users (
    id            text PRIMARY KEY,
    agency_id     text NOT NULL REFERENCES agencies (id),
    user_name     text NOT NULL,
    external_id   text,
    display_name  text NOT NULL,
    given_name    text,
    family_name   text,
    title         text,
    active        boolean NOT NULL,
    account_id    text UNIQUE REFERENCES accounts (id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (agency_id, user_name)
);

CREATE INDEX directory_users_by_external_id ON directory_users (agency_id, external_id);

CREATE TABLE directory_groups (
    id            text PRIMARY KEY,
    agency_id     text NOT NULL REFERENCES agencies (id),
    display_name  text NOT NULL,
    external_id   text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (agency_id, display_name)
);

CREATE TABLE directory_group_members (
    group_id  text NOT NULL REFERENCES directory_groups (id) ON DELETE CASCADE,
    user_id   text NOT NULL REFERENCES directory_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX directory_group_members_by_user ON directory_group_members (user_id);
