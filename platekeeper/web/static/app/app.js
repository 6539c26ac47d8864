// PlateKeeper's few lines of script: the pages work without it, save the live parts.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Problem details (4xx) are swapped in like any answer, so the reason shows where the
  // request was made; server errors are not.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ];
  watchIdle(document.body);
  for (const element of document.querySelectorAll("[data-live-source]")) {
    followLive(element);
  }
  for (const button of document.querySelectorAll("[data-handoff]")) {
    button.addEventListener("click", () => handOff(button));
  }
});

// A search's selection handed to a custodian who will share it: the desk page's address with the
// form's fields (read ids, case, purpose), copied and shown, as the clipboard may be refused.
function handOff(button) {
  const form = button.form;
  const link = new URL(button.dataset.handoff, window.location.origin);
  link.search = new URLSearchParams(new FormData(form)).toString();
  const shown = form.querySelector("[data-handoff-link]");
  const selected = form.ownerDocument.querySelectorAll("input[form=selected-reads]:checked").length;
  shown.hidden = false;
  if (selected === 0) {
    shown.textContent = "Select the reads to hand over first.";
    return;
  }
  shown.textContent = link.href;
  if (navigator.clipboard) {
    navigator.clipboard.writeText(link.href).then(
      () => { shown.textContent = `Copied: ${link.href}`; },
      () => {},
    );
  }
}

// CJIS AC-11: after the lock time without input the page covers itself. Its parts are hidden,
// not dimmed; the server locks the session, so a reload shows only its lock screen; only the
// person's password, checked by the server, unlocks it. A page that listens to alerts goes on
// listening and only counts them, and its stream keeps the locked session from its idle end: the
// lock holds instead (the stream says when the session ends all the same, at its last hour).
// Any other page, after the session's own idle limit, goes to the sign-in page, which shows
// nothing.
const screenLock = { locked: false, alerts: 0, lastInput: Date.now(), title: document.title };

function watchIdle(body) {
  const endMinutes = Number(body.dataset.idleMinutes || 0);
  const lockMinutes = Number(body.dataset.lockMinutes || 0);
  if (!endMinutes) return;
  for (const event of ["keydown", "pointerdown", "scroll"]) {
    window.addEventListener(event, () => {
      if (!screenLock.locked) screenLock.lastInput = Date.now();
    }, { passive: true });
  }
  // No request leaves a locked page but its unlock: nothing new is fetched to sit behind it.
  body.addEventListener("htmx:beforeRequest", (event) => {
    if (screenLock.locked) event.preventDefault();
  });
  setInterval(() => {
    const idle = Date.now() - screenLock.lastInput;
    if (idle > endMinutes * 60_000 && !(screenLock.locked && listening())) {
      location.assign(`/login?next=${encodeURIComponent(here())}&timed_out=1`);
    } else if (lockMinutes && !screenLock.locked && idle > lockMinutes * 60_000) {
      lockScreen();
    }
  }, 5_000);
}

function listening() {
  return document.querySelector("[data-live-source][data-live-state=connected]") !== null;
}

function here() {
  return location.pathname + location.search;
}

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
}

function pageParts() {
  return document.querySelectorAll("body > .skip, body > header, body > main, body > footer");
}

// "by-hand": the person locked it (the alert screen's button), not the idle time.
function lockScreen(why = "idle") {
  const template = document.getElementById("screen-lock-template");
  if (!template || screenLock.locked) return;
  screenLock.locked = true;
  screenLock.alerts = 0;
  for (const part of pageParts()) { part.hidden = true; part.inert = true; }
  document.body.append(template.content.cloneNode(true));
  const cover = document.getElementById("screen-lock");
  if (why === "by-hand") {
    cover.querySelector("[data-lock-why]").textContent = "You locked the screen.";
  }
  const form = cover.querySelector("form#screen-lock-form");
  form.addEventListener("submit", (event) => { event.preventDefault(); unlockWith(form); });
  document.title = "Screen locked · PlateKeeper";
  cover.querySelector("input[type=password]").focus();
  fetch("/session/lock", {
    method: "POST",
    headers: { "X-CSRF-Token": csrfToken() },
    body: new URLSearchParams({ why }),
  });
}

async function unlockWith(form) {
  form.querySelector("[role=alert]").hidden = true;
  const answer = await fetch("/session/unlock", {
    method: "POST",
    headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" },
    body: new URLSearchParams(new FormData(form)),
  });
  form.reset();
  if (answer.status === 204) return unlockScreen();
  const problem = await answer.json().catch(() => ({}));
  if (!["wrong_password", "second_factor_invalid"].includes(problem.code)) {
    // The session ended or the account locked: only signing in again goes on.
    location.assign(`/login?next=${encodeURIComponent(here())}`);
    return;
  }
  const said = form.querySelector("[role=alert]");
  said.textContent = `${problem.detail}. ${problem.hint || ""}`;
  said.hidden = false;
}

function unlockScreen() {
  screenLock.locked = false;
  screenLock.lastInput = Date.now();
  screenLock.alerts = 0;
  document.getElementById("screen-lock").remove();
  for (const part of pageParts()) { part.hidden = false; part.inert = false; }
  document.title = screenLock.title;
  // What arrived while locked is fetched now, as any new alert is.
  for (const element of document.querySelectorAll("[data-live-source]")) {
    htmx.trigger(element, "live");
  }
}

function showAlertCount(count) {
  screenLock.alerts = count;
  const status = document.getElementById("screen-lock-alerts");
  if (!status) return;
  status.hidden = count === 0;
  status.textContent = `${count} new alert${count === 1 ? "" : "s"} arrived while the screen ` +
    "was locked. Unlock to see them.";
  if (count) document.title = `(${count}) Screen locked · PlateKeeper`;
}

// Elements with data-live-source listen to a server-sent event stream and, on each event,
// fire "live" on themselves; their hx-trigger decides what to reload.
function followLive(element) {
  const source = new EventSource(element.dataset.liveSource);
  // While the screen is locked an alert is counted, never shown; the server sends a locked
  // session's alerts without their content anyway.
  const arrived = (event) => {
    if (event.type === "alert") {
      const detail = { locked: screenLock.locked, data: event.data };
      element.dispatchEvent(new CustomEvent("live-alert", { detail }));
    }
    if (!screenLock.locked) htmx.trigger(element, "live");
    else if (event.type === "alert") showAlertCount(screenLock.alerts + 1);
  };
  source.addEventListener("message", arrived);
  for (const name of (element.dataset.liveEvents || "").split(/\s+/).filter(Boolean)) {
    source.addEventListener(name, arrived);
  }
  // The session ended (at its last hour, or signed out elsewhere): only signing in goes on.
  // A server stopping is no end: the browser reconnects to it when it is back.
  source.addEventListener("closed", (event) => {
    if (!(JSON.parse(event.data || "{}").reason || "").includes("session")) return;
    source.close();
    element.setAttribute("data-live-state", "closed");
    location.assign(`/login?next=${encodeURIComponent(here())}&timed_out=1`);
  });
  source.addEventListener("error", () => element.setAttribute("data-live-state", "reconnecting"));
  source.addEventListener("open", () => element.setAttribute("data-live-state", "connected"));
}
