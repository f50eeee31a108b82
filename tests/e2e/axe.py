"""axe-core for the browser tests: the pinned release from the npm registry, fetched once per machine.

``npm pack`` downloads the published tarball (npm checks its integrity) into a cache directory outside
the repository; the tests inject its ``axe.min.js`` into pages. Nothing built is checked in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

#: The axe-core release the accessibility checks use (bump deliberately: new rules can find new problems).
AXE_VERSION = "4.10.3"
#: Impacts that fail a page.
BLOCKING = ("serious", "critical")


def cache_dir() -> Path:
    """Where the downloaded script is kept between runs (``AXE_CACHE_DIR``, else the user's cache)."""
    configured = os.environ.get("AXE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "autogpt-e2e"


def axe_script() -> str:
    """The text of ``axe.min.js`` of :data:`AXE_VERSION`, downloading it with ``npm pack`` the first time.

    Raises:
        RuntimeError: npm is missing or the registry could not be reached.
    """
    target = cache_dir() / f"axe-core-{AXE_VERSION}.min.js"
    if target.is_file():
        return target.read_text("utf-8")
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (needed once to fetch axe-core)")
    with tempfile.TemporaryDirectory(prefix="axe-") as tmp:
        done = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-500:]}")
        [tarball] = Path(tmp).glob("axe-core-*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            if member is None:
                raise RuntimeError("the axe-core package has no axe.min.js")
            script = member.read().decode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_text(script, "utf-8")
    partial.replace(target)
    return script


def blocking_violations(page, script: str) -> list[dict]:
    """Run axe over the page as it is now; return its serious and critical violations (WCAG 2.1 A/AA)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=script)
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                                       summary: (n.failureSummary || '').slice(0, 300)})),
            }));
        }"""
    )
    return [v for v in result if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    """Violations as lines a person can act on."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append(f"      {node['summary'].splitlines()[-1].strip()}")
    return "\n".join(lines)
