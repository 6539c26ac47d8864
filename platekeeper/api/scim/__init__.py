"""SCIM 2.0 (RFC 7643, RFC 7644) as the agency's directory speaks it: the wire format of the
provisioning routes (``api/routes/scim.py``), kept apart from the rest of the API's."""
