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

The context crosses the process boundary as JSON (what flows between blocks is JSON-like).
"""

from __future__ import annotations

import asyncio
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


_POOL_SIZE = 2
_idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
_slots = threading.BoundedSemaphore(_POOL_SIZE)


def _render_isolated(source: str, context: dict[str, Any], autoescape: bool, timeout: float) -> str:
    with _slots:
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
) -> str:
    """Render ``source`` with ``context`` in an isolated, time-limited child process.

    Raises:
        TemplateError: with a readable reason (syntax, sandbox violation, too slow, too large).
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"The template is longer than {MAX_TEMPLATE_CHARS} characters.")
    if "{" not in source:  # nothing to render: skip the child process
        return source
    return await asyncio.to_thread(_render_isolated, source, _json_safe(context), autoescape, timeout)
