"""Credentials encryption: round trip, key rotation, key configuration per mode."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken

from autogpt_app.credentials import crypto
from autogpt_app.settings import ConfigurationError, Settings, get_settings

KeyConfig = Callable[..., None]


@pytest.fixture
def configure_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[KeyConfig]:
    """Point the process settings at ``CREDENTIALS_KEYS`` (and a private data dir) for one test."""

    def configure(keys: str, *, mode: str = "embedded", data_dir: Path | None = None) -> None:
        monkeypatch.setenv("CREDENTIALS_KEYS", keys)
        monkeypatch.setenv("APP_MODE", mode)
        monkeypatch.setenv("DATA_DIR", str(data_dir or tmp_path))
        get_settings.cache_clear()
        crypto.get_fernet.cache_clear()

    yield configure
    monkeypatch.undo()
    get_settings.cache_clear()
    crypto.get_fernet.cache_clear()


def canary() -> str:
    return f"canary-{uuid.uuid4()}"


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_round_trip_and_ciphertext_hides_plaintext(configure_keys: KeyConfig) -> None:
    configure_keys(new_key())
    secret = canary()
    payload = {"api_key": secret, "note": "ünïcode ✓", "nested": {"a": [1, 2]}}
    token = crypto.encrypt(payload)
    assert crypto.decrypt(token) == payload
    assert secret not in token
    assert secret.encode() not in base64.urlsafe_b64decode(token)
    assert crypto.encrypt(payload) != token  # a fresh IV every time


def test_tampered_or_foreign_token_is_refused_without_leaking(configure_keys: KeyConfig) -> None:
    configure_keys(new_key())
    secret = canary()
    token = crypto.encrypt({"api_key": secret})
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    foreign = Fernet(new_key()).encrypt(b'{"api_key": "x"}').decode()
    for bad in (tampered, foreign, "not a token", "ünïcode"):
        with pytest.raises(crypto.CredentialDecryptionError) as info:
            crypto.decrypt(bad)
        assert secret not in str(info.value) and info.value.__cause__ is None
        with pytest.raises(crypto.CredentialDecryptionError):
            crypto.rotate(bad)


def test_key_rotation(configure_keys: KeyConfig) -> None:
    key_a, key_b = new_key(), new_key()
    payload = {"username": "ada", "password": canary()}

    configure_keys(key_a)
    old_token = crypto.encrypt(payload)

    configure_keys(f"{key_b}, {key_a}")  # new key first; the old one still opens old rows
    assert crypto.decrypt(old_token) == payload
    new_token = crypto.encrypt(payload)
    Fernet(key_b).decrypt(new_token.encode())  # encrypting uses the newest key
    rotated = crypto.rotate(old_token)
    with pytest.raises(InvalidToken):
        Fernet(key_a).decrypt(rotated.encode())

    configure_keys(key_b)  # the old key is gone
    assert crypto.decrypt(rotated) == payload
    assert crypto.decrypt(new_token) == payload
    with pytest.raises(crypto.CredentialDecryptionError):
        crypto.decrypt(old_token)


def test_get_fernet_is_cached_until_cleared(configure_keys: KeyConfig) -> None:
    configure_keys(new_key())
    first = crypto.get_fernet()
    assert crypto.get_fernet() is first
    configure_keys(new_key())
    assert crypto.get_fernet() is not first


@pytest.mark.parametrize("keys", ["", " , ", "\t"])
def test_production_without_keys_refuses(tmp_path: Path, keys: str) -> None:
    settings = Settings(_env_file=None, app_mode="production", data_dir=tmp_path, credentials_keys=keys)
    with pytest.raises(ConfigurationError, match="CREDENTIALS_KEYS must be set in production"):
        crypto.build_fernet(settings)
    assert not (tmp_path / crypto.KEY_FILE_NAME).exists()


@pytest.mark.parametrize("mode", ["production", "embedded"])
def test_invalid_key_refuses_without_echoing_it(tmp_path: Path, mode: str) -> None:
    bad = "not-a-fernet-key-" + uuid.uuid4().hex
    settings = Settings(_env_file=None, app_mode=mode, data_dir=tmp_path, credentials_keys=f"{new_key()},{bad}")
    with pytest.raises(ConfigurationError, match="CREDENTIALS_KEYS entry 2 is not a valid Fernet key") as info:
        crypto.build_fernet(settings)
    assert bad not in str(info.value)


def test_production_via_process_settings(configure_keys: KeyConfig) -> None:
    configure_keys("", mode="production")
    with pytest.raises(ConfigurationError, match="CREDENTIALS_KEYS"):
        crypto.encrypt({"api_key": "x"})
    key = new_key()
    configure_keys(key, mode="production")
    token = crypto.encrypt({"api_key": "x"})
    assert Fernet(key).decrypt(token.encode()) == b'{"api_key":"x"}'


def test_embedded_key_file_created_once_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"  # does not exist yet
    settings = Settings(_env_file=None, data_dir=data_dir, credentials_keys="")
    token = crypto.build_fernet(settings).encrypt(b"hello")
    key_file = data_dir / crypto.KEY_FILE_NAME
    content = key_file.read_text()
    assert key_file.stat().st_mode & 0o777 == 0o600
    Fernet(content.encode())  # a valid key

    again = crypto.build_fernet(Settings(_env_file=None, data_dir=data_dir, credentials_keys=""))
    assert again.decrypt(token) == b"hello"
    assert key_file.read_text() == content
    assert [p.name for p in data_dir.iterdir()] == [crypto.KEY_FILE_NAME]  # no temporary files left


def test_embedded_key_file_lost_race_uses_the_winner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    winner = new_key()
    real_link = crypto.os.link

    def link_after_other_process(src, dst):
        Path(dst).write_text(winner)  # another process created the file just before us
        return real_link(src, dst)

    monkeypatch.setattr(crypto.os, "link", link_after_other_process)
    assert crypto._embedded_key(tmp_path) == winner
    assert [p.name for p in tmp_path.iterdir()] == [crypto.KEY_FILE_NAME]


def test_embedded_file_key_still_opens_old_rows_after_keys_are_configured(configure_keys: KeyConfig) -> None:
    configure_keys("")  # embedded, no keys: the generated file key
    token = crypto.encrypt({"api_key": "before"})
    new = new_key()
    configure_keys(new)
    assert crypto.decrypt(token) == {"api_key": "before"}
    rotated = crypto.rotate(token)
    assert Fernet(new).decrypt(rotated.encode()) == b'{"api_key":"before"}'


def test_invalid_embedded_key_file_refuses(tmp_path: Path) -> None:
    (tmp_path / crypto.KEY_FILE_NAME).write_text("garbage")
    with pytest.raises(ConfigurationError, match="credentials_key is not a valid Fernet key"):
        crypto.build_fernet(Settings(_env_file=None, data_dir=tmp_path, credentials_keys=""))
