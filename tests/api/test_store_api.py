"""REST API of the marketplace: every endpoint, bad input, and other users' ids answering 404."""

from __future__ import annotations

from sqlalchemy import select

from autogpt_app.auth.models import User
from autogpt_app.db import session_scope
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import echo_graph
from tests.store.test_service import record_execution

STORE = "/api/v1/store"


async def admin_token(client) -> str:
    token = await token_for(client, "boss@example.com", "Boss")
    async with session_scope() as s:
        boss = (await s.execute(select(User).where(User.email == "boss@example.com"))).scalar_one()
        boss.role = "admin"
    return token


async def user_row(email: str) -> User:
    async with session_scope() as s:
        return (await s.execute(select(User).where(User.email == email))).scalar_one()


def submission(graph_id: str, **fields) -> dict:
    return {
        "graph_id": graph_id,
        "name": "RSS Digest",
        "subheading": "A daily digest of your feeds",
        "description": "Reads RSS feeds and writes one tidy digest.",
        "categories": ["News", "productivity"],
        "image_url": "https://example.com/rss.png",
        "changelog": "First release",
        **fields,
    }


async def submit_and_approve(client, token: str, boss: str, **fields) -> dict:
    graph = await make_graph(client, token, echo_graph())
    r = await client.post(f"{STORE}/submissions", json=submission(graph["id"], **fields), headers=bearer(token))
    assert r.status_code == 201, r.text
    sub = r.json()
    r = await client.post(
        f"{STORE}/admin/submissions/{sub['version_id']}/review", json={"approve": True}, headers=bearer(boss)
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_publish_flow_search_detail_categories_creator(client):
    ada, boss = await token_for(client), await admin_token(client)
    graph = await make_graph(client, ada, echo_graph())
    r = await client.post(f"{STORE}/submissions", json=submission(graph["id"]), headers=bearer(ada))
    assert r.status_code == 201
    sub = r.json()
    assert sub["status"] == "pending" and sub["slug"] == "rss-digest" and sub["categories"] == ["news", "productivity"]
    assert [s["version_id"] for s in (await client.get(f"{STORE}/submissions", headers=bearer(ada))).json()] == [
        sub["version_id"]
    ]
    queue = (await client.get(f"{STORE}/admin/submissions", headers=bearer(boss))).json()
    assert [q["version_id"] for q in queue] == [sub["version_id"]] and queue[0]["graph_name"] == "Echo"
    assert (await client.get(f"{STORE}/listings?q=rss")).json()["total"] == 0  # pending: not listed

    r = await client.post(
        f"{STORE}/admin/submissions/{sub['version_id']}/review",
        json={"approve": True, "comment": "Welcome"},
        headers=bearer(boss),
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    notes = (await client.get("/api/v1/notifications", headers=bearer(ada))).json()
    assert [(n["type"], n["body"]) for n in notes] == [("submission_reviewed", "Welcome")]

    # Public pages need no login.
    page = (await client.get(f"{STORE}/listings", params={"q": "rss digest", "sort": "relevance"})).json()
    assert page["total"] == 1 and page["items"][0]["slug"] == "rss-digest" and page["fuzzy"] is False
    assert set(page) == {"items", "total", "offset", "limit", "query", "fuzzy"}
    typo = (await client.get(f"{STORE}/listings", params={"q": "rss digets"})).json()
    assert typo["items"][0]["slug"] == "rss-digest"
    filtered = (await client.get(f"{STORE}/listings?category=news&creator=ada&featured=false&sort=name")).json()
    assert filtered["total"] == 1
    assert (await client.get(f"{STORE}/listings?category=finance")).json()["total"] == 0

    detail = (await client.get(f"{STORE}/listings/rss-digest")).json()
    assert detail["creator"]["username"] == "ada" and detail["image_url"] == "https://example.com/rss.png"
    assert detail["input_schema"]["properties"]["topic"]["title"] == "Topic"
    assert detail["active_version"]["changelog"] == "First release" and detail["rating_average"] is None
    assert (await client.get(f"{STORE}/listings/{detail['id']}")).json()["slug"] == "rss-digest"

    assert (await client.get(f"{STORE}/categories")).json() == [
        {"name": "news", "count": 1},
        {"name": "productivity", "count": 1},
    ]
    creator = (await client.get(f"{STORE}/creators/ada")).json()
    assert creator["listing_count"] == 1 and creator["listings"][0]["slug"] == "rss-digest"
    home = (await client.get(f"{STORE}/home")).json()
    assert [i["slug"] for i in home["most_run"]] == ["rss-digest"] and home["top_rated"] == []


async def test_creator_page_is_paged(client):
    ada, boss = await token_for(client), await admin_token(client)
    slugs = {(await submit_and_approve(client, ada, boss, name=f"Tool {n}"))["slug"] for n in range(3)}
    url = f"{STORE}/creators/ada"
    first = (await client.get(url, params={"limit": 2})).json()
    rest = (await client.get(url, params={"offset": 2, "limit": 2})).json()
    assert [(p["listing_count"], len(p["listings"])) for p in (first, rest)] == [(3, 2), (3, 1)]
    assert {i["slug"] for i in first["listings"] + rest["listings"]} == slugs  # no listing twice, none missed
    assert len((await client.get(url)).json()["listings"]) == 3  # the default page holds them all
    past = (await client.get(url, params={"offset": 30})).json()
    assert past["listings"] == [] and past["listing_count"] == 3
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 10_001}, {"limit": "many"}):
        assert_error(await client.get(url, params=params), 422, "invalid_input")
    assert_error(await client.get(f"{STORE}/creators/nobody", params={"offset": 2}), 404, "creator_not_found")


async def test_reject_and_reviews(client):
    ada, boss = await token_for(client), await admin_token(client)
    bob = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, ada, echo_graph())
    sub = (await client.post(f"{STORE}/submissions", json=submission(graph["id"]), headers=bearer(ada))).json()
    url = f"{STORE}/admin/submissions/{sub['version_id']}/review"
    assert_error(await client.post(url, json={"approve": False}, headers=bearer(boss)), 422, "comment_required")
    r = await client.post(url, json={"approve": False, "comment": "Needs a better description"}, headers=bearer(boss))
    assert r.json()["status"] == "rejected"
    assert_error(await client.post(url, json={"approve": True}, headers=bearer(boss)), 409, "already_reviewed")
    mine = (await client.get(f"{STORE}/submissions", headers=bearer(ada))).json()
    assert mine[0]["reviewer_comment"] == "Needs a better description"
    assert_error(await client.get(f"{STORE}/listings/rss-digest"), 404, "listing_not_found")

    listing = await submit_and_approve(client, ada, boss, name="Uptime Checker")
    review_url = f"{STORE}/listings/{listing['listing_id']}/review"
    assert_error(await client.put(review_url, json={"score": 5}, headers=bearer(bob)), 403, "not_run_yet")
    assert_error(await client.put(review_url, json={"score": 5}, headers=bearer(ada)), 403, "own_listing")
    await record_execution(await user_row("bob@example.com"), listing["graph_id"])
    for bad in ({"score": 0}, {"score": 6}, {"score": "lots"}, {}, {"score": 3, "comment": "c" * 2001}):
        assert_error(await client.put(review_url, json=bad, headers=bearer(bob)), 422)
    r = await client.put(review_url, json={"score": 3, "comment": "Fine"}, headers=bearer(bob))
    assert r.status_code == 200 and r.json()["score"] == 3 and r.json()["reviewer_name"] == "Bob"
    r = await client.put(review_url, json={"score": 5, "comment": "Great now"}, headers=bearer(bob))
    detail = (await client.get(f"{STORE}/listings/{listing['slug']}")).json()
    assert detail["rating_count"] == 1 and detail["rating_average"] == 5.0
    assert [(x["score"], x["comment"]) for x in detail["reviews"]] == [(5, "Great now")]
    assert_error(await client.put(review_url, json={"score": 5}), 401)


async def test_bad_input(client):
    ada = await token_for(client)
    graph = await make_graph(client, ada, echo_graph())
    for params in (
        {"sort": "price"},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 10_001},
        {"q": "x" * 201},
        {"featured": "maybe"},
        {"category": "c" * 41},
    ):
        assert_error(await client.get(f"{STORE}/listings", params=params), 422, "invalid_input")
    for body, code in (
        (submission(graph["id"], name=""), "invalid_name"),
        (submission(graph["id"], categories="news"), "invalid_input"),
        (submission(graph["id"], categories=["a", "b", "c", "d", "e", "f"]), "invalid_categories"),
        (submission(graph["id"], image_url="javascript:alert(1)"), "invalid_image_url"),
        (submission(graph["id"], description="d" * 5001), "invalid_description"),
        (submission(graph["id"], graph_version=0), "invalid_input"),
        ({"name": "No graph"}, "invalid_input"),
    ):
        assert_error(await client.post(f"{STORE}/submissions", json=body, headers=bearer(ada)), 422, code)
    assert_error(await client.post(f"{STORE}/submissions", content=b"{oops", headers=bearer(ada)), 422)
    assert (await client.get(f"{STORE}/submissions", headers=bearer(ada))).json() == []
    assert_error(await client.post(f"{STORE}/submissions", json=submission(graph["id"])), 401)
    assert_error(await client.get(f"{STORE}/submissions"), 401)
    assert_error(await client.get(f"{STORE}/listings/no-such-agent"), 404, "listing_not_found")
    assert_error(await client.get(f"{STORE}/listings/{'x' * 300}"), 404, "listing_not_found")
    assert_error(await client.get(f"{STORE}/creators/nobody"), 404, "creator_not_found")
    assert_error(await client.put(f"{STORE}/listings/nope/review", json={"score": 4}, headers=bearer(ada)), 404)


async def test_admin_endpoints_need_the_reviewer_role(client):
    ada = await token_for(client)
    graph = await make_graph(client, ada, echo_graph())
    sub = (await client.post(f"{STORE}/submissions", json=submission(graph["id"]), headers=bearer(ada))).json()
    assert_error(await client.get(f"{STORE}/admin/submissions", headers=bearer(ada)), 403, "forbidden")
    url = f"{STORE}/admin/submissions/{sub['version_id']}/review"
    assert_error(await client.post(url, json={"approve": True}, headers=bearer(ada)), 403, "forbidden")
    assert_error(await client.get(f"{STORE}/admin/submissions"), 401)
    boss = await admin_token(client)
    assert_error(
        await client.post(f"{STORE}/admin/submissions/nope/review", json={"approve": True}, headers=bearer(boss)),
        404,
        "submission_not_found",
    )
    assert_error(await client.post(url, json={"approve": "perhaps"}, headers=bearer(boss)), 422)
    assert (await client.get(f"{STORE}/submissions", headers=bearer(ada))).json()[0]["status"] == "pending"


async def test_other_users_ids_answer_404(client):
    ada = await token_for(client)
    bob = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, ada, echo_graph())
    r = await client.post(f"{STORE}/submissions", json=submission(graph["id"]), headers=bearer(bob))
    assert_error(r, 404, "graph_not_found")
    r = await client.post(f"{STORE}/submissions", json=submission(graph["id"], graph_version=2), headers=bearer(ada))
    assert_error(r, 404, "graph_version_not_found")
    assert (await client.get(f"{STORE}/submissions", headers=bearer(bob))).json() == []
    sub = (await client.post(f"{STORE}/submissions", json=submission(graph["id"]), headers=bearer(ada))).json()
    # Bob sees none of Ada's submissions, and her pending listing is not public.
    assert (await client.get(f"{STORE}/submissions", headers=bearer(bob))).json() == []
    assert_error(await client.get(f"{STORE}/listings/{sub['listing_id']}"), 404)
    assert_error(await client.get(f"{STORE}/creators/ada"), 404)
    assert_error(
        await client.put(f"{STORE}/listings/{sub['listing_id']}/review", json={"score": 5}, headers=bearer(bob)), 404
    )


async def test_a_marketplace_agent_added_to_a_library_cannot_be_republished(client):
    ada, boss = await token_for(client), await admin_token(client)
    bob = await token_for(client, "bob@example.com", "Bob")
    listing = await submit_and_approve(client, ada, boss, name="Uptime Checker")
    copy = await client.post("/api/v1/library/agents", json={"listing": listing["slug"]}, headers=bearer(bob))
    assert copy.status_code == 201 and copy.json()["source"] == "marketplace"
    # Bob owns the copy's graph, yet publishing it as his own is refused: it is Ada's work.
    r = await client.post(f"{STORE}/submissions", json=submission(copy.json()["graph_id"]), headers=bearer(bob))
    assert_error(r, 403, "not_your_agent")
    assert (await client.get(f"{STORE}/submissions", headers=bearer(bob))).json() == []
    # Someone else's agent is not even found.
    ada_graph = listing["graph_id"]
    assert_error(await client.post(f"{STORE}/submissions", json=submission(ada_graph), headers=bearer(bob)), 404)
