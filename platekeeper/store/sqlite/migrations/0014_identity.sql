-- People act only as themselves. A password set by someone else lets its owner do one thing:
-- choose a new one. Privileged roles (supervisor, custodian, auditor) wait for a second
-- privileged person's approval; a new account that asked for them cannot be used until then.
ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
ALTER TABLE accounts ADD COLUMN awaiting_approval INTEGER NOT NULL DEFAULT 0
    CHECK (awaiting_approval IN (0, 1));
ALTER TABLE accounts ADD COLUMN pending_roles TEXT
    CHECK (pending_roles <> '' AND pending_roles NOT LIKE '%camera%');
ALTER TABLE accounts ADD COLUMN pending_by TEXT;
ALTER TABLE accounts ADD COLUMN pending_at INTEGER;

-- Who created an account, set its password or changed its roles, and when: nobody approves an
-- action of an account they changed lately, nor one of the person who changed theirs.
CREATE TABLE account_changes (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('created', 'password', 'roles', 'roles_approved')),
    at          INTEGER NOT NULL
) STRICT;

CREATE INDEX account_changes_by_account ON account_changes (username, at);
CREATE INDEX account_changes_by_changer ON account_changes (changed_by, at);

-- Failed sign-ins, counted per typed username and per client address, both as SHA-256 so that
-- a password typed as a username is not kept. Unknown usernames count and lock like known ones.
CREATE TABLE sign_in_failures (
    subject       TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL CHECK (failures >= 0),
    first_at      INTEGER NOT NULL,
    locked_until  INTEGER
) STRICT;
