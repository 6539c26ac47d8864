"""``python -m platekeeper`` is the ``platekeeper`` command."""

from platekeeper.cli.main import main

main()
