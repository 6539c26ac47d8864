-- How each session's person proved who they are (a password, a second factor, single sign-on):
-- the CJIS audit asks it of every session, and the access log names it.
ALTER TABLE sessions ADD COLUMN signed_in_with TEXT NOT NULL DEFAULT 'password';
