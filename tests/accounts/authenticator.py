"""A software authenticator: what a security key answers, made with a real P-256 key pair.

The server's checks run on these answers unchanged: real signatures over real authenticator
data, encoded as a browser's ``PublicKeyCredential.toJSON()``. It also does what honest keys
never do (answer for another site, count backwards, be copied), for the attacks. The browser
tests use Chromium's own virtual authenticator instead.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def challenge_of(options_json: str) -> str:
    challenge: str = json.loads(options_json)["challenge"]
    return challenge


@dataclass
class SoftKey:
    """One credential on one authenticator: its id, private key and signature counter."""

    rp_id: str
    origin: str
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    sign_count: int = 0
    user_handle: bytes | None = None

    def register(self, options_json: str, *, user_verified: bool = True) -> str:
        """The answer to ``navigator.credentials.create`` with these options."""
        options = json.loads(options_json)
        self.user_handle = base64.urlsafe_b64decode(options["user"]["id"] + "==")
        client_data = self._client_data("webauthn.create", options["challenge"])
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
        ) + cbor2.dumps(self._cose_key())
        auth_data = self._auth_data(AT | (UV if user_verified else 0)) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return self._credential(
            {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            }
        )

    def answer(self, options_json: str, *, step: int = 1, **overrides: Any) -> str:
        """The answer to ``navigator.credentials.get``; the counter moves by ``step``."""
        options = json.loads(options_json)
        self.sign_count += step
        client_data = self._client_data("webauthn.get", options["challenge"], **overrides)
        auth_data = self._auth_data(UV)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.private_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
        }
        if self.user_handle is not None:
            response["userHandle"] = b64url(self.user_handle)
        return self._credential(response)

    def copy(self) -> SoftKey:
        """A clone of this key, counter and all: what an attacker who copied it holds."""
        return SoftKey(
            self.rp_id,
            self.origin,
            self.credential_id,
            self.private_key,
            self.sign_count,
            self.user_handle,
        )

    def _client_data(self, kind: str, challenge: str, **overrides: Any) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        return json.dumps(data | overrides).encode()

    def _auth_data(self, flags: int) -> bytes:
        rp_id_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_id_hash + bytes([UP | flags]) + struct.pack(">I", self.sign_count)

    def _cose_key(self) -> dict[int, Any]:
        numbers = self.private_key.public_key().public_numbers()
        return {
            1: 2,
            3: -7,
            -1: 1,
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }

    def _credential(self, response: dict[str, Any]) -> str:
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
            }
        )
