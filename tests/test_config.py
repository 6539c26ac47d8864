"""Settings: defaults give the embedded mode; the file and environment are checked key by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from platekeeper.config import PostgresStoreSettings, SqliteStoreSettings, load_settings
from platekeeper.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in __import__("os").environ if n.startswith("PLATEKEEPER_")]:
        monkeypatch.delenv(name)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_embedded_mode() -> None:
    settings = load_settings()
    assert isinstance(settings.store, SqliteStoreSettings)
    assert settings.sqlite_path == Path("platekeeper-data/platekeeper.sqlite3")
    assert settings.image_path == Path("platekeeper-data/images")
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8080)


def test_the_file_is_read_and_the_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(
        tmp_path / "pk.toml",
        'data_dir = "/srv/pk"\n[server]\nport = 9000\n[store]\ntype = "postgres"\n'
        'dsn = "postgresql://pk@db.internal/platekeeper"\n',
    )
    monkeypatch.setenv("PLATEKEEPER_SERVER__PORT", "9100")
    settings = load_settings(config)
    assert settings.data_dir == Path("/srv/pk")
    assert settings.server.port == 9100
    assert isinstance(settings.store, PostgresStoreSettings)
    assert "db.internal" in settings.store.dsn.get_secret_value()
    assert "db.internal" not in repr(settings)


def test_the_config_path_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PLATEKEEPER_CONFIG", str(write(tmp_path / "c.toml", "log_level = 'DEBUG'\n"))
    )
    assert load_settings().log_level == "DEBUG"


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("[server]\nprot = 80\n", "server.prot", "unknown setting"),
        ("colour = 'blue'\n", "colour", "unknown setting"),
        ("[server]\nport = 70000\n", "server.port", "less than or equal to 65535"),
        ("[store]\ntype = 'oracle'\n", "store", "does not match any of the expected tags"),
        ("[store]\ntype = 'postgres'\n", "store.dsn", "Field required"),
        (
            "[store]\ntype = 'postgres'\ndsn = 'postgresql://pk:Real-Secret-1@db/pk'\n",
            "store.dsn",
            "holds a password",
        ),
    ],
)
def test_each_wrong_key_is_named(tmp_path: Path, text: str, location: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path / "bad.toml", text))
    [field] = caught.value.fields
    assert field.location == location
    assert message in field.message
    assert location in str(caught.value)


def test_a_placeholder_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATEKEEPER_STORE__TYPE", "postgres")
    monkeypatch.setenv("PLATEKEEPER_STORE__DSN", "postgresql://pk:changeme@db/pk")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "placeholder" in str(caught.value)
    assert "changeme" not in str(caught.value)


def test_a_path_alone_keeps_the_default_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(write(tmp_path / "c.toml", "[store]\npath = '/srv/pk.sqlite3'\n"))
    assert settings.sqlite_path == Path("/srv/pk.sqlite3")
    monkeypatch.setenv("PLATEKEEPER_IMAGES__PATH", "/srv/images")
    assert load_settings().image_path == Path("/srv/images")


def test_unknown_environment_variables_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATEKEEPER_STORE__DNS", "postgresql://x")
    with pytest.raises(ConfigError, match="PLATEKEEPER_STORE__DNS"):
        load_settings()


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path / "broken.toml", "[server\n"))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe data")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(binary)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(tmp_path)
