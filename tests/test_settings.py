"""Settings: embedded defaults, a persisted generated secret, and production refusing weak secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from autogpt_app.settings import PROJECT_ROOT, ConfigurationError, Settings


def test_embedded_defaults_use_sqlite_under_data_dir(tmp_path):
    s = Settings(_env_file=None, data_dir=tmp_path, database_url="", secret_key="")
    assert s.database_url == f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    assert s.is_sqlite and not s.is_production


def test_embedded_secret_is_generated_once_and_kept(tmp_path):
    first = Settings(_env_file=None, data_dir=tmp_path, secret_key="").resolved_secret_key()
    second = Settings(_env_file=None, data_dir=tmp_path, secret_key="").resolved_secret_key()
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "short-but-not-default"])
def test_production_refuses_missing_default_or_short_secret(tmp_path, secret):
    s = Settings(_env_file=None, app_mode="production", data_dir=tmp_path, secret_key=secret)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        s.resolved_secret_key()
    assert not (tmp_path / "secret_key").exists()


def test_production_accepts_a_strong_secret(tmp_path):
    key = "k" * 20 + "0123456789abcdefghij"
    assert Settings(_env_file=None, app_mode="production", secret_key=key).resolved_secret_key() == key


def test_prestart_refuses_to_start_production_with_default_secret(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "APP_MODE": "production",
        "SECRET_KEY": "changeme",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "autogpt_app.cli", "prestart"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_offline_word_delay_defaults_to_a_visible_stream_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("CHAT_OFFLINE_WORD_DELAY", raising=False)
    assert Settings(_env_file=None).chat_offline_word_delay == 0.02
    monkeypatch.setenv("CHAT_OFFLINE_WORD_DELAY", "0.5")
    assert Settings(_env_file=None).chat_offline_word_delay == 0.5
    monkeypatch.setenv("CHAT_OFFLINE_WORD_DELAY", "0")
    assert Settings(_env_file=None).chat_offline_word_delay == 0


@pytest.mark.parametrize("value", ["-0.01", "1.5", "slow"])
def test_offline_word_delay_out_of_range_is_refused(monkeypatch, value):
    monkeypatch.setenv("CHAT_OFFLINE_WORD_DELAY", value)
    with pytest.raises(ValidationError, match="chat_offline_word_delay"):
        Settings(_env_file=None)
