"""docker-compose.yml and the Dockerfile: valid, complete, and consistent with the settings and setup script."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from autogpt_app.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
SERVICES = {"postgres", "redis", "rabbitmq", "web", "worker", "scheduler"}
APP_SERVICES = ("web", "worker", "scheduler")


def _compose_command() -> list[str] | None:
    """Return the command that runs Docker Compose here, or None when there is none."""
    candidates: list[list[str]] = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for command in candidates:
        try:
            result = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if result.returncode == 0:
            return command
    return None


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = _compose_command()
    if command is None:
        pytest.skip("Docker Compose is not installed here (neither `docker compose` nor `docker-compose` works)")
    # An empty env file: a developer's .env must not change what is being checked (a real file, not
    # /dev/null, which Debian's docker-compose 1.x refuses).
    with tempfile.NamedTemporaryFile(suffix=".env") as empty_env:
        return subprocess.run(
            [*command, "--env-file", empty_env.name, "-f", str(COMPOSE_FILE), "config", "-q"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )


def _env_without_secret() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}


def test_docker_compose_config_is_valid() -> None:
    result = _compose_config({**_env_without_secret(), "SECRET_KEY": "x" * 48})
    assert result.returncode == 0, result.stderr


def test_docker_compose_refuses_to_run_without_secret_key() -> None:
    result = _compose_config(_env_without_secret())
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# -- without Docker -------------------------------------------------------------------------------------------------


def _top_level_services(text: str) -> set[str]:
    """Service names from the ``services:`` block, read without a YAML library."""
    block = re.search(r"^services:\n(.*?)(?=^\S|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert block, "no top-level services: block"
    return set(re.findall(r"^  ([A-Za-z0-9_.-]+):", block.group(1), flags=re.MULTILINE))


def _app_environment(text: str) -> dict[str, str]:
    """The shared ``&app-env`` environment mapping, read without a YAML library."""
    block = re.search(r"^  environment: &app-env\n((?:    \S.*\n)+)", text, flags=re.MULTILINE)
    assert block, "no shared `environment: &app-env` mapping"
    pairs = (line.strip().split(":", 1) for line in block.group(1).splitlines())
    return {key.strip(): value.strip() for key, value in pairs}


def test_compose_file_declares_the_six_services() -> None:
    assert _top_level_services(COMPOSE_FILE.read_text()) == SERVICES


def test_compose_environment_names_are_settings_fields() -> None:
    env = _app_environment(COMPOSE_FILE.read_text())
    fields = set(Settings.model_fields)

    assert {name.lower() for name in env} <= fields, {name for name in env if name.lower() not in fields}
    assert env["APP_MODE"] == "production"
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["BROKER_URL"].startswith("amqp://")
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    for name in ("CREDENTIALS_KEYS", "ADMIN_EMAIL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "SMTP_HOST", "SMTP_PORT"):
        assert name in env


def test_compose_file_parses_as_yaml() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed; the text checks above still ran")
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    services = data["services"]

    assert set(services) == SERVICES
    for name in APP_SERVICES:
        assert services[name]["environment"]["APP_MODE"] == "production"
        assert services[name]["image"] == services["web"]["image"]
    assert services["web"]["ports"] == ["${WEB_PORT:-3000}:3000"]
    assert services["worker"]["command"] == ["dramatiq", "workers.execution", "--processes", "1", "--threads", "4"]
    assert services["scheduler"]["command"] == ["python", "-m", "workers.scheduler"]
    for name in APP_SERVICES:
        for dependency in ("postgres", "redis", "rabbitmq"):
            assert services[name]["depends_on"][dependency]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "rabbitmq", "web"):
        assert services[name]["healthcheck"]["test"]


def test_dockerfile_matches_the_setup_script() -> None:
    dockerfile = DOCKERFILE.read_text()
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text()

    bun = re.search(r"npm install .*--prefix \.tools (bun@\S+)", setup)
    assert bun, "scripts/setup.sh no longer installs bun from npm"
    assert f"--prefix .tools {bun.group(1)}" in dockerfile
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, flags=re.MULTILINE)
    assert "REFLEX_USE_SYSTEM_BUN=1" in dockerfile
    assert "/app/.tools/node_modules/.bin" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    assert "python -m autogpt_app.cli prestart" in dockerfile
    assert "reflex run --env prod" in dockerfile
    assert "EXPOSE 3000" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}, "the image must not run as root"


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = set((PROJECT_ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".web", ".tools", "data", ".git", "**/__pycache__", ".env"} <= ignored
