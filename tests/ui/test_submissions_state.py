"""Publishing states without a browser: the submit form, image upload, my submissions and the review queue,
run against the real services and test database (the browser flow is in tests/e2e/test_publish.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import reflex as rx
from sqlalchemy import func, select

from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.notifications import service as notifications
from autogpt_app.store import service as store
from autogpt_app.store.categories import CATEGORIES
from autogpt_app.store.models import StoreListingVersion
from autogpt_app.store.seed.model import CATEGORIES as SEED_CATEGORIES
from autogpt_app.ui.states import submissions as pub
from autogpt_app.ui.states.admin_submissions import ReviewState
from autogpt_app.ui.states.submissions import SubmissionsState
from tests.graphs.helpers import echo_graph, png_bytes
from tests.store.test_service import make_user, publish
from tests.ui.test_marketplace_state import call, state_for


async def make_agent(user, name: str) -> str:
    """A graph in ``user``'s library; returns the library agent id."""
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(echo_graph(name)))
        return (await library.add_graph(s, user, graph.id, source="created")).id


async def versions_in_db() -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(StoreListingVersion))).scalar_one())


def form(**fields: str) -> dict[str, str]:
    return {
        "name": "Echo listing",
        "subheading": "",
        "description": "",
        "image_url": "",
        "changelog": "",
        **fields,
    }


async def test_picker_offers_a_bounded_server_side_search_of_the_library():
    ada = await make_user()
    for i in range(pub.AGENT_OPTIONS + 5):
        await make_agent(ada, f"Agent {i:02d}")
    await make_agent(await make_user("bob@example.com", "Bob"), "Bob's secret agent")
    page = state_for(SubmissionsState, ada, "/submissions")
    await call(page, "load")
    assert len(page.agent_options) == pub.AGENT_OPTIONS and page.agent_total == pub.AGENT_OPTIONS + 5
    assert "type to narrow" in page.agent_hint
    assert all("Bob" not in a.name for a in page.agent_options)
    await call(page, "search_agents", "agent 07")
    assert [a.name for a in page.agent_options] == ["Agent 07"] and page.agent_hint == ""
    await call(page, "search_agents", "secret")
    assert page.agent_options == []  # another user's agent is never offered


async def test_submit_needs_an_agent_and_refusals_write_nothing():
    ada = await make_user()
    agent_id = await make_agent(ada, "Echo")
    page = state_for(SubmissionsState, ada, "/submissions")
    await call(page, "load")

    await call(page, "submit", form())
    assert page.submit_error == "Choose one of your agents to publish." and await versions_in_db() == 0

    await call(page, "choose_agent", agent_id)
    assert page.agent_name == "Echo" and page.agent_description == "Repeats the topic."
    for fields, message in (
        ({"name": "  "}, "Give the listing a name."),
        ({"image_url": "ftp://x.example/a.png"}, "http(s) address"),
        ({"subheading": "x" * 201}, "at most 200"),
    ):
        await call(page, "submit", form(**fields))
        assert message in page.submit_error, fields
        assert await versions_in_db() == 0 and page.rows == []

    # An agent id that is not in this user's library (here: someone else's) is refused the same way.
    page.agent_id = await make_agent(await make_user("bob@example.com", "Bob"), "Bob's")
    await call(page, "submit", form())
    assert page.submit_error == "No such agent in your library." and await versions_in_db() == 0


async def test_submit_lists_it_pending_then_the_reviewer_decides():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    agent_id = await make_agent(ada, "Echo")
    page = state_for(SubmissionsState, ada, "/submissions")
    await call(page, "load")
    await call(page, "choose_agent", agent_id)
    await call(page, "toggle_category", "writing")
    await call(page, "toggle_category", "ai")
    await call(page, "toggle_category", "not offered")
    assert page.chosen_categories == ["writing", "ai"]
    await call(page, "submit", form(name="Echo Chamber", description="**Hi**", changelog="v1"))
    assert page.submit_error == "" and "sent for review" in page.submit_message
    assert page.agent_id == "" and page.chosen_categories == []  # the form is cleared
    [row] = page.rows
    assert (row.name, row.status, row.version, row.is_live) == ("Echo Chamber", "pending", "v1", False)

    # Only admins get the queue.
    sneaky = state_for(ReviewState, ada, "/admin/submissions")
    await call(sneaky, "load")
    assert sneaky.rows == [] and "permission" in sneaky.queue_error.lower()

    queue = state_for(ReviewState, admin, "/admin/submissions")
    await call(queue, "load")
    [pending] = queue.rows
    assert pending.name == "Echo Chamber" and pending.submitter == "ada"
    await call(queue, "open_submission", pending.version_id)
    assert queue.dialog_open and queue.detail.description == "**Hi**"
    assert queue.detail.categories == ["writing", "ai"] and queue.detail.changelog == "v1"
    assert {b.name for b in queue.detail.blocks} == {"Short text input", "Agent output"}
    assert [(i.name, i.required) for i in queue.detail.inputs] == [("topic", True)]
    assert "Ada" in queue.detail.submitter and "ada@example.com" in queue.detail.submitter

    await call(queue, "decide", False)  # a rejection without a comment is refused
    assert "Say why" in queue.review_error and queue.dialog_open and len(queue.rows) == 1
    await call(queue, "set_review_comment", "Welcome!")
    await call(queue, "decide", True)
    assert not queue.dialog_open and queue.rows == [] and queue.review_error == ""

    await call(page, "load")
    [row] = page.rows
    assert (row.status, row.comment, row.is_live) == ("approved", "Welcome!", True)
    async with session_scope() as s:
        assert (await store.search_listings(s, query="echo chamber")).total == 1
        assert [n.link for n in await notifications.list_notifications(s, ada)] == [f"/marketplace/agent/{row.slug}"]


async def test_my_submissions_hold_one_page_at_a_time():
    ada = await make_user()
    page = state_for(SubmissionsState, ada, "/submissions")
    async with session_scope() as s:
        merged = await s.merge(ada)
        for i in range(pub.PAGE_SIZE + 2):
            graph = await graphs.create_graph(s, merged, GraphSpec.model_validate(echo_graph(f"G{i}")))
            await store.submit(s, merged, graph_id=graph.id, name=f"Listing {i}")
    await call(page, "load")
    assert len(page.rows) == pub.PAGE_SIZE and page.has_next and not page.has_prev
    await call(page, "next_page")
    assert len(page.rows) == 2 and not page.has_next and page.has_prev
    await call(page, "prev_page")
    assert len(page.rows) == pub.PAGE_SIZE and page.offset == 0


def upload_file(data: bytes, name: str = "logo.png") -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data))


async def test_upload_keeps_real_images_under_a_random_name(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(tmp_path))
    ada = await make_user()
    page = state_for(SubmissionsState, ada, "/submissions")
    await call(page, "load")

    await call(page, "upload_image", [upload_file(b"<html>hello</html>")])
    assert "PNG, JPEG or WebP" in page.image_error and page.image_url == "" and list(tmp_path.iterdir()) == []
    await call(page, "upload_image", [upload_file(b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024))])
    assert "at most 2 MB" in page.image_error and list(tmp_path.iterdir()) == []

    key = page.image_key
    await call(page, "upload_image", [upload_file(png_bytes(), name="../../etc/evil.png")])
    assert page.image_error == "" and page.image_key == key + 1
    [saved] = list(tmp_path.iterdir())
    assert saved.read_bytes() == png_bytes() and saved.name.startswith("listing-") and saved.suffix == ".png"
    assert page.image_url == f"/_upload/{saved.name}" and "evil" not in saved.name
    # The preview shows the upload; the address field stays empty instead of showing the internal path.
    assert page.image_uploaded
    await call(page, "set_image_url", "")  # leaving the empty field keeps the upload
    assert page.image_url == f"/_upload/{saved.name}" and page.image_uploaded

    await call(page, "clear_image")
    assert page.image_url == ""
    await call(page, "set_image_url", "javascript:alert(1)")
    assert page.image_url == "" and "http(s) address" in page.image_error
    await call(page, "set_image_url", " https://example.com/a.png ")
    assert page.image_url == "https://example.com/a.png" and page.image_error == ""


async def test_review_queue_holds_one_page_and_steps_back_when_its_last_page_empties():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    async with session_scope() as s:
        merged = await s.merge(ada)
        for i in range(pub.PAGE_SIZE + 1):
            graph = await graphs.create_graph(s, merged, GraphSpec.model_validate(echo_graph(f"G{i}")))
            await store.submit(s, merged, graph_id=graph.id, name=f"Listing {i:02d}")
    queue = state_for(ReviewState, admin, "/admin/submissions")
    await call(queue, "load")
    assert len(queue.rows) == pub.PAGE_SIZE and queue.has_next and not queue.has_prev
    assert queue.rows[0].name == "Listing 00"  # oldest first
    await call(queue, "next_page")
    [last] = queue.rows
    assert last.name == f"Listing {pub.PAGE_SIZE:02d}" and queue.has_prev and not queue.has_next
    await call(queue, "open_submission", last.version_id)
    await call(queue, "decide", True)
    # The page it was on is now empty: the queue shows the page before instead of nothing.
    assert queue.offset == 0 and len(queue.rows) == pub.PAGE_SIZE and not queue.has_next
    await call(queue, "prev_page")
    assert queue.offset == 0 and len(queue.rows) == pub.PAGE_SIZE


def test_the_form_offers_the_stores_one_list_of_categories():
    assert pub.CATEGORY_CHOICES == CATEGORIES
    assert tuple(sorted(SEED_CATEGORIES, key=CATEGORIES.index)) == CATEGORIES  # the catalogue uses the same list


async def test_an_uploaded_image_is_submitted_while_the_address_field_stays_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(tmp_path))
    ada = await make_user()
    agent_id = await make_agent(ada, "Echo")
    page = state_for(SubmissionsState, ada, "/submissions")
    await call(page, "load")
    await call(page, "choose_agent", agent_id)
    await call(page, "upload_image", [upload_file(png_bytes())])
    uploaded = page.image_url
    await call(page, "submit", form(image_url=""))  # what the browser sends: the field is empty
    assert page.submit_error == ""
    async with session_scope() as s:
        [version] = (await s.execute(select(StoreListingVersion))).scalars().all()
    assert version.proposed["image_url"] == uploaded and uploaded.startswith("/_upload/listing-")
    assert page.image_url == "" and not page.image_uploaded  # the form is cleared


async def test_the_picker_offers_only_the_persons_own_agents_and_the_store_refuses_a_marketplace_copy():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    bob = await make_user("bob@example.com", "Bob")
    await publish(ada, admin, "Loan helper")
    own = await make_agent(bob, "Bob's own")
    async with session_scope() as s:
        copy = await library.add_from_listing(s, await s.merge(bob), "loan-helper")
    page = state_for(SubmissionsState, bob, "/submissions")
    await call(page, "load")
    assert [a.id for a in page.agent_options] == [own]  # Ada's agent, added from the marketplace, is not offered

    page.agent_id = copy.id  # a forged event naming the copy is refused by the store itself
    await call(page, "submit", form(name="My loan helper"))
    assert "added from the marketplace" in page.submit_error and await versions_in_db() == 1
