"""SQL repositories written once for every database, against a ``Database`` and its
``Dialect``; each backend package keeps only what truly differs (connections, migrations, the
tuned read paths)."""
