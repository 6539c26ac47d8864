-- How the person of each access-log entry signed in (CJIS AU-3): 'password+totp', 'oidc',
-- 'api-token', 'console+password', 'camera-key'; NULL for the system and for entries written
-- before. Inside the entry's hash when present (docs/access-log.md). Adding a column changes no
-- row, so the append-only triggers of 0003 and 0012 stand as they were and cover it.
ALTER TABLE access_log ADD COLUMN signed_in_with TEXT;
