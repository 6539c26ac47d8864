-- Second factors (CJIS 5.9.5, IA-2(1)/(2)): each person's TOTP authenticators and WebAuthn
-- credentials, one table for both so that a person's factors are counted in one place. A TOTP
-- secret is kept sealed with a key outside the database; last_step refuses a code used twice.
CREATE TABLE second_factors (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    kind           TEXT NOT NULL CHECK (kind IN ('totp', 'webauthn')),
    label          TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    confirmed_at   INTEGER,
    last_used_at   INTEGER,
    sealed_secret  TEXT,
    last_step      INTEGER,
    credential_id  TEXT UNIQUE,
    public_key     TEXT,
    sign_count     INTEGER NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
    CHECK (kind <> 'totp' OR sealed_secret IS NOT NULL),
    CHECK (kind <> 'webauthn' OR (credential_id IS NOT NULL AND public_key IS NOT NULL))
) STRICT;

CREATE INDEX second_factors_by_account ON second_factors (account_id, created_at);

-- Recovery codes, kept only as hashes; a used one keeps its row, with when it was used.
CREATE TABLE recovery_codes (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    code_hash   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER,
    PRIMARY KEY (account_id, code_hash)
) STRICT;

-- Sign-ins between the password and the second factor: minutes long, the token only hashed.
CREATE TABLE pending_sign_ins (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    first_factor    TEXT NOT NULL,
    client_address  TEXT
) STRICT;

CREATE INDEX pending_sign_ins_by_account ON pending_sign_ins (account_id);

-- A custodian's reset of someone's second factors is an account change like setting their
-- password: the independence rules keep the two apart afterwards. SQLite changes a CHECK only
-- by building the table again.
ALTER TABLE account_changes RENAME TO account_changes_before_0028;
CREATE TABLE account_changes (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN
                    ('created', 'password', 'roles', 'roles_approved', 'second_factor_reset')),
    at          INTEGER NOT NULL
) STRICT;
INSERT INTO account_changes (id, username, changed_by, change, at)
    SELECT id, username, changed_by, change, at FROM account_changes_before_0028;
DROP TABLE account_changes_before_0028;
CREATE INDEX account_changes_by_account ON account_changes (username, at);
CREATE INDEX account_changes_by_changer ON account_changes (changed_by, at);
