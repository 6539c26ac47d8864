"""The HTTP floor: the app factory and the plumbing both front ends (``api``, ``web``) stand on:
who is calling and may they (``auth``), the services (``deps``), problem details (``problems``),
security headers, the stated basis of a look-up, and the server that ends the alert streams.

It imports neither front end; ``platekeeper.app`` composes them on it.
"""
