"""People's accounts: administration, sign-in, sessions and API tokens, on top of the store."""
