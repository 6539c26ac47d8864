"""A self-signed certificate for a lab: HTTPS on a test host before the agency's certificate
authority has issued one. Nobody can check that it is the server's, so browsers warn about it;
it is for trying PlateKeeper out, never for service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv4Address, IPv6Address, ip_address

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ALWAYS_NAMED = ("localhost", "127.0.0.1", "::1")
"""Names every lab certificate holds besides those asked for: the host itself."""


@dataclass(frozen=True, slots=True)
class LabCertificate:
    certificate_pem: bytes
    key_pem: bytes
    names: tuple[str, ...]
    expires_at: datetime
    sha256_fingerprint: str


def lab_certificate(hosts: Sequence[str], now: datetime, valid_days: int) -> LabCertificate:
    """A certificate for ``hosts`` (names or IP addresses) and the loopback names, signed by its
    own new P-256 key, valid from ``now`` for ``valid_days``."""
    names = tuple(dict.fromkeys([*hosts, *ALWAYS_NAMED]))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    expires_at = now + timedelta(days=valid_days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))  # a client whose clock is a little behind
        .not_valid_after(expires_at)
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return LabCertificate(
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        names,
        expires_at,
        certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
    )


def _general_name(name: str) -> x509.GeneralName:
    address = _ip(name)
    return x509.DNSName(name) if address is None else x509.IPAddress(address)


def _ip(name: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(name)
    except ValueError:
        return None
