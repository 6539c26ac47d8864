"""TOTP (RFC 6238) through pyotp: 30-second steps, six digits, SHA-1, as every authenticator
app reads them. A code of the step before or after the server's is accepted too (one step of
drift, RFC 6238 section 5.2); the step a code matched is returned, so the caller can refuse it
a second time (``domain.factors.step_is_fresh``)."""

from __future__ import annotations

import hmac
import io
from datetime import datetime

import pyotp
import segno

DRIFT_STEPS = 1
DIGITS = 6


def new_secret() -> str:
    """A fresh secret: 160 bits in base32, RFC 4226's recommended length."""
    return pyotp.random_base32(length=32)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is, within the drift allowed, or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code, totp.generate_otp(step)):
            return step
    return None


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as a QR code, an inline SVG (no image file, no script)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", xmldecl=False, scale=4, border=2)
    return buffer.getvalue().decode("utf-8")
