-- Single sign-on through the agency's OpenID provider.
--
-- Each person the provider vouches for is known there by (issuer, subject); this links that
-- pair to one account here, and an account to at most one subject of each provider, so that
-- another person of the directory can never sign in to it.
CREATE TABLE federated_identities (
    issuer          text NOT NULL,
    subject         text NOT NULL,
    account_id      text NOT NULL REFERENCES accounts (id),
    linked_at       timestamptz NOT NULL,
    last_sign_in_at timestamptz,
    PRIMARY KEY (issuer, subject),
    UNIQUE (issuer, account_id)
);

-- A sign-in sent to the provider and not back yet: its state, nonce and PKCE verifier, found
-- by the SHA-256 of a random value kept in the browser's cookie. Used once, then deleted.
CREATE TABLE sign_on_requests (
    binding_hash    text PRIMARY KEY,
    state           text NOT NULL,
    nonce           text NOT NULL,
    code_verifier   text NOT NULL,
    next_page       text NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE INDEX sign_on_requests_by_age ON sign_on_requests (created_at);

-- The provider's ID token of a session that signed in through it: logging out sends it back
-- (id_token_hint) so that the provider's own session ends too. It goes with its session.
CREATE TABLE federated_sessions (
    session_id      text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    issuer          text NOT NULL,
    id_token        text NOT NULL
);
