"""REST API for the library: every endpoint, bad input, other users' ids, and exports without secrets."""

from __future__ import annotations

import io
import json
import zipfile

import yaml

from autogpt_app.library.uploads import MAX_UPLOAD_BYTES
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import echo_graph, greeting_graph

URL = "/api/v1/library/agents"


async def entries(client, token, **params) -> dict:
    r = await client.get(URL, params=params, headers=bearer(token))
    assert r.status_code == 200, r.text
    return r.json()


async def entry_for(client, token, graph_id) -> dict:
    return next(i for i in (await entries(client, token, archived="all")).get("items") if i["graph_id"] == graph_id)


async def test_created_graphs_join_the_library_and_list_in_pages(client):
    token = await token_for(client)
    graphs = [await make_graph(client, token, echo_graph(f"Agent {i}")) for i in range(3)]
    page = await entries(client, token)
    assert page["total"] == 3 and page["offset"] == 0 and page["limit"] == 24
    assert [i["name"] for i in page["items"]] == ["Agent 2", "Agent 1", "Agent 0"]
    item = page["items"][0]
    assert item["source"] == "created" and item["input_count"] == 1 and item["run_count"] == 0
    assert "nodes" not in item and "input_schema" not in item
    page = await entries(client, token, sort="name", offset=1, limit=1)
    assert [i["name"] for i in page["items"]] == ["Agent 1"] and page["total"] == 3
    assert (await entries(client, token, query="agent 0"))["total"] == 1
    # POST /agents is idempotent.
    r = await client.post(URL, json={"graph_id": graphs[0]["id"]}, headers=bearer(token))
    assert r.status_code == 201 and r.json()["id"] == (await entry_for(client, token, graphs[0]["id"]))["id"]
    assert (await entries(client, token))["total"] == 3
    # Imported files join with source "upload".
    r = await client.post(
        "/api/v1/graphs/import",
        files={"file": ("a.yaml", yaml.safe_dump(echo_graph("Imported")))},
        headers=bearer(token),
    )
    assert r.status_code == 201
    assert (await entry_for(client, token, r.json()["id"]))["source"] == "upload"


async def test_bad_list_parameters(client):
    token = await token_for(client)
    for params in (
        {"sort": "random"},
        {"archived": "maybe"},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"favorites": "maybe"},
    ):
        assert_error(await client.get(URL, params=params, headers=bearer(token)), 422)
    assert_error(await client.get(URL), 401)


async def test_get_patch_delete_and_bulk(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    other = await make_graph(client, token, echo_graph("Other"))
    agent = await entry_for(client, token, graph["id"])
    second = await entry_for(client, token, other["id"])

    detail = (await client.get(f"{URL}/{agent['id']}", headers=bearer(token))).json()
    assert detail["input_schema"]["properties"]["name"]["type"] == "string"
    assert detail["credentials_input_schema"]["properties"] == {} and detail["version"] == 1

    r = await client.patch(f"{URL}/{agent['id']}", json={"is_favorite": True, "name": "Hello"}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["is_favorite"] and r.json()["name"] == "Hello"
    assert [i["id"] for i in (await entries(client, token, favorites="true"))["items"]] == [agent["id"]]
    assert_error(await client.patch(f"{URL}/{agent['id']}", json={"name": " "}, headers=bearer(token)), 422)
    assert_error(await client.patch(f"{URL}/{agent['id']}", json={"is_favorite": "x"}, headers=bearer(token)), 422)

    r = await client.post(
        f"{URL}/bulk", json={"ids": [agent["id"], second["id"]], "action": "archive"}, headers=bearer(token)
    )
    assert r.status_code == 200 and r.json() == {"action": "archive", "count": 2}
    assert (await entries(client, token))["total"] == 0
    assert (await entries(client, token, archived="true"))["total"] == 2
    assert_error(
        await client.post(f"{URL}/bulk", json={"ids": [agent["id"]], "action": "explode"}, headers=bearer(token)), 422
    )
    assert_error(await client.post(f"{URL}/bulk", json={"ids": [], "action": "delete"}, headers=bearer(token)), 422)
    r = await client.post(f"{URL}/bulk", json={"ids": [second["id"]], "action": "delete"}, headers=bearer(token))
    assert r.json()["count"] == 1

    assert (await client.delete(f"{URL}/{agent['id']}", headers=bearer(token))).status_code == 204
    assert_error(await client.get(f"{URL}/{agent['id']}", headers=bearer(token)), 404, "library_agent_not_found")
    assert_error(await client.delete(f"{URL}/{agent['id']}", headers=bearer(token)), 404)
    # The agent itself stays.
    assert (await client.get(f"/api/v1/graphs/{graph['id']}", headers=bearer(token))).status_code == 200


async def test_runs_update_the_run_count(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    r = await client.post(
        f"/api/v1/graphs/{graph['id']}/executions", json={"inputs": {"name": "A"}}, headers=bearer(token)
    )
    assert r.status_code == 201
    item = await entry_for(client, token, graph["id"])
    assert item["run_count"] == 1 and item["last_run_at"] is not None


async def test_other_users_ids_answer_404_and_change_nothing(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, owner)
    agent = await entry_for(client, owner, graph["id"])
    aid = agent["id"]
    for method, path, body in [
        ("GET", f"{URL}/{aid}", None),
        ("PATCH", f"{URL}/{aid}", {"is_favorite": True}),
        ("DELETE", f"{URL}/{aid}", None),
        ("GET", f"{URL}/{aid}/export", None),
        ("POST", f"{URL}/export", {"ids": [aid]}),
        ("POST", f"{URL}/bulk", {"ids": [aid], "action": "delete"}),
    ]:
        assert_error(
            await client.request(method, path, json=body, headers=bearer(other)), 404, "library_agent_not_found"
        )
    assert_error(await client.post(URL, json={"graph_id": graph["id"]}, headers=bearer(other)), 404, "graph_not_found")
    # Mixed with one of the caller's own ids: still nothing changes.
    mine = await entry_for(client, other, (await make_graph(client, other))["id"])
    r = await client.post(f"{URL}/bulk", json={"ids": [mine["id"], aid], "action": "delete"}, headers=bearer(other))
    assert_error(r, 404)
    assert (await entries(client, other))["total"] == 1
    assert (await entries(client, other))["items"][0]["id"] == mine["id"]
    after = (await client.get(f"{URL}/{aid}", headers=bearer(owner))).json()
    assert after["is_favorite"] is False and after["name"] == agent["name"]


async def test_upload_preview_and_bad_files(client):
    token = await token_for(client)
    text = yaml.safe_dump(echo_graph("From YAML"))
    r = await client.post(f"{URL}/upload/preview", files={"file": ("agent.yaml", text)}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["name"] == "From YAML" and "Short text input" in r.json()["blocks"]
    assert (await entries(client, token))["total"] == 0

    r = await client.post(f"{URL}/upload", files={"file": ("agent.yaml", text)}, headers=bearer(token))
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "upload" and r.json()["input_schema"]["properties"]["topic"]
    assert (await entries(client, token))["total"] == 1

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "\n".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
    )
    bad = [
        (("bomb.yaml", bomb), 422, "yaml_too_complex"),
        (("big.json", b"{" + b" " * MAX_UPLOAD_BYTES + b"}"), 422, "file_too_large"),
        (("agent.txt", json.dumps(echo_graph())), 422, "unsupported_file_type"),
        (("agent.json", "{oops"), 422, "invalid_file"),
    ]
    for path in (f"{URL}/upload", f"{URL}/upload/preview"):
        for file, status, code in bad:
            assert_error(await client.post(path, files={"file": file}, headers=bearer(token)), status, code)
        assert_error(await client.post(path, data={"other": "x"}, headers=bearer(token)), 422, "invalid_file")
        assert_error(await client.post(path, content=text, headers=bearer(token)), 422, "invalid_file")
    huge = b"x" * (7 * 1024 * 1024)
    assert_error(await client.post(f"{URL}/upload", files={"file": ("h.json", huge)}, headers=bearer(token)), 413)
    assert (await entries(client, token))["total"] == 1


async def test_export_one_and_many_without_secrets(client):
    token = await token_for(client)
    doc = echo_graph("Secret echo")
    doc["nodes"][0]["input_default"].update(value="top-secret-default", secret=True)
    first = await entry_for(client, token, (await make_graph(client, token, doc))["id"])
    second = await entry_for(client, token, (await make_graph(client, token, echo_graph("Secret echo")))["id"])

    r = await client.get(f"{URL}/{first['id']}/export", headers=bearer(token))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "attachment" in r.headers["content-disposition"] and r.json()["name"] == "Secret echo"
    assert "top-secret-default" not in r.text
    r = await client.get(f"{URL}/{first['id']}/export", params={"format": "yaml"}, headers=bearer(token))
    assert yaml.safe_load(r.text)["name"] == "Secret echo"
    assert_error(await client.get(f"{URL}/{first['id']}/export?format=xml", headers=bearer(token)), 422)

    r = await client.post(f"{URL}/export", json={"ids": [first["id"], second["id"]]}, headers=bearer(token))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = archive.namelist()
    assert names == ["secret-echo-v1.json", "secret-echo-v1-2.json"]
    contents = [archive.read(n).decode() for n in names]
    assert all(json.loads(c)["name"] == "Secret echo" for c in contents)
    assert not any("top-secret-default" in c for c in contents)
    r = await client.post(f"{URL}/export", json={"ids": [first["id"]], "format": "yaml"}, headers=bearer(token))
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.namelist() == ["secret-echo-v1.yaml"]
    # An exported file uploads again.
    again = await client.post(
        f"{URL}/upload", files={"file": ("e.yaml", archive.read("secret-echo-v1.yaml"))}, headers=bearer(token)
    )
    assert again.status_code == 201
    assert_error(await client.post(f"{URL}/export", json={"ids": []}, headers=bearer(token)), 422)
