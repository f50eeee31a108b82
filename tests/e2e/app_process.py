"""Start the real app (``reflex run --env prod``) in embedded mode on a free port, for the browser tests
and the benchmarks that drive a browser (``benchmarks/builder.py``)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 240.0


class AppStartError(RuntimeError):
    """The app did not start (the message holds the end of its log)."""


def free_tcp_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read(200)
        return response.status
    finally:
        conn.close()


def _log_tail(log_path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log_path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen) -> None:
    """End the app's whole process group: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=10)


def app_environment(port: int, data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an embedded app at ``http://localhost:<port>`` (no Redis, broker or model key)."""
    env = os.environ.copy()
    for var in ("REDIS_URL", "BROKER_URL", "OPENAI_API_KEY"):  # embedded mode, nothing external
        env.pop(var, None)
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        APP_MODE="embedded",
        # The address the browser opens: its origin is the only one CORS and the socket accept.
        APP_URL=f"http://localhost:{port}",
        PATH=os.pathsep.join([str(ROOT / ".tools/node_modules/.bin"), str(ROOT / ".venv/bin"), env.get("PATH", "")]),
        REFLEX_USE_SYSTEM_BUN="1",
    )
    env.update(extra)
    return env


@contextmanager
def running_app(port: int, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Migrate and seed (``prestart``), start the app, yield its base URL once it serves pages; stop it after.

    Raises:
        AppStartError: prestart failed, or the app exited or did not answer within ``STARTUP_TIMEOUT``.
    """
    python = str(ROOT / ".venv/bin/python")
    prestart = subprocess.run(
        [python, "-m", "autogpt_app.cli", "prestart"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if prestart.returncode != 0:
        raise AppStartError(f"prestart failed ({prestart.returncode}):\n{prestart.stdout}\n{prestart.stderr}")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/reflex"),
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise AppStartError(f"reflex exited with {proc.returncode} before answering:\n{_log_tail(log_path)}")
            try:
                # /ping answers once the backend runs; / once the compiled pages are served.
                if _http_status(port, "/ping") == 200 and _http_status(port, "/") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AppStartError(
                    f"the app did not answer on port {port} within {STARTUP_TIMEOUT:.0f} s:\n{_log_tail(log_path)}"
                )
            time.sleep(0.5)
        yield f"http://localhost:{port}"
    finally:
        _stop(proc)
