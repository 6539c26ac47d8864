-- What each API token may be used for: its scopes, space-separated ('alerts search'). Tokens
-- issued before scopes existed get none and are refused until their owner issues a new one: they
-- were made for up to a year with every permission of their owner's roles, which is what scopes
-- and the shorter lifetimes end (docs/api.md, "API tokens").
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
