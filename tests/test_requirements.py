"""requirements.txt alone is enough to run the app: nothing it needs arrives only through a test tool.

A fresh machine installs ``requirements.txt`` and nothing else (``scripts/run.sh``, the Dockerfile). These
checks read the code's imports and the installed packages' metadata; ``scripts/check_fresh_clone.sh``
proves the same thing for real by starting the app from a clean clone.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_CODE = ("autogpt_app", "workers", "alembic", "rxconfig.py")
#: Needs the code has without importing them by name: SQLAlchemy's asyncio layer runs on greenlet,
#: FastAPI parses uploaded files with python-multipart, zoneinfo needs a tz database on slim images.
IMPLICIT_NEEDS = ("greenlet", "python-multipart", "tzdata")


def _requirements(path: Path) -> list[Requirement]:
    found = []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


def _imported_top_level_modules() -> set[str]:
    modules: set[str] = set()
    for root in RUNTIME_CODE:
        path = ROOT / root
        for file in [path] if path.is_file() else path.rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text("utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    local = {"autogpt_app", "workers", "rxconfig"}
    return {m for m in modules if m not in sys.stdlib_module_names and m not in local}


def _closure(requirements: list[Requirement]) -> set[str]:
    """Every distribution that installing ``requirements`` brings, following extras and markers."""
    seen: set[str] = set()
    todo = [(r, frozenset(r.extras)) for r in requirements]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        key = name + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        seen.add(name)
        for dep in md.requires(req.name) or []:
            sub = Requirement(dep)
            if sub.marker is None:
                todo.append((sub, frozenset(sub.extras)))
                continue
            envs = [{"extra": ""}] + [{"extra": e} for e in extras]
            if any(sub.marker.evaluate(env) for env in envs):
                todo.append((sub, frozenset(sub.extras)))
    return {s for s in seen if "[" not in s}


def test_every_imported_package_is_pinned_by_name() -> None:
    pinned = {canonicalize_name(r.name) for r in _requirements(ROOT / "requirements.txt")}
    owners = md.packages_distributions()
    missing = sorted(
        f"{module} (from {', '.join(owners.get(module, ['?']))})"
        for module in _imported_top_level_modules()
        if not any(canonicalize_name(d) in pinned for d in owners.get(module, []))
    )
    assert not missing, f"imported at run time but not pinned in requirements.txt: {missing}"


def test_implicit_runtime_needs_are_pinned() -> None:
    pinned = {canonicalize_name(r.name) for r in _requirements(ROOT / "requirements.txt")}
    assert set(IMPLICIT_NEEDS) <= pinned, sorted(set(IMPLICIT_NEEDS) - pinned)


def test_sqlalchemy_has_its_asyncio_extra() -> None:
    sqlalchemy = next(r for r in _requirements(ROOT / "requirements.txt") if r.name.lower() == "sqlalchemy")
    assert "asyncio" in sqlalchemy.extras


def test_every_runtime_requirement_is_pinned_exactly() -> None:
    requirements = _requirements(ROOT / "requirements.txt")
    loose = [str(r) for r in requirements if not re.fullmatch(r"==[\w.]+", str(r.specifier))]
    assert not loose, f"pin these with ==: {loose}"


def test_runtime_closure_does_not_lean_on_test_tools() -> None:
    """Every package the code imports is installed by requirements.txt alone, not only by the dev extras."""
    closure = _closure(_requirements(ROOT / "requirements.txt"))
    owners = md.packages_distributions()
    needed = {canonicalize_name(d) for m in _imported_top_level_modules() for d in owners.get(m, [])}
    needed |= set(IMPLICIT_NEEDS)
    assert needed <= closure, sorted(needed - closure)


def test_dockerfile_installs_the_same_file() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert re.search(r"pip install [^\n]*-r requirements\.txt", dockerfile)
    assert "requirements-dev" not in dockerfile
