"""Server-rendered pages and the static files they use; nothing is loaded from the internet."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
