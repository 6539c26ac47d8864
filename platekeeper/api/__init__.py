"""The HTTP API: routes and schemas, on the HTTP floor (``platekeeper.http``) it shares with the
pages; ``platekeeper.app.create_app`` serves them."""
