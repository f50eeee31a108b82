"""Template render worker: ``python -m autogpt_app.blocks.template_worker``.

Reads one JSON request per line on stdin (``source``, ``context``, ``autoescape``) and writes one
JSON reply per line (``output`` or ``error``). Started and killed by ``templates._render_isolated``;
its memory is capped so a template cannot exhaust the machine.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys

from autogpt_app.blocks.templates import MEMORY_BYTES, TemplateError, render_sync


def main() -> None:
    """Serve render requests until stdin closes."""
    # Best effort: some sandboxes do not allow lowering limits.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    for line in sys.stdin:
        try:
            request = json.loads(line)
            reply = {"output": render_sync(request["source"], request["context"], autoescape=request["autoescape"])}
        except TemplateError as exc:
            reply = {"error": str(exc)}
        except MemoryError:
            reply = {"error": "The template used too much memory."}
        except Exception:
            reply = {"error": "The template could not be rendered."}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
