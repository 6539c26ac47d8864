"""The policy file: the one source of truth the system enforces, its check and its profiles."""
