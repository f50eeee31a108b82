"""The real app (``autogpt_app.autogpt_app:app``, as ``reflex run --env prod`` builds it) served by granian
on a free port, on the tests' database, with its lifespan: embedded workers and the MCP session manager."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.api.server import ROOT, served

STARTUP_SECONDS = 240


@contextmanager
def served_app(**env: str) -> Iterator[str]:
    """Serve the whole app (its pages compile on start, about a minute) and wait until it answers
    ``/ping``; yields its base URL."""
    path = os.pathsep.join([str(ROOT / ".tools/node_modules/.bin"), str(ROOT / ".venv/bin"), os.environ["PATH"]])
    environment = {"REFLEX_USE_SYSTEM_BUN": "1", "REFLEX_ENV_MODE": "prod", "PATH": path, **env}
    log = Path(tempfile.mkdtemp(prefix="mcp-app-")) / "app.log"
    with served("autogpt_app.autogpt_app:app", env=environment, factory=True, timeout=STARTUP_SECONDS, log=log) as url:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/ping", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer /ping:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield url
