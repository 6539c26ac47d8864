"""The ``platekeeper`` command line."""
