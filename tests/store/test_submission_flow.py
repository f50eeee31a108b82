"""Publishing flow as the pages use it: image checks, the reviewer's view of a submission, and the outcome.

Complements tests/store/test_service.py (which covers submit → review → listed in general) with
what the submissions pages rely on: uploaded-image bytes and paths, :func:`store.get_submission`,
search visibility after approval on the engine under test, and the submitter's notification.
"""

from __future__ import annotations

import struct

import pytest
from sqlalchemy import func, select

from autogpt_app.db import session_scope
from autogpt_app.errors import Forbidden, InvalidInput, NotFound
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.notifications import service as notifications
from autogpt_app.store import service as store
from autogpt_app.store import validation
from autogpt_app.store.models import StoreListing, StoreListingVersion
from tests.graphs.helpers import png_bytes, writer_graph
from tests.store.test_service import make_graph, make_user, review, submit

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8L" + b"\x00" * 22


# --- uploaded images ------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "extension"), [(png_bytes(), ".png"), (JPEG, ".jpg"), (WEBP, ".webp")])
def test_image_files_are_recognised_by_their_bytes(data: bytes, extension: str):
    assert validation.image_file(data) == extension
    assert extension in validation.IMAGE_TYPES


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "invalid_image"),
        (b"GIF89a" + b"\x00" * 40, "invalid_image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "invalid_image"),
        (b"<html><body>not a png</body></html>", "invalid_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "invalid_image"),  # a signature without a header chunk
        (b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 20, "invalid_image"),  # RIFF, but audio
        (png_bytes() + b"\x00" * validation.MAX_IMAGE_BYTES, "image_too_large"),
    ],
)
def test_other_files_are_refused_readably(data: bytes, code: str):
    with pytest.raises(InvalidInput) as err:
        validation.image_file(data)
    assert err.value.code == code and "image" in err.value.message.lower()


def test_image_addresses_of_this_site_and_the_web():
    assert validation.image_url("/_upload/listing-0123abcd.png") == "/_upload/listing-0123abcd.png"
    assert validation.image_url("https://example.com/a.png") == "https://example.com/a.png"
    for bad in ("/_upload/../data/app.db", "/_upload/a/../../secret", "javascript:alert(1)", "//evil.example/x.png"):
        with pytest.raises(InvalidInput):
            validation.image_url(bad)


async def test_submission_keeps_an_uploaded_image_path_and_publishes_it():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada, "Pictured")
    sub = await submit(ada, graph.id, name="Pictured agent", image_url="/_upload/listing-abc123.png")
    assert sub.image_url == "/_upload/listing-abc123.png"
    await review(admin, sub.version_id)
    async with session_scope() as s:
        assert (await store.get_listing(s, sub.slug)).image_url == "/_upload/listing-abc123.png"


# --- the reviewer's view --------------------------------------------------------------------------


async def test_get_submission_shows_blocks_inputs_credentials_and_submitter():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    async with session_scope() as s:
        graph = await graphs.create_graph(
            s, ada, GraphSpec.model_validate(writer_graph("Blog writer", "Writes a blog post about a topic."))
        )
    sub = await submit(
        ada,
        graph.id,
        name="Blog Writer",
        description="# Writes posts\n\n*Markdown* welcome.",
        categories=["writing"],
        changelog="First release",
    )
    async with session_scope() as s:
        detail = await store.get_submission(s, admin, sub.version_id)
    assert detail.version_id == sub.version_id and detail.status == "pending"
    assert detail.name == "Blog Writer" and detail.description.startswith("# Writes posts")
    assert detail.categories == ["writing"] and detail.changelog == "First release"
    assert detail.submitter_name == "Ada" and detail.submitter_email == "ada@example.com"
    assert detail.graph_name == "Blog writer" and detail.graph_description == "Writes a blog post about a topic."
    assert dict(detail.blocks) == {
        "Short text input": 1,
        "Number input": 1,
        "Dropdown input": 1,
        "AI text generator": 1,
        "Agent output": 1,
    }
    assert [(name, required) for name, _title, _type, required in detail.inputs] == [
        ("topic", True),
        ("words", False),
        ("tone", False),
    ]
    assert detail.inputs[0][1] == "Topic" and detail.inputs[1][2] in {"number", "integer"}
    assert detail.credential_providers == ["openai"]


async def test_only_reviewers_open_submissions_and_unknown_ids_are_not_found():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada)
    sub = await submit(ada, graph.id)
    async with session_scope() as s:
        with pytest.raises(Forbidden):
            await store.get_submission(s, ada, sub.version_id)
        for bad in ("", "nope", "x" * 500):
            with pytest.raises(NotFound):
                await store.get_submission(s, admin, bad)


async def test_a_reviewed_submission_still_opens_with_its_outcome():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada)
    sub = await submit(ada, graph.id, name="Echo agent")
    await review(admin, sub.version_id, approve=False, comment="Describe the output.")
    async with session_scope() as s:
        detail = await store.get_submission(s, admin, sub.version_id)
    assert detail.status == "rejected" and detail.reviewer_comment == "Describe the output."


# --- outcomes -------------------------------------------------------------------------------------


async def test_approved_submission_is_found_by_search_and_the_submitter_is_told():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada, "Zebra helper")
    name = "Quokka Forecast Digest"
    sub = await submit(ada, graph.id, name=name, subheading="Weather for marsupials", categories=["research"])
    async with session_scope() as s:
        assert (await store.search_listings(s, query="quokka")).total == 0
        assert (await store.search_listings(s, query=name)).total == 0
    await review(admin, sub.version_id, comment="Welcome aboard")
    async with session_scope() as s:
        for query in ("quokka", name, "marsupials", "Quokka Forecast"):
            page = await store.search_listings(s, query=query)
            assert [i.slug for i in page.items] == [sub.slug], query
        assert (await store.search_listings(s, query="", category="research")).total == 1
        notes = await notifications.list_notifications(s, ada)
    assert len(notes) == 1 and notes[0].type == store.NOTIFICATION_TYPE
    assert name in notes[0].title and notes[0].body == "Welcome aboard"
    assert notes[0].link == f"/marketplace/agent/{sub.slug}"


async def test_rejected_submission_notifies_with_a_link_to_my_submissions_and_stays_hidden():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada)
    sub = await submit(ada, graph.id, name="Wombat Alarm")
    await review(admin, sub.version_id, approve=False, comment="Please add a description.")
    async with session_scope() as s:
        assert (await store.search_listings(s, query="wombat")).total == 0
        notes = await notifications.list_notifications(s, ada)
        mine = await store.list_my_submissions(s, ada)
    assert notes[0].link == "/submissions" == store.SUBMISSIONS_LINK
    assert "not approved" in notes[0].title and notes[0].data["status"] == "rejected"
    assert mine[0].status == "rejected" and mine[0].reviewer_comment == "Please add a description."


async def test_reject_without_comment_changes_nothing_and_notifies_nobody():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada)
    sub = await submit(ada, graph.id)
    with pytest.raises(InvalidInput) as err:
        await review(admin, sub.version_id, approve=False, comment="   ")
    assert err.value.code == "comment_required"
    async with session_scope() as s:
        assert (await s.get(StoreListingVersion, sub.version_id)).status == "pending"
        assert await notifications.list_notifications(s, ada) == []


async def test_submitting_an_unknown_agent_writes_nothing():
    ada = await make_user()
    with pytest.raises(NotFound):
        await submit(ada, "no-such-graph", name="Ghost")
    async with session_scope() as s:
        assert (await s.execute(select(func.count()).select_from(StoreListing))).scalar_one() == 0
        assert (await s.execute(select(func.count()).select_from(StoreListingVersion))).scalar_one() == 0
