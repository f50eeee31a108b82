"""Oversized request bodies over real sockets: 413 in the error shape, every time, on every path."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.api.server import served
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import greeting_graph

MB = 1024 * 1024


@pytest.fixture(scope="module")
def base_url():
    with served("tests.fakes.served_api:app") as url:
        yield url


async def _chunks(total: int, size: int = 64 * 1024):
    """A body without Content-Length: httpx sends it with chunked transfer encoding."""
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size


async def _post_chunked(client: httpx.AsyncClient, path: str, total: int, token: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/json", **(bearer(token) if token else {})}
    return await client.post(path, content=_chunks(total), headers=headers)


async def test_chunked_20_mb_to_graph_and_run_routes_always_answers_413(base_url):
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        token = await token_for(client)
        graph = await make_graph(client, token, greeting_graph())
        paths = ["/api/v1/graphs", f"/api/v1/graphs/{graph['id']}/executions"]
        for _ in range(4):
            for path in paths:
                err = assert_error(await _post_chunked(client, path, 20 * MB, token), 413, "payload_too_large")
                assert "larger than" in err["message"]
        # Several at once, as a busy server sees them: none ends in a broken connection.
        answers = await asyncio.gather(*(_post_chunked(client, paths[i % 2], 20 * MB, token) for i in range(6)))
        for answer in answers:
            assert_error(answer, 413, "payload_too_large")
        # The server is fine afterwards and a normal request still works.
        r = await client.post(paths[1], json={"inputs": {"name": "Ada"}}, headers=bearer(token))
        assert r.status_code == 201, r.text


async def test_declared_length_over_the_limit_answers_413_without_reading(base_url):
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        for _ in range(3):
            r = await client.post(
                "/api/v1/graphs", content=b"x" * (20 * MB), headers={"content-type": "application/json"}
            )
            assert_error(r, 413, "payload_too_large")


async def test_paths_outside_the_api_have_a_limit_too(base_url):
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        small = await client.post("/some/page", content=b"x" * 1000)
        assert small.status_code == 200 and small.json() == {"read": 1000}
        assert_error(await _post_chunked(client, "/some/page", 2 * MB), 413, "payload_too_large")
        assert_error(await client.post("/some/page", content=b"x" * (2 * MB)), 413, "payload_too_large")
        # Reflex's upload endpoint takes agent files and images: up to 6 MB, not 50.
        assert_error(await _post_chunked(client, "/_upload", 50 * MB), 413, "payload_too_large")


async def test_mcp_messages_may_be_as_large_as_api_json(base_url):
    """/mcp carries an agent's inputs like the API: a 1 MB message reaches it (here: 401, no key); 20 MB does not."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        headers = {"content-type": "application/json"}
        assert_error(await client.post("/mcp", content=b"x" * MB, headers=headers), 401, "not_authenticated")
        assert_error(await _post_chunked(client, "/mcp", 1 * MB), 401, "not_authenticated")
        assert_error(await client.post("/mcp", content=b"x" * (20 * MB), headers=headers), 413, "payload_too_large")
