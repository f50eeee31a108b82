"""Start an ASGI application in a real server process (granian, as in production) on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    target: str,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    factory: bool = False,
    log: Path | None = None,
) -> Iterator[str]:
    """Serve ``module:attribute`` with granian until the block ends; yields the base URL.

    ``factory``: the attribute is called to build the ASGI app (as Reflex serves its ``rx.App``).
    ``log``: a file for the server's output (a long-lived server could fill a pipe nobody reads).
    """
    port = free_port()
    log_file = open(log, "wb") if log else None  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            *(["--factory"] if factory else []),
            target,
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log_file or subprocess.DEVNULL,
        stderr=log_file or subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                output = log.read_bytes() if log else proc.stderr.read()
                raise RuntimeError(f"granian exited: {output.decode(errors='replace')[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"granian did not listen on {port} within {timeout} s") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        if log_file:
            log_file.close()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
