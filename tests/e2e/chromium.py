"""Debian's Chromium and the flags it needs on these machines (no sandbox, no background traffic).

Shared by the browser suite's fixtures and ``scripts/fresh_clone_smoke.py``.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
