// Passkeys and security keys: the browser's half of the two WebAuthn ceremonies.
//
// A form with data-passkey="create" (enrol a key) or data-passkey="get" (sign in with one) names
// in data-passkey-options-url where the server's options come from: posted the form's fields
// (its CSRF token, a password asked again), it answers the options with a fresh challenge as
// JSON, or a problem. The browser then asks the authenticator, and the form is sent with its
// answer, as JSON, in the hidden "credential" field; the server checks everything. Binary
// fields travel as base64url both ways.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-passkey]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.passkeyAnswered === "1") return;
      event.preventDefault();
      answer(form);
    });
  }
});

async function answer(form) {
  const status = form.querySelector("[data-passkey-status]");
  if (!window.PublicKeyCredential) {
    report(status, "This browser cannot use passkeys; use another second factor.");
    return;
  }
  const asked = await fetch(form.dataset.passkeyOptionsUrl, {
    method: "POST",
    body: new FormData(form),
    credentials: "same-origin",
  });
  const options = await asked.json();
  if (!asked.ok) {
    report(status, [options.detail, options.hint].filter(Boolean).join(" "));
    return;
  }
  try {
    const credential = form.dataset.passkey === "create"
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
    form.querySelector("input[name=credential]").value = JSON.stringify(toJSON(credential));
    // The password was for the options; the answer goes without it.
    for (const field of form.querySelectorAll("input[type=password]")) field.disabled = true;
    form.dataset.passkeyAnswered = "1";
    form.submit();
  } catch (error) {
    report(status, MESSAGES[error.name] || `The passkey could not be used: ${error.message}`);
  }
}

// What the browser's refusals mean for the person; nothing was sent to the server.
const MESSAGES = {
  // Cancelled, timed out, or no key of theirs at hand.
  NotAllowedError: "No passkey was used. Try again, or use another second factor.",
  // excludeCredentials: the authenticator holds one of their passkeys already.
  InvalidStateError: "This authenticator holds one of your passkeys already; use another.",
};

function report(status, text) {
  if (status) status.textContent = text;
}

function creationOptions(options) {
  return {
    ...options,
    challenge: fromBase64url(options.challenge),
    user: { ...options.user, id: fromBase64url(options.user.id) },
    excludeCredentials: (options.excludeCredentials || []).map(descriptor),
  };
}

function requestOptions(options) {
  return {
    ...options,
    challenge: fromBase64url(options.challenge),
    allowCredentials: (options.allowCredentials || []).map(descriptor),
  };
}

function descriptor(credential) {
  return { ...credential, id: fromBase64url(credential.id) };
}

// What PublicKeyCredential.toJSON() gives in newer browsers, written out for the others.
function toJSON(credential) {
  const response = credential.response;
  const json = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData);
    json.response.signature = toBase64url(response.signature);
    if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
  }
  return json;
}

function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
