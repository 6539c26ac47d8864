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
});

// An unattended screen must not keep showing plate data: after the server's idle limit the
// session is over anyway, so go to the sign-in page, which shows none.
function watchIdle(body) {
  const minutes = Number(body.dataset.idleMinutes || 0);
  if (!minutes) return;
  let last = Date.now();
  for (const event of ["keydown", "pointerdown", "scroll"]) {
    window.addEventListener(event, () => { last = Date.now(); }, { passive: true });
  }
  setInterval(() => {
    if (Date.now() - last > minutes * 60_000) {
      const back = encodeURIComponent(location.pathname + location.search);
      location.assign(`/login?next=${back}&timed_out=1`);
    }
  }, 15_000);
}

// Elements with data-live-source listen to a server-sent event stream and, on each event,
// fire "live" on themselves; their hx-trigger decides what to reload.
function followLive(element) {
  const source = new EventSource(element.dataset.liveSource);
  source.addEventListener("message", () => htmx.trigger(element, "live"));
  for (const name of (element.dataset.liveEvents || "").split(/\s+/).filter(Boolean)) {
    source.addEventListener(name, () => htmx.trigger(element, "live"));
  }
  source.addEventListener("error", () => element.setAttribute("data-live-state", "reconnecting"));
  source.addEventListener("open", () => element.setAttribute("data-live-state", "connected"));
}
