"""The agent's side of the server's API: the camera's routes with its key, and ``/auth/me`` with
a person's token. Every answer is sorted into three: done, try again later (``Unreachable``: no
connection, a timeout, a 5xx, 429, or the camera key refused for now), or refused for good
(``Refused``, a 4xx with the server's problem detail)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from platekeeper.errors import PlateKeeperError

RETRY_LATER = frozenset({401, 403, 408, 425, 429})
"""4xx answers that say 'not now' rather than 'never': the key may be rotated back, the camera
set active again, the server less busy."""


class Unreachable(PlateKeeperError):
    """The server did not take the request now; the same request may succeed later."""


class Refused(PlateKeeperError):
    """The server refused the request for good; ``status`` and ``problem`` say why."""

    def __init__(self, status: int, problem: str) -> None:
        super().__init__(f"the server refused it ({status}): {problem}")
        self.status = status
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Accepted:
    status: int
    body: dict[str, Any]


class Server:
    """The PlateKeeper server at ``base_url``, spoken to with the camera's key."""

    def __init__(self, base_url: str, camera_key: str, timeout_s: float = 30.0) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {camera_key}"},
            timeout=timeout_s,
        )

    def close(self) -> None:
        self._client.close()

    def post_reads(self, document: dict[str, Any], parts: dict[str, bytes]) -> Accepted:
        files: dict[str, tuple[str, bytes, str]] = {
            "reads": ("reads.json", json.dumps(document).encode("utf-8"), "application/json")
        }
        files.update({name: (f"{name}.jpg", data, "image/jpeg") for name, data in parts.items()})
        return self._send("POST", "/api/v1/reads/batch", files=files)

    def hotlist_copy(self) -> dict[str, Any]:
        return self._send("GET", "/api/v1/edge/hotlist-copy").body

    def report_health(self, report: dict[str, Any]) -> dict[str, Any]:
        return self._send("PUT", "/api/v1/edge/health", json=report).body

    def post_events(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self._send("POST", "/api/v1/edge/access-events", json={"events": events}).body

    def me(self, person_token: str) -> dict[str, Any]:
        """Who ``person_token`` belongs to, as the server says now."""
        headers = {"Authorization": f"Bearer {person_token}"}
        # A person's token refused (401, 403) is a wrong token, not a server away.
        later = RETRY_LATER - {401, 403}
        return self._send("GET", "/api/v1/auth/me", later, headers=headers).body

    def _send(
        self, method: str, path: str, later: frozenset[int] = RETRY_LATER, **arguments: Any
    ) -> Accepted:
        try:
            response = self._client.request(method, path, **arguments)
        except httpx.HTTPError as error:
            raise Unreachable(f"the server cannot be reached: {error}") from None
        if response.status_code >= 500 or response.status_code in later:
            raise Unreachable(f"the server answered {response.status_code}: {_problem(response)}")
        if response.status_code >= 400:
            raise Refused(response.status_code, _problem(response))
        return Accepted(response.status_code, response.json() if response.content else {})


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if not isinstance(body, dict):
        return str(body)[:300]
    fields = "; ".join(
        f"{error.get('location')}: {error.get('message')}" for error in body.get("errors", [])
    )
    detail = str(body.get("detail") or body.get("title") or "")
    return f"{detail} ({fields})" if fields else detail
