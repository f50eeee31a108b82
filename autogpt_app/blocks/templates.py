"""Sandboxed Jinja2 templates for agent blocks.

Templates come from agent authors, so they are hostile until proven otherwise:

* Jinja2's ``ImmutableSandboxedEnvironment`` blocks attribute tricks (``__class__``,
  ``__globals__``, ``__subclasses__``) and mutation of the data passed in; the default globals
  (``cycler``, ``joiner``, ``lipsum``, ``namespace``, ``range``) are removed and a capped ``range``
  put back.
* Every render runs in a child process (a small pool of long-lived workers, see
  ``template_worker``) with a wall-clock limit and a memory limit, because a template can loop
  (nested ``for``) or grow without calling anything the sandbox could intercept. A runaway
  render's worker is killed, not waited for, and a fresh one takes its place.
* The output is capped in size.
* The pool is shared fairly: one person's renders hold at most ``TEMPLATE_WORKERS_PER_USER`` of the
  ``TEMPLATE_WORKERS`` processes (always fewer than all of them), so one person's slow templates
  cannot make everyone else's wait. Their further renders wait on the event loop, not in a thread.

The context crosses the process boundary as JSON (what flows between blocks is JSON-like).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import queue
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from autogpt_app.settings import get_settings

MAX_TEMPLATE_CHARS = 100_000
MAX_OUTPUT_CHARS = 1_000_000
MAX_RANGE = 10_000
TIMEOUT_SECONDS = 3.0
MEMORY_BYTES = 512 * 1024 * 1024


class TemplateError(Exception):
    """A template could not be rendered; the message is fit for the run page."""


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, with size-checked operators."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("exponent too large")
            return left**right
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT_CHARS:
                    raise SecurityError("result too large")
            return left * right
        return left + right


def _capped_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} items")
    return r


def make_environment(*, autoescape: bool = False) -> ImmutableSandboxedEnvironment:
    """Return a fresh sandboxed environment with only safe globals."""
    env = _Environment(autoescape=autoescape, undefined=Undefined)
    env.globals.clear()
    env.globals["range"] = _capped_range
    return env


def render_sync(source: str, context: dict[str, Any], *, autoescape: bool = False) -> str:
    """Render in this process (no time limit). Used inside the child process and by tests.

    Raises:
        TemplateError: bad syntax, a sandbox violation, or an output over the size cap.
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"The template is longer than {MAX_TEMPLATE_CHARS} characters.")
    env = make_environment(autoescape=autoescape)
    try:
        template = env.from_string(source)
        parts: list[str] = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(f"The template's output is longer than {MAX_OUTPUT_CHARS} characters.")
            parts.append(chunk)
        return "".join(parts)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error on line {exc.lineno}: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateError(f"The template tried something that is not allowed: {exc}") from None
    except JinjaTemplateError as exc:
        raise TemplateError(f"The template could not be rendered: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise TemplateError(f"The template could not be rendered: {exc}") from None
    except RecursionError:
        raise TemplateError("The template nests too deeply.") from None


class _Worker:
    """A long-lived child process that renders one template at a time (JSON lines on stdio)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autogpt_app.blocks.template_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parents[2]),
        )

    def render(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request, default=str).encode() + b"\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError
        line = self.proc.stdout.readline()
        if not line:
            raise EOFError
        return json.loads(line)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(5)


_idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
_pool_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
#: Renders in progress or admitted, per owner (an entry exists only while the owner has some).
_per_owner: dict[str, int] = {}


def _pool_slots() -> threading.BoundedSemaphore:
    global _slots
    with _pool_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(get_settings().template_workers)
        return _slots


def per_owner_limit() -> int:
    """How many renders one person may have in the pool at once: fewer than the pool holds."""
    settings = get_settings()
    pool = settings.template_workers
    return max(1, min(settings.template_workers_per_user, pool - 1 if pool > 1 else 1))


def _try_enter(owner: str, limit: int) -> bool:
    with _pool_lock:
        if _per_owner.get(owner, 0) >= limit:
            return False
        _per_owner[owner] = _per_owner.get(owner, 0) + 1
        return True


def _leave(owner: str) -> None:
    with _pool_lock:
        left = _per_owner.get(owner, 1) - 1
        if left > 0:
            _per_owner[owner] = left
        else:
            _per_owner.pop(owner, None)


@contextlib.asynccontextmanager
async def _owner_turn(owner: str | None):
    """Wait (on the event loop) until ``owner`` has fewer renders in the pool than their share."""
    if owner is None:
        yield
        return
    limit = per_owner_limit()
    # Renders of one person come from several worker threads, each with its own event loop: no
    # asyncio primitive spans them, so a short poll it is (it holds no thread while it waits).
    while not _try_enter(owner, limit):  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        _leave(owner)


def _render_isolated(source: str, context: dict[str, Any], autoescape: bool, timeout: float) -> str:
    with _pool_slots():
        try:
            worker = _idle.get_nowait()
        except queue.Empty:
            worker = _Worker()
        try:
            reply = worker.render({"source": source, "context": context, "autoescape": autoescape}, timeout)
        except TimeoutError:
            worker.kill()
            raise TemplateError(f"The template took longer than {timeout:g} seconds and was stopped.") from None
        except (EOFError, OSError, ValueError):
            worker.kill()
            raise TemplateError("The template used too many resources and was stopped.") from None
        _idle.put(worker)
    if reply.get("error"):
        raise TemplateError(reply["error"])
    return reply["output"]


def _json_safe(context: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON: the worker sees exactly the data, never live objects."""
    return json.loads(json.dumps(context, default=str))


async def render_template(
    source: str,
    context: dict[str, Any],
    *,
    autoescape: bool = False,
    timeout: float = TIMEOUT_SECONDS,  # noqa: ASYNC109
    owner: str | None = None,
) -> str:
    """Render ``source`` with ``context`` in an isolated, time-limited child process.

    ``owner`` (the id of the person whose run renders) limits their share of the worker pool.

    Raises:
        TemplateError: with a readable reason (syntax, sandbox violation, too slow, too large).
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"The template is longer than {MAX_TEMPLATE_CHARS} characters.")
    if "{" not in source:  # nothing to render: skip the child process
        return source
    async with _owner_turn(owner):
        return await asyncio.to_thread(_render_isolated, source, _json_safe(context), autoescape, timeout)
