-- Second factors (CJIS 5.9.5, IA-2(1)/(2)): each person's TOTP authenticators and WebAuthn
-- credentials, one table for both so that a person's factors are counted in one place. A TOTP
-- secret is kept sealed with a key outside the database; last_step refuses a code used twice.
CREATE TABLE second_factors (
    id             text PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts (id),
    kind           text NOT NULL CHECK (kind IN ('totp', 'webauthn')),
    label          text NOT NULL,
    created_at     timestamptz NOT NULL,
    confirmed_at   timestamptz,
    last_used_at   timestamptz,
    sealed_secret  text,
    last_step      bigint,
    credential_id  text UNIQUE,
    public_key     text,
    sign_count     integer NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
    CHECK (kind <> 'totp' OR sealed_secret IS NOT NULL),
    CHECK (kind <> 'webauthn' OR (credential_id IS NOT NULL AND public_key IS NOT NULL))
);

CREATE INDEX second_factors_by_account ON second_factors (account_id, created_at);

-- Recovery codes, kept only as hashes; a used one keeps its row, with when it was used.
CREATE TABLE recovery_codes (
    account_id  text NOT NULL REFERENCES accounts (id),
    code_hash   text NOT NULL,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- Sign-ins between the password and the second factor: minutes long, the token only hashed.
CREATE TABLE pending_sign_ins (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    token_hash      text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    first_factor    text NOT NULL,
    client_address  text
);

CREATE INDEX pending_sign_ins_by_account ON pending_sign_ins (account_id);

-- A custodian's reset of someone's second factors is an account change like setting their
-- password: the independence rules keep the two apart afterwards.
ALTER TABLE account_changes DROP CONSTRAINT account_changes_change_check;
ALTER TABLE account_changes ADD CONSTRAINT account_changes_change_check CHECK (change IN
    ('created', 'password', 'roles', 'roles_approved', 'second_factor_reset'));
