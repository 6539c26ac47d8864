"""The HTTP API: ``create_app(services)`` builds it; routes, schemas and one error handler."""

from platekeeper.api.app import create_app

__all__ = ["create_app"]
