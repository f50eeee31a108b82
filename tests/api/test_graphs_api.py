"""REST API for blocks and agents: create, validate, version, import, export, owner isolation."""

from __future__ import annotations

import json

import yaml

from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, echo_graph, node


async def make_graph(client, token, doc=None) -> dict:
    r = await client.post("/api/v1/graphs", json=doc or echo_graph(), headers=bearer(token))
    assert r.status_code == 201, r.text
    return r.json()


async def test_blocks_catalogue(client):
    token = await token_for(client)
    blocks = (await client.get("/api/v1/blocks", headers=bearer(token))).json()
    ids = {b["id"] for b in blocks}
    assert {SHORT_TEXT, OUTPUT} <= ids
    one = (await client.get(f"/api/v1/blocks/{OUTPUT}", headers=bearer(token))).json()
    assert one["name"] == "Agent output" and "output" in one["output_schema"]["properties"]
    assert_error(await client.get("/api/v1/blocks/nope", headers=bearer(token)), 404)
    assert_error(await client.get("/api/v1/blocks"), 401)


async def test_the_palette_is_public_and_cacheable_for_pictures_of_agents(client):
    response = await client.get("/api/v1/blocks/palette")  # a visitor on a marketplace page
    assert response.status_code == 200 and "public" in response.headers["cache-control"]
    output = next(b for b in response.json() if b["id"] == OUTPUT)
    assert output["name"] == "Agent output" and "value" in [p["name"] for p in output["inputs"]]


async def test_create_get_versions_and_activate(client):
    token = await token_for(client)
    graph = await make_graph(client, token)
    assert graph["version"] == 1 and graph["is_active"]
    assert graph["input_schema"]["properties"]["topic"]["title"] == "Topic"
    assert graph["output_schema"]["properties"] == {"echo": {"title": "echo"}}

    v2_doc = echo_graph("Echo v2")
    r = await client.post(f"/api/v1/graphs/{graph['id']}/versions", json=v2_doc, headers=bearer(token))
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["active_version"] == 2

    old = (await client.get(f"/api/v1/graphs/{graph['id']}?version=1", headers=bearer(token))).json()
    assert old["name"] == "Echo" and old["is_active"] is False
    history = (await client.get(f"/api/v1/graphs/{graph['id']}/versions", headers=bearer(token))).json()
    assert [h["version"] for h in history] == [2, 1]

    r = await client.put(f"/api/v1/graphs/{graph['id']}/active-version", json={"version": 1}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["active_version"] == 1
    listed = (await client.get("/api/v1/graphs", headers=bearer(token))).json()
    assert [(g["id"], g["version"]) for g in listed] == [(graph["id"], 1)]
    assert_error(await client.get(f"/api/v1/graphs/{graph['id']}?version=9", headers=bearer(token)), 404)


async def test_invalid_graph_lists_problems_and_writes_nothing(client):
    token = await token_for(client)
    doc = echo_graph()
    doc["nodes"].append(node("ghost-node", OUTPUT))  # missing required 'name'
    doc["links"].append({"source_id": "in", "sink_id": "out", "source_name": "nope", "sink_name": "value"})
    err = assert_error(await client.post("/api/v1/graphs", json=doc, headers=bearer(token)), 422, "invalid_graph")
    assert {(d["node_id"], d["pin"]) for d in err["details"]} == {("ghost-node", "name"), ("in", "nope")}
    assert (await client.get("/api/v1/graphs", headers=bearer(token))).json() == []
    err = assert_error(await client.post("/api/v1/graphs/validate", json=doc, headers=bearer(token)), 422)
    assert len(err["details"]) == 2
    ok = await client.post("/api/v1/graphs/validate", json=echo_graph(), headers=bearer(token))
    assert ok.json() == {"valid": True}


async def test_import_json_yaml_multipart_and_preview(client):
    token = await token_for(client)
    text = yaml.safe_dump(echo_graph("From YAML"))
    preview = await client.post(
        "/api/v1/graphs/import/preview", files={"file": ("agent.yaml", text)}, headers=bearer(token)
    )
    assert preview.status_code == 200
    assert preview.json()["name"] == "From YAML" and "Short text input" in preview.json()["blocks"]
    assert (await client.get("/api/v1/graphs", headers=bearer(token))).json() == []  # preview saves nothing

    r = await client.post("/api/v1/graphs/import", files={"file": ("agent.yaml", text)}, headers=bearer(token))
    assert r.status_code == 201 and r.json()["name"] == "From YAML"
    r = await client.post(
        "/api/v1/graphs/import",
        content=json.dumps(echo_graph("Raw")),
        headers={**bearer(token), "content-type": "application/json"},
    )
    assert r.status_code == 201 and r.json()["name"] == "Raw"


async def test_import_with_unsupported_blocks_imports_nothing(client):
    token = await token_for(client)
    doc = echo_graph()
    doc["nodes"].append({"id": "x", "block_id": "0f0f0f0f-0000-4000-8000-00000000dead", "input_default": {}})
    err = assert_error(
        await client.post("/api/v1/graphs/import", files={"file": ("a.json", json.dumps(doc))}, headers=bearer(token)),
        422,
        "unsupported_blocks",
    )
    assert err["details"][0]["block_id"] == "0f0f0f0f-0000-4000-8000-00000000dead"
    assert (await client.get("/api/v1/graphs", headers=bearer(token))).json() == []
    assert_error(
        await client.post("/api/v1/graphs/import", files={"file": ("a.json", "{oops")}, headers=bearer(token)),
        422,
        "invalid_file",
    )


async def test_export_json_and_yaml_strip_secrets(client):
    token = await token_for(client)
    doc = echo_graph()
    doc["nodes"][0]["input_default"].update(value="top-secret-default", secret=True)
    graph = await make_graph(client, token, doc)
    r = await client.get(f"/api/v1/graphs/{graph['id']}/export", headers=bearer(token))
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.json()["format"] == "agpt-graph/1" and "top-secret-default" not in r.text
    r = await client.get(f"/api/v1/graphs/{graph['id']}/export?format=yaml", headers=bearer(token))
    assert yaml.safe_load(r.text)["name"] == "Echo"
    # An export imports again.
    again = await client.post("/api/v1/graphs/import", files={"file": ("e.yaml", r.text)}, headers=bearer(token))
    assert again.status_code == 201


async def test_other_users_graph_ids_are_not_found(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, owner)
    gid = graph["id"]
    for method, path, body in [
        ("GET", f"/api/v1/graphs/{gid}", None),
        ("GET", f"/api/v1/graphs/{gid}/versions", None),
        ("POST", f"/api/v1/graphs/{gid}/versions", echo_graph()),
        ("PUT", f"/api/v1/graphs/{gid}/active-version", {"version": 1}),
        ("GET", f"/api/v1/graphs/{gid}/export", None),
    ]:
        r = await client.request(method, path, json=body, headers=bearer(other))
        assert_error(r, 404, "graph_not_found")
    assert (await client.get("/api/v1/graphs", headers=bearer(other))).json() == []
    # Nothing changed for the owner.
    assert (await client.get(f"/api/v1/graphs/{gid}", headers=bearer(owner))).json()["latest_version"] == 1
