"""Camera keys kept out of logs: a device that cannot send a header may carry its key in a
vendor source's URL (``/api/v1/ingest/{source}/k/{key}``), and URLs are what request logs write."""

from __future__ import annotations

import logging
import re

_URL_KEY = re.compile(r"(/api/v1/ingest/[^/\s?]+/k/)[^/\s?\"']+")
REDACTED = "[redacted]"


def redact_url_keys(text: str) -> str:
    return _URL_KEY.sub(rf"\g<1>{REDACTED}", text)


class UrlKeyRedaction(logging.Filter):
    """Rewrites a record's message and text arguments (uvicorn's access log passes the path as
    one) so that no camera key in a URL is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url_keys(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url_keys(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def install_url_key_redaction() -> None:
    """On the loggers that write request lines or errors with the request's path."""
    for name in ("uvicorn.access", "uvicorn.error", "platekeeper"):
        logging.getLogger(name).addFilter(UrlKeyRedaction())
