"""Use a freshly started app the way a newcomer would, and fail loudly if anything is off.

Run by ``scripts/check_fresh_clone.sh`` against the app it started from a clean clone (any URL works)::

    .venv/bin/python scripts/fresh_clone_smoke.py http://127.0.0.1:3000

Signs up through the API, adds a seed agent from the marketplace, runs it to completion and checks its
output, then loads ``/`` and ``/marketplace`` in Chromium and fails on any console error or page error.
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS

SEED_AGENT = "slug-generator"
RUN_INPUTS = {"text": "Hello, Fresh World!"}
EXPECTED_SLUG = "hello-fresh-world"


def _check(response: httpx.Response, status: int, what: str) -> dict:
    if response.status_code != status:
        raise SystemExit(f"{what}: HTTP {response.status_code} (expected {status}): {response.text[:500]}")
    return response.json()


def run_seed_agent(base: str) -> None:
    """Sign up, add the seed agent to the library, run it and check its output."""
    with httpx.Client(base_url=base + "/api/v1", timeout=30) as api:
        email = f"newcomer-{secrets.token_hex(4)}@example.com"
        body = {"email": email, "display_name": "Newcomer", "password": "Tidy-Lantern-Harbour-71"}
        token = _check(api.post("/auth/signup", json=body), 201, "sign up")["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        agent = _check(api.post("/library/agents", json={"listing": SEED_AGENT}), 201, "add the seed agent")
        run = _check(
            api.post(f"/graphs/{agent['graph_id']}/executions", json={"inputs": RUN_INPUTS}), 201, "start a run"
        )
        deadline = time.monotonic() + 60
        while True:
            run = _check(api.get(f"/executions/{run['id']}"), 200, "read the run")
            if run["status"] in {"COMPLETED", "FAILED", "TERMINATED"} or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        if run["status"] != "COMPLETED":
            raise SystemExit(f"the seed agent's run ended {run['status']}: {run.get('error')}")
        if run["outputs"].get("slug") != [EXPECTED_SLUG]:
            raise SystemExit(f"unexpected output: {run['outputs']}")
        print(f"    signed up, ran '{SEED_AGENT}' to completion: slug = {run['outputs']['slug'][0]!r}")


def load_pages(base: str, paths: tuple[str, ...] = ("/", "/marketplace")) -> None:
    """Open each page in Chromium; any console error or uncaught page error fails the check."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text} ({page.url})"))
            page.on("pageerror", lambda e: problems.append(f"page error: {e} ({page.url})"))
            for path in paths:
                response = page.goto(base + path, wait_until="networkidle", timeout=60_000)
                if response is None or response.status != 200:
                    problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
                # The page has rendered when its shell's heading is there (the app hydrated).
                page.get_by_role("heading").first.wait_for(timeout=30_000)
                page.wait_for_timeout(1_000)
                print(f"    {path}: loaded ({page.title()!r})")
        finally:
            browser.close()
    if problems:
        raise SystemExit("the browser reported:\n  " + "\n  ".join(problems))


def main() -> None:
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:3000"
    ping = httpx.get(base + "/ping", timeout=10)
    if ping.status_code != 200 or "pong" not in ping.text:
        raise SystemExit(f"/ping answered {ping.status_code}: {ping.text[:200]}")
    run_seed_agent(base)
    load_pages(base)


if __name__ == "__main__":
    main()
