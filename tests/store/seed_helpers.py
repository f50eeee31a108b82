"""Running seed agents end to end in tests: a local site for their web requests, the fake model, the runner."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from autogpt_app.auth.models import User
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.executions import service as executions
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.library import service as library
from autogpt_app.notifications.models import Notification
from autogpt_app.settings import get_settings
from autogpt_app.store.seed.model import SERVER, Sample, SeedAgent, Served
from tests.fakes import FakeOpenAIServer, RecordedRequest, Reply


class LocalSite:
    """An HTTP server on 127.0.0.1 answering fixed routes (``Sample.serve``); 404 elsewhere."""

    def __init__(self, routes: Mapping[str, Served]) -> None:
        self.routes = dict(routes)
        self.paths: list[str] = []
        #: Path → bodies of the requests sent there with one (what an agent posted).
        self.bodies: dict[str, list[str]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, with_body: bool) -> None:
                path = urlsplit(self.path).path
                site.paths.append(path)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    site.bodies.setdefault(path, []).append(self.rfile.read(length).decode("utf-8", "replace"))
                served = site.routes.get(path)
                body, status, kind = (
                    (served.render().replace(SERVER.encode(), site.url.encode()), served.status, served.content_type)
                    if served
                    else (b"not found", 404, "text/plain")
                )
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def do_POST(self) -> None:
                self._answer(True)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@dataclass
class SampleRun:
    """What one sample run produced."""

    status: str
    error: str | None
    outputs: dict[str, list[Any]]
    notifications: list[Notification] = field(default_factory=list)
    prompts: list[RecordedRequest] = field(default_factory=list)
    node_errors: list[str] = field(default_factory=list)
    posted: dict[str, list[str]] = field(default_factory=dict)


@contextmanager
def fake_model(sample: Sample) -> Iterator[FakeOpenAIServer | None]:
    """The fake OpenAI-compatible server answering ``sample.llm_reply`` to every request (None when not needed)."""
    if sample.llm_reply is None:
        yield None
        return
    reply = sample.llm_reply
    with FakeOpenAIServer(responder=lambda request: Reply(content=reply)) as server:
        yield server


def _with_server(value: Any, server: str) -> Any:
    """``value`` with ``{server}`` in its texts replaced by the local site's address."""
    if isinstance(value, str):
        return value.replace(SERVER, server)
    if isinstance(value, Mapping):
        return {k: _with_server(v, server) for k, v in value.items()}
    return value


@contextmanager
def sample_settings(sample: Sample, server: str) -> Iterator[None]:
    """The platform settings the sample asks for (a service's base URL on the local site), then the old ones."""
    settings = get_settings()
    old = {name: getattr(settings, name) for name in sample.settings}
    try:
        for name, value in sample.settings.items():
            setattr(settings, name, _with_server(value, server))
        yield
    finally:
        for name, value in old.items():
            setattr(settings, name, value)


async def run_sample(agent: SeedAgent, sample: Sample, user: User) -> SampleRun:
    """Add the seeded listing to ``user``'s library and run it with the sample's inputs, as a person would.

    The listing must already be seeded. Loopback must be allowed (the local site and model live on 127.0.0.1).
    """
    with LocalSite(sample.serve) as site, fake_model(sample) as model, sample_settings(sample, site.url):
        async with session_scope() as s:
            entry = await library.add_from_listing(s, user, agent.slug)
            chosen: dict[str, str] = {}
            if model is not None:
                key = await credentials.create_credential(
                    s,
                    user,
                    provider="openai",
                    type="api_key",
                    title="Test model",
                    api_key="sk-seed-test-0123456789",
                    meta={"base_url": model.base_url, "model": "seed-test-model"},
                )
                chosen["openai_api_key"] = key.id
            for name, fields in sample.credentials.items():
                made = await credentials.create_credential(
                    s, user, title=f"Sample {name}", **_with_server(dict(fields), site.url)
                )
                chosen[name] = made.id
            run = await executions.add_graph_execution(
                s, user, entry.graph_id, inputs=sample.resolved_inputs(site.url), credentials=chosen
            )
        status = await GraphRunner(run.id).run()
        async with session_scope() as s:
            result = await executions.get_execution(s, user, run.id)
            # What the agent itself sent (run-finished notices come from the platform, not the agent).
            mine = select(Notification).where(Notification.user_id == user.id, Notification.type == "agent_message")
            notes = list((await s.execute(mine)).scalars())
        return SampleRun(
            status=str(status),
            error=result.error,
            outputs=dict(result.outputs or {}),
            notifications=notes,
            prompts=model.completions if model is not None else [],
            node_errors=[f"{n.node_id}: {n.error}" for n in result.nodes if n.error],
            posted=dict(site.bodies),
        )


def problems(agent: SeedAgent, sample: Sample, run: SampleRun) -> list[str]:
    """Every way ``run`` differs from what ``sample`` expects (empty when it passed)."""
    found: list[str] = []
    if run.status != "COMPLETED":
        found.append(f"status {run.status}: {run.error}")
    for name, check in sample.expect.items():
        values = run.outputs.get(name, [])
        if len(values) != 1:
            found.append(f"output {name!r}: expected one value, got {values!r}")
        elif not check(values[0]):
            found.append(f"output {name!r} = {values[0]!r}: expected it {check.description}")
    for name, check in sample.expect_all.items():
        values = run.outputs.get(name, [])
        if not check(values):
            found.append(f"outputs {name!r} = {values!r}: expected them {check.description}")
    for name in sample.absent:
        if name in run.outputs:
            found.append(f"output {name!r} should not be produced, got {run.outputs[name]!r}")
    texts = [f"{n.title}\n{n.body}" for n in run.notifications]
    if sample.notification is None and texts:
        found.append(f"unexpected notifications: {texts!r}")
    if sample.notification is not None and not any(sample.notification in t for t in texts):
        found.append(f"no notification containing {sample.notification!r}; got {texts!r}")
    if sample.llm_reply is not None:
        if not run.prompts:
            found.append("the language model was never called")
        sent = "\n".join(str(m.get("content", "")) for r in run.prompts for m in r.messages)
        missing = [p for p in sample.prompt_contains if p not in sent]
        if missing:
            found.append(f"the prompt did not contain {missing!r}: {sent[:500]!r}")
    for path, parts in sample.posted.items():
        sent = "\n".join(run.posted.get(path, []))
        missing = [p for p in parts if p not in sent]
        if missing:
            found.append(f"nothing posted to {path} contained {missing!r}; posted {sent[:500]!r}")
    if found and run.node_errors:
        found.append("node errors: " + "; ".join(run.node_errors))
    return found
