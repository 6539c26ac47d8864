"""Checkpoint keys: made on first use with tight permissions, signatures bound to every field."""

from __future__ import annotations

import dataclasses
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.audit.export import export_lines, parse_lines
from platekeeper.audit.signing import (
    CheckpointSigner,
    key_id_of,
    load_or_create_signer,
    load_public_key,
    signature_valid,
)
from platekeeper.domain.access import CHECKPOINT_DOMAIN, GENESIS_HASH, checkpoint_message
from platekeeper.errors import ConfigError, InvalidInput
from tests.conftest import NOW


def test_the_key_is_made_once_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "access-log.ed25519"
    first = load_or_create_signer(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_or_create_signer(path).key_id == first.key_id
    assert list(path.parent.iterdir()) == [path]


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    load_or_create_signer(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable or writable by others"):
        load_or_create_signer(path)


def test_a_file_that_is_no_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text("not a key")
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="not an unencrypted PEM private key"):
        load_or_create_signer(path)


def test_the_message_layout() -> None:
    message = checkpoint_message(1, "ab" * 32, NOW)
    assert len(message) == 85
    assert message.startswith(CHECKPOINT_DOMAIN + b"\x00" + (1).to_bytes(8, "big"))
    assert message[45:77] == bytes.fromhex("ab" * 32)


def test_a_signature_covers_every_field() -> None:
    signer = CheckpointSigner.generate()
    checkpoint = signer.sign(7, "cd" * 32, NOW)
    assert checkpoint.key_id == key_id_of(signer.public_key)
    assert len(checkpoint.key_id) == 16
    assert signature_valid(checkpoint, signer.public_key)
    for changed in (
        dataclasses.replace(checkpoint, seq=8),
        dataclasses.replace(checkpoint, entry_hash=GENESIS_HASH),
        dataclasses.replace(checkpoint, signed_at=NOW + timedelta(microseconds=1)),
        dataclasses.replace(checkpoint, signature="zz"),
    ):
        assert not signature_valid(changed, signer.public_key)
    assert not signature_valid(checkpoint, CheckpointSigner.generate().public_key)


def test_an_export_reads_back() -> None:
    signer = CheckpointSigner.generate()
    checkpoints = [signer.sign(3, "ab" * 32, NOW), signer.sign(9, "cd" * 32, NOW)]
    text = export_lines(signer.public_key, checkpoints)
    assert text.count("\n") == 3
    read, keys = parse_lines(text, "export")
    assert read == checkpoints
    assert [key_id_of(k) for k in keys] == [signer.key_id]
    assert load_public_key(signer.public_key_pem()) is not None


def test_a_damaged_export_names_its_line() -> None:
    with pytest.raises(InvalidInput, match="export line 2"):
        parse_lines('\n{"type": "checkpoint", "seq": 1}\n', "export")
    with pytest.raises(ConfigError, match="export line 1 is not a PEM public key"):
        parse_lines('{"type": "public_key", "pem": "nope"}', "export")
