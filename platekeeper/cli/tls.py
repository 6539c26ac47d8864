"""``platekeeper tls``: certificates for serving HTTPS."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from platekeeper.cli.console import out
from platekeeper.errors import Conflict, InvalidInput
from platekeeper.http.lab_certificate import lab_certificate
from platekeeper.store.files import make_private_folders

app = typer.Typer(help="Certificates for serving HTTPS.", no_args_is_help=True)

CERTIFICATE_FILE = "certificate.pem"
KEY_FILE = "key.pem"


@app.command("self-signed")
def self_signed(
    hosts: Annotated[
        list[str],
        typer.Option(
            "--host", help="A name or address the server is reached by (repeat for more)."
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the two files into.")],
    days: Annotated[int, typer.Option(min=1, max=397, help="Days it is valid.")] = 90,
    replace: Annotated[
        bool, typer.Option(help="Replace files already there (a serving server picks them up).")
    ] = False,
) -> None:
    """Make a self-signed certificate and key for a LAB: not for service."""
    names = [host.strip() for host in hosts if host.strip()]
    if not names:
        raise InvalidInput("no --host given", hint="Name the host, e.g. --host alpr.lab.example.")
    certificate_path, key_path = out_dir / CERTIFICATE_FILE, out_dir / KEY_FILE
    present = [str(path) for path in (certificate_path, key_path) if path.exists()]
    if present and not replace:
        raise Conflict(
            f"{' and '.join(present)} already exist",
            hint="Choose another --out folder, or add --replace to renew them.",
        )
    made = lab_certificate(names, datetime.now(UTC), days)
    make_private_folders(out_dir)
    # The key first: a server watching the files may look between the two writes, and a new key
    # with the old certificate fails to load and is retried, never served.
    _write_whole(key_path, made.key_pem, 0o600)
    _write_whole(certificate_path, made.certificate_pem, 0o644)
    out.print(
        f"[bold yellow]For a lab only:[/] a self-signed certificate, which browsers warn about "
        f"and nobody can check is yours. In service, use one from your agency's certificate "
        f"authority.\nCertificate: {certificate_path} (for {', '.join(made.names)}; valid until "
        f"{made.expires_at:%Y-%m-%d}; SHA-256 {made.sha256_fingerprint})\nKey: {key_path} "
        f"(readable by you only)\nServe with: platekeeper serve --tls-certificate "
        f"{certificate_path} --tls-key {key_path}",
        emoji=False,  # the fingerprint's ":AB:" is no emoji
        soft_wrap=True,
    )


def _write_whole(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` under another name, then rename it into place: a server that reads the
    file meanwhile sees the old one or the new one, never half of one."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
