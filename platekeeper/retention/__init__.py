"""Retention: purging what has been kept long enough, legal holds, the purge ledger."""
