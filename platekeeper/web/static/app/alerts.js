// The alert screen's own parts (pages/alerts/index.html): a sound and a browser notification on
// each new alert, each turned on by the person and remembered in this browser for them, and a
// button that locks the screen without leaving the stream. app.js fires "live-alert" on the
// list for every alert the stream sends, locked or not.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const tools = document.getElementById("alert-tools");
  const list = document.querySelector("#hit-list[data-live-source]");
  if (!tools || !list) return;
  const signals = setUpSignals(tools);
  list.addEventListener("live-alert", (event) => signalAlert(signals, event.detail));
  const lockButton = tools.querySelector("[data-lock-screen]");
  if (lockButton && document.getElementById("screen-lock-template")) {
    lockButton.hidden = false;
    lockButton.addEventListener("click", () => lockScreen("by-hand"));
  }
});

// -- the person's choices ---------------------------------------------------------------------

function setUpSignals(tools) {
  const box = tools.querySelector(".alert-signals");
  const said = box.querySelector("[data-signal-status]");
  const person = tools.dataset.person || "";
  const signals = { sound: false, notify: false, audio: null, said };
  for (const input of box.querySelectorAll("input[data-signal]")) {
    const kind = input.dataset.signal;
    const key = `platekeeper:alerts:${person}:${kind}`;
    signals[kind] = input.checked = localStorage.getItem(key) === "on";
    if (kind === "notify" && !("Notification" in window)) {
      input.disabled = true;
      signals.notify = input.checked = false;
    }
    input.addEventListener("change", async () => {
      const on = input.checked && (await allowed(kind, signals));
      input.checked = on;
      signals[kind] = on;
      localStorage.setItem(key, on ? "on" : "off");
    });
  }
  box.hidden = false;
  return signals;
}

// Turning a signal on is the gesture the browser wants before it plays sound or shows
// notifications; a refusal is said, and the box unticked.
async function allowed(kind, signals) {
  if (kind === "sound") {
    signals.audio = signals.audio || new AudioContext();
    await signals.audio.resume();
    signals.said.textContent = "A sound will play on each new alert.";
    return true;
  }
  if (!("Notification" in window)) return false;
  const permission = Notification.permission === "granted"
    ? "granted" : await Notification.requestPermission();
  signals.said.textContent = permission === "granted"
    ? "A notification will show on each new alert."
    : "The browser refused notifications: allow them for this site in its settings.";
  return permission === "granted";
}

// -- on each alert ----------------------------------------------------------------------------

function signalAlert(signals, detail) {
  let alert = {};
  try { alert = JSON.parse(detail.data || "{}"); } catch { alert = {}; }
  if (signals.sound) chime(signals, alert);
  if (signals.notify && Notification.permission === "granted") notify(alert, detail.locked);
}

// Two rising tones, three times for a critical list's hit; made here, no file fetched.
function chime(signals, alert) {
  const audio = signals.audio || (signals.audio = new AudioContext());
  const rounds = alert.list && alert.list.alert_level === "critical" ? 3 : 1;
  const start = audio.currentTime + 0.05;
  for (let round = 0; round < rounds; round += 1) {
    [660, 880].forEach((frequency, step) => {
      const at = start + round * 0.5 + step * 0.18;
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      tone.connect(volume).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.17);
    });
  }
}

// A notification may show on a locked or hidden screen, or on another one: it names the plate
// only while this page is in view and unlocked, where the plate is shown anyway.
function notify(alert, locked) {
  const inView = document.visibilityState === "visible" && !locked && !screenLock.locked;
  const plate = alert.read && alert.read.plate_text;
  const list = alert.list && alert.list.name;
  const body = inView && plate
    ? `${plate} on ${list || "a hot list"}. Verify it before acting.`
    : "Open PlateKeeper to see it; verify it before acting.";
  const shown = new Notification("New hot-list alert", {
    body, tag: "platekeeper-alert", renotify: true,
  });
  shown.addEventListener("click", () => { window.focus(); shown.close(); });
}
