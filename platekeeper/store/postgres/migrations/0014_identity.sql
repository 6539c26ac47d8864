-- People act only as themselves. A password set by someone else lets its owner do one thing:
-- choose a new one. Privileged roles (supervisor, custodian, auditor) wait for a second
-- privileged person's approval; a new account that asked for them cannot be used until then.
ALTER TABLE accounts ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE accounts ADD COLUMN awaiting_approval boolean NOT NULL DEFAULT false;
ALTER TABLE accounts ADD COLUMN pending_roles text
    CHECK (pending_roles <> '' AND pending_roles NOT LIKE '%camera%');
ALTER TABLE accounts ADD COLUMN pending_by text;
ALTER TABLE accounts ADD COLUMN pending_at timestamptz;

-- Who created an account, set its password or changed its roles, and when: nobody approves an
-- action of an account they changed lately, nor one of the person who changed theirs.
CREATE TABLE account_changes (
    id          bigserial PRIMARY KEY,
    username    text NOT NULL,
    changed_by  text NOT NULL,
    change      text NOT NULL CHECK (change IN ('created', 'password', 'roles', 'roles_approved')),
    at          timestamptz NOT NULL
);

CREATE INDEX account_changes_by_account ON account_changes (username, at);
CREATE INDEX account_changes_by_changer ON account_changes (changed_by, at);

-- Failed sign-ins, counted per typed username and per client address, both as SHA-256 so that
-- a password typed as a username is not kept. Unknown usernames count and lock like known ones.
CREATE TABLE sign_in_failures (
    subject       text PRIMARY KEY,
    failures      integer NOT NULL CHECK (failures >= 0),
    first_at      timestamptz NOT NULL,
    locked_until  timestamptz
);
