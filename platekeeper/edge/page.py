"""The agent's local page, on loopback: its state, and its offline hits under the server's rules.

Anyone at the car's screen sees the agent's state (queue, last contact, clock, the hot-list
copy's warning) and that hits are waiting, with their list and time, never their plate. A
person signs in (``people``), states a purpose and a case number for a hit, and only then sees
its plate, image and entry; they verify it as at the server: characters, state and the entry
still active at its source, or a rejection with its reason. Each step goes through the gate and
is queued for the server's access log.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from platekeeper.domain.gate import NOTHING_STATED, Access, AccessGate, Person, Stated
from platekeeper.domain.hit_labels import how_matched
from platekeeper.domain.hotlists import MatchKind
from platekeeper.domain.permissions import Permission
from platekeeper.domain.time import spoken_span
from platekeeper.edge.people import EventQueueSink, SignIn
from platekeeper.edge.queue import LocalHit
from platekeeper.errors import InvalidInput, PlateKeeperError

if TYPE_CHECKING:
    from platekeeper.edge.agent import Agent

COOKIE = "edge_session"
SESSION_IDLE = timedelta(minutes=30)
VERDICTS = {"confirmed", "rejected"}


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class _Session:
    person: Person
    csrf: str
    seen_until: datetime
    stated: dict[str, Stated] = field(default_factory=dict)


class EdgePage:
    def __init__(self, agent: Agent) -> None:
        self._agent = agent
        self._sessions: dict[str, _Session] = {}
        self._sign_in = SignIn(agent.queue, agent.server)
        self._sink = EventQueueSink(agent.queue)

    def session(self, request: Request) -> _Session | None:
        sid = request.cookies.get(COOKIE, "")
        session = self._sessions.get(sid)
        now = datetime.now(UTC)
        if session is None or session.seen_until < now:
            self._sessions.pop(sid, None)
            return None
        session.seen_until = now + SESSION_IDLE
        return session

    def require(self, request: Request, csrf: str | None = None) -> _Session:
        session = self.session(request)
        if session is None:
            raise PageRefusal("Sign in first, then choose a hit from the list.", 403)
        if csrf is not None and not secrets.compare_digest(csrf, session.csrf):
            raise PageRefusal("The form is stale: load the page again.", 403)
        return session

    def start(self, token: str) -> tuple[str, _Session]:
        now = datetime.now(UTC)
        copy = self._agent.copies.copy
        person = self._sign_in.sign_in(token, now, None if copy is None else copy.expires_at)
        sid = secrets.token_urlsafe(32)
        session = _Session(person, secrets.token_urlsafe(16), now + SESSION_IDLE)
        self._sessions[sid] = session
        return sid, session

    def end(self, request: Request) -> None:
        self._sessions.pop(request.cookies.get(COOKIE, ""), None)

    def gate(self) -> AccessGate:
        copy = self._agent.copies.copy
        if copy is None:
            raise InvalidInput("no hot-list copy: the server's purposes are not known yet")
        return AccessGate(self._sink, _Clock(), copy.catalogue())

    def view(self, session: _Session, hit: LocalHit, purpose: str, case: str) -> None:
        """Decide and record the view of ``hit``'s plate on the stated basis."""
        stated = Stated(purpose.strip() or None, case.strip() or None)
        gate = self.gate()
        access = Access(session.person, stated, Permission.ALERTS_VIEW, _query(hit, "view"))
        gate.check(access)
        gate.allowed(access, reason="on the edge agent's page")
        session.stated[hit.id] = stated

    def verify(self, session: _Session, hit: LocalHit, verdict: str, checks: set[str]) -> str:
        if verdict not in VERDICTS:
            raise InvalidInput("choose to confirm or reject the hit")
        if verdict == "confirmed" and checks != {"characters", "state", "active"}:
            raise InvalidInput(
                "a hit is confirmed only when the characters and the state match the image and "
                "the entry is still active at its source",
                hint="Check each, or reject the hit.",
            )
        query = {**_query(hit, "confirm" if verdict == "confirmed" else "reject")}
        access = Access(session.person, NOTHING_STATED, Permission.ALERTS_VERIFY, query)
        gate = self.gate()
        gate.check(access)
        if not self._agent.queue.set_verdict(hit.id, verdict, session.person.actor.username):
            raise InvalidInput("the hit was verified already")
        gate.allowed(access, reason=f"{verdict} on the edge agent's page")
        return verdict


def _query(hit: LocalHit, step: str) -> dict[str, str]:
    document = json.loads(hit.document)
    return {
        "edge_hit_id": hit.id,
        "client_read_id": hit.client_read_id,
        "entry_id": str(document["entry"]["id"]),
        "step": step,
    }


def create_page_app(agent: Agent) -> FastAPI:
    page = EdgePage(agent)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        return _html(_home(agent, page.session(request)))

    @app.post("/sign-in")
    def sign_in(token: Annotated[str, Form(max_length=200)]) -> Response:
        try:
            sid, _ = page.start(token)
        except PlateKeeperError as error:
            return _html(_sign_in_form(f"{error.message}. {error.hint or ''}"), status=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, sid, httponly=True, samesite="strict")
        return response

    @app.post("/sign-out")
    def sign_out(request: Request) -> Response:
        page.end(request)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/hits/{hit_id}", response_class=HTMLResponse)
    def hit_page(request: Request, hit_id: str) -> Response:
        session, hit = _signed_in_hit(page, agent, request, hit_id)
        if hit.id not in session.stated:
            return _html(_purpose_form(agent, session, hit))
        return _html(_hit_detail(agent, session, hit))

    @app.post("/hits/{hit_id}/view")
    def view(
        request: Request,
        hit_id: str,
        csrf: Annotated[str, Form(max_length=100)],
        purpose: Annotated[str, Form(max_length=100)] = "",
        case_number: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        session, hit = _signed_in_hit(page, agent, request, hit_id, csrf)
        try:
            page.view(session, hit, purpose, case_number)
        except PlateKeeperError as error:
            return _html(_purpose_form(agent, session, hit, error), status=422)
        return RedirectResponse(f"/hits/{hit.id}", status_code=303)

    @app.post("/hits/{hit_id}/verify")
    def verify(
        request: Request,
        hit_id: str,
        csrf: Annotated[str, Form(max_length=100)],
        verdict: Annotated[str, Form(max_length=20)],
        checks: Annotated[list[str] | None, Form()] = None,
    ) -> Response:
        session, hit = _signed_in_hit(page, agent, request, hit_id, csrf)
        if hit.id not in session.stated:
            raise PageRefusal("State a purpose for the hit first.", 403)
        try:
            page.verify(session, hit, verdict, set(checks or []))
        except PlateKeeperError as error:
            return _html(_hit_detail(agent, session, hit, error), status=422)
        return RedirectResponse(f"/hits/{hit.id}", status_code=303)

    @app.exception_handler(PageRefusal)
    def refused(request: Request, refusal: PageRefusal) -> HTMLResponse:
        body = f"<p class=warning role=alert>{_e(refusal.message)}</p><p><a href='/'>Back</a></p>"
        return _html(body, refusal.status)

    return app


class PageRefusal(Exception):
    """A request the page answers with a message instead: not signed in, a stale form, a hit
    that is gone."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _signed_in_hit(
    page: EdgePage, agent: Agent, request: Request, hit_id: str, csrf: str | None = None
) -> tuple[_Session, LocalHit]:
    session = page.require(request, csrf)
    hit = agent.queue.hit(hit_id)
    if hit is None:
        raise PageRefusal("No such hit: it may have been forgotten a day after it was made.", 404)
    return session, hit


def _html(body: str, status: int = 200) -> HTMLResponse:
    document = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>PlateKeeper edge agent</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:1em auto}"
        ".warning{background:#fde2b8;padding:.5em;border-left:4px solid #b15c00}"
        "table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ccc}"
        "</style></head><body><h1>PlateKeeper edge agent</h1>" + body + "</body></html>"
    )
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'self'; "
        "img-src 'self' data:; style-src 'unsafe-inline'",
    }
    return HTMLResponse(document, status_code=status, headers=headers)


def _e(value: object) -> str:
    return html.escape(str(value))


def _home(agent: Agent, session: _Session | None) -> str:
    parts = [_status(agent)]
    hits = agent.queue.hits()
    if session is None:
        parts.append(f"<p>{len(hits)} offline hits. Sign in to see them.</p>")
        parts.append(_sign_in_form())
        return "".join(parts)
    parts.append(
        f"<p>Signed in as {_e(session.person.actor.username)}. "
        f"<form method=post action=/sign-out><button>Sign out</button></form></p>"
    )
    rows = "".join(_hit_row(agent, hit) for hit in hits)
    parts.append(
        "<h2>Offline hits</h2><p>The plate shows once a purpose is stated.</p>"
        "<table><tr><th>List</th><th>Read</th><th>Match</th><th>Verified</th><th></th></tr>"
        f"{rows}</table>"
        if hits
        else "<p>No offline hits.</p>"
    )
    return "".join(parts)


def _hit_row(agent: Agent, hit: LocalHit) -> str:
    document = json.loads(hit.document)
    verdict = agent.queue.verdict(hit.id)
    return (
        f"<tr><td>{_e(document['entry']['list_name'])}</td>"
        f"<td>{_e(age_of(document['captured_at']))}</td><td>{_e(document['kind'])}</td>"
        f"<td>{_e(verdict[0]) if verdict else 'pending'}</td>"
        f"<td><a href='/hits/{_e(hit.id)}'>Open</a></td></tr>"
    )


def age_of(captured_at: str, now: datetime | None = None) -> str:
    """'read 5 min ago', 'read 2 days ago': an offline hit is never mistaken for a live stop."""
    return (
        f"read {spoken_span((now or datetime.now(UTC)) - datetime.fromisoformat(captured_at))} ago"
    )


def _status(agent: Agent) -> str:
    now = datetime.now(UTC)
    contact = agent.contact
    lines = [
        f"Reads queued: {agent.queue.depth()}",
        f"Last contact with the server: {contact.at:%Y-%m-%d %H:%M:%S} UTC"
        if contact.at
        else "Last contact with the server: none since the agent started",
        f"Clock skew: {contact.clock_skew_s:+.1f} s"
        if contact.clock_skew_s is not None
        else "Clock skew: unknown",
    ]
    warning = agent.copies.warning(now)
    banner = f"<p class=warning role=alert>{_e(warning)}</p>" if warning else ""
    if contact.error:
        banner += f"<p class=warning>{_e(contact.error)}</p>"
    return banner + "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _sign_in_form(problem: str | None = None) -> str:
    shown = f"<p class=warning role=alert>{_e(problem)}</p>" if problem else ""
    return (
        f"<h2>Sign in</h2>{shown}<form method=post action=/sign-in>"
        "<label>Your API token (scopes: alerts, profile) "
        "<input name=token type=password required autocomplete=off></label> "
        "<button>Sign in</button></form>"
    )


def _purpose_form(
    agent: Agent, session: _Session, hit: LocalHit, error: PlateKeeperError | None = None
) -> str:
    copy = agent.copies.copy
    purposes = [] if copy is None else list(copy.purposes)
    example = "" if copy is None or copy.case_format is None else copy.case_format.example
    options = "".join(f"<option value='{_e(p.code)}'>{_e(p.label)}</option>" for p in purposes)
    problem = f"<p class=warning role=alert>{_e(error.message)}</p>" if error else ""
    return (
        f"<h2>State the purpose</h2>{problem}<p>The plate of this hit shows once you state why "
        "you look at it. Your view is entered in the server's access log under your name.</p>"
        f"<form method=post action='/hits/{_e(hit.id)}/view'>"
        f"<input type=hidden name=csrf value='{_e(session.csrf)}'>"
        f"<label>Purpose <select name=purpose><option value=''>choose</option>{options}</select>"
        f"</label> <label>Case number <input name=case_number placeholder='{_e(example)}'>"
        "</label> <button>Show the hit</button></form>"
    )


def _hit_detail(
    agent: Agent, session: _Session, hit: LocalHit, error: PlateKeeperError | None = None
) -> str:
    document = json.loads(hit.document)
    entry = document["entry"]
    image = (
        f"<img alt='the plate as read' src='data:image/jpeg;base64,"
        f"{base64.b64encode(hit.crop).decode('ascii')}'>"
        if hit.crop
        else "<p>No image.</p>"
    )
    problem = f"<p class=warning role=alert>{_e(error.message)}</p>" if error else ""
    verdict = agent.queue.verdict(hit.id)
    decided = (
        f"<p>{_e(verdict[0])} by {_e(verdict[1])}.</p>" if verdict else _verify_form(session, hit)
    )
    return (
        f"<h2>Hit: {_e(entry['list_name'])}</h2>{problem}"
        f"<p class=warning>{_e(age_of(document['captured_at']))}: compare the plate before you "
        "act; an offline hit is not a live stop.</p>"
        f"<dl><dt>Plate as read</dt><dd class=plate>{_e(document['plate_text'])}</dd>"
        f"<dt>Region read</dt><dd>{_e(document['region'] or 'unknown')}</dd>"
        f"<dt>Entry</dt><dd>{_e(entry['plate_text'])} ({_e(entry['state'] or 'any state')})</dd>"
        f"<dt>Reason</dt><dd>{_e(entry['reason'])}</dd>"
        f"<dt>Match</dt><dd>{_match_words(document)}</dd></dl>"
        f"{image}{decided}<p><a href='/'>Back</a></p>"
    )


def _match_words(document: dict[str, Any]) -> str:
    """How the hit matched, in the server's words, and what the matching reading read: the
    officer compares that reading, not only the read's own text, with the plate."""
    reading = int(document.get("reading", 0))
    words = _e(how_matched(MatchKind(document["kind"]), reading))
    matched = document.get("matched_text")  # hits queued before it was recorded lack it
    if reading and matched:
        words += f" It read <span class=plate>{_e(matched)}</span>."
    return words


def _verify_form(session: _Session, hit: LocalHit) -> str:
    boxes = "".join(
        f"<label><input type=checkbox name=checks value={value}> {_e(label)}</label><br>"
        for value, label in (
            ("characters", "The characters match the image"),
            ("state", "The state matches the entry"),
            ("active", "The entry is still active at its source (radio or NCIC)"),
        )
    )
    return (
        f"<h3>Verify</h3><form method=post action='/hits/{_e(hit.id)}/verify'>"
        f"<input type=hidden name=csrf value='{_e(session.csrf)}'>{boxes}"
        "<button name=verdict value=confirmed>Confirm</button> "
        "<button name=verdict value=rejected>Reject</button></form>"
    )


class PageServer:
    """The page served by uvicorn on a thread, on loopback by default."""

    def __init__(self, app: FastAPI, port: int, host: str = "127.0.0.1") -> None:
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(app, host=host, port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="edge-page", daemon=True)

    def start(self, timeout_s: float = 10.0) -> PageServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise InvalidInput(
                    f"the agent's page cannot listen on {self.url}",
                    hint="Choose another --page-port, or 0 for no page.",
                )
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5.0)


def serve_page(agent: Agent, port: int, host: str = "127.0.0.1") -> PageServer:
    return PageServer(create_page_app(agent), port, host).start()
