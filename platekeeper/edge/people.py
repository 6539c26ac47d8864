"""Who may use the agent's page, and how what they do reaches the server's access log.

Sign-in: a person gives their own API token, issued at the server with the scopes ``alerts``
and ``profile`` (the server's sign-in, password and second factor, stands behind it). While
the server can be reached the agent asks it who the token belongs to (``/api/v1/auth/me``);
the answer, under the token's SHA-256 only, is kept on the agent's disk until the hot-list copy
expires (at most ``OFFLINE_SIGN_IN`` later), and while the server cannot be reached that token
signs in from it. A person who never signed in on this agent while it was connected cannot
sign in offline; a token revoked at the server still opens the page offline until then, which
is the price of working without an uplink, bounded by the copy's expiry.

Each access on the page is decided by the project's gate (``domain/gate.py``) with the
server's purposes and case number format from the signed copy, and recorded by a sink that
queues it on disk (``EventQueueSink``); the agent forwards the events to the server, which
enters them in its access log under the person's name.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from platekeeper.domain.access import AccessEvent, AccessRecord, Actor, seal
from platekeeper.domain.access import event_document as access_event_document
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission
from platekeeper.edge.queue import EdgeQueue
from platekeeper.edge.server import Refused, Server, Unreachable
from platekeeper.errors import AuthenticationFailed

OFFLINE_SIGN_IN = timedelta(hours=12)
SIGNED_IN_WITH = "api-token@edge"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def person_of(me: dict[str, Any]) -> Person:
    """The person ``/api/v1/auth/me`` describes, limited to the permissions it lists."""
    return Person(
        actor=Actor(str(me["username"]), str(me["agency_id"]), SIGNED_IN_WITH),
        roles=frozenset(Role(role) for role in me["roles"] if role in Role._value2member_map_),
        client_address="edge-page",
        permits=frozenset(
            Permission(p) for p in me["permissions"] if p in Permission._value2member_map_
        ),
    )


class SignIn:
    def __init__(self, queue: EdgeQueue, server: Server) -> None:
        self._queue = queue
        self._server = server

    def sign_in(self, token: str, now: datetime, copy_expires_at: datetime | None) -> Person:
        """The person ``token`` belongs to: asked of the server, or remembered while it is away."""
        hashed = token_hash(token.strip())
        try:
            me = self._server.me(token.strip())
        except Refused as refused:
            raise AuthenticationFailed(
                f"the server refused the token: {refused.problem}",
                hint="Use your own API token with the scopes 'alerts' and 'profile'.",
            ) from None
        except Unreachable:
            remembered = self._queue.sign_in(hashed, now)
            if remembered is None:
                raise AuthenticationFailed(
                    "the server cannot be reached, and this token was not checked on this agent "
                    "lately",
                    hint="Sign in once while the agent is connected; that holds offline until "
                    "the hot-list copy expires.",
                ) from None
            return person_of(json.loads(remembered))
        good_until = now + OFFLINE_SIGN_IN
        if copy_expires_at is not None:
            good_until = min(good_until, copy_expires_at)
        self._queue.remember_sign_in(hashed, json.dumps(me), good_until)
        return person_of(me)


class EventQueueSink:
    """The gate's sink on the agent: each event queued on disk for the server's access log."""

    def __init__(self, queue: EdgeQueue) -> None:
        self._queue = queue

    def record(self, event: AccessEvent) -> AccessRecord:
        event_id = str(uuid.uuid4())
        self._queue.add_event(event_id, json.dumps(event_document(event_id, event)))
        # The chain is the server's: this local record only satisfies the sink's shape.
        return seal(0, event, "0" * 64)


_NOT_SENT = frozenset({"read_ids", "image_refs", "client_address", "signed_in_with"})
"""What the server sets itself when it enters the event: the page returns no read ids or
images, and the address and way of signing in are the agent's."""


def event_document(event_id: str, event: AccessEvent) -> dict[str, Any]:
    """The event as ``POST /api/v1/edge/access-events`` takes it."""
    document = access_event_document(event)
    return {"id": event_id, **{k: v for k, v in document.items() if k not in _NOT_SENT}}
