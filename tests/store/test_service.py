"""Marketplace service: submit → pending → review → listed and notified; owner isolation; reviews; runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from autogpt_app.auth.models import Role, User
from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, Forbidden, InvalidInput, NotFound
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.notifications import service as notifications
from autogpt_app.store import service as store
from autogpt_app.store.models import StoreListing
from tests.graphs.helpers import echo_graph


async def make_user(email: str = "ada@example.com", name: str = "Ada", *, admin: bool = False) -> User:
    """A user row without the slow password hash (these tests never log in)."""
    async with session_scope() as s:
        user = User(email=email, display_name=name, password_hash="!", role=(Role.ADMIN if admin else Role.USER).value)
        s.add(user)
    return user


async def make_graph(user: User, name: str = "Echo"):
    async with session_scope() as s:
        return await graphs.create_graph(s, user, GraphSpec.model_validate(echo_graph(name)))


async def submit(user: User, graph_id: str, **fields):
    values = {"name": "Echo agent", "subheading": "Says it back", "description": "Repeats the topic.", **fields}
    async with session_scope() as s:
        return await store.submit(s, user, graph_id=graph_id, **values)


async def review(admin: User, version_id: str, *, approve: bool = True, comment: str = ""):
    async with session_scope() as s:
        return await store.review(s, admin, version_id, approve=approve, comment=comment)


async def publish(user: User, admin: User, name: str, **fields):
    """Create an agent, submit it with ``fields`` and approve it; return the approved submission."""
    graph = await make_graph(user, name)
    sub = await submit(user, graph.id, name=name, **fields)
    return await review(admin, sub.version_id)


async def record_execution(user: User, graph_id: str) -> None:
    async with session_scope() as s:
        s.add(GraphExecution(graph_id=graph_id, graph_version=1, user_id=user.id, status="COMPLETED"))


async def test_submit_review_approve_lists_and_notifies():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada, "Loan helper")
    sub = await submit(
        ada, graph.id, name="Loan Calculator", categories=["Finance", " finance ", "Calculators"], changelog="First"
    )
    assert sub.status == "pending" and sub.version_number == 1 and sub.slug == "loan-calculator"
    assert sub.categories == ["finance", "calculators"] and sub.graph_name == "Loan helper"
    assert sub.creator_username == "ada" and not sub.listing_is_active

    async with session_scope() as s:  # pending: not public, not searchable
        assert (await store.search_listings(s, query="loan")).total == 0
        with pytest.raises(NotFound):
            await store.get_listing(s, "loan-calculator")
        assert [p.version_id for p in await store.list_pending(s, admin)] == [sub.version_id]
        assert [m.version_id for m in await store.list_my_submissions(s, ada)] == [sub.version_id]

    approved = await review(admin, sub.version_id, comment="Nice one")
    assert approved.status == "approved" and approved.listing_is_active and approved.reviewer_comment == "Nice one"
    async with session_scope() as s:
        page = await store.search_listings(s, query="loan")
        assert [i.slug for i in page.items] == ["loan-calculator"]
        detail = await store.get_listing(s, "loan-calculator")
        assert detail.active_version.version_number == 1 and detail.active_version.changelog == "First"
        assert detail.input_schema["properties"]["topic"]["title"] == "Topic"
        assert detail.credentials_input_schema == {} or "properties" in detail.credentials_input_schema
        assert detail.creator.username == "ada" and detail.rating_average is None
        assert (await store.get_listing(s, detail.id)).slug == "loan-calculator"  # by id as well
        assert await store.list_pending(s, admin) == []
        notes = await notifications.list_notifications(s, ada)
    assert [n.type for n in notes] == ["submission_reviewed"]
    assert "Loan Calculator" in notes[0].title and notes[0].body == "Nice one"
    assert notes[0].link == "/marketplace/agent/loan-calculator" and notes[0].data["status"] == "approved"
    with pytest.raises(Conflict):
        await review(admin, sub.version_id)


async def test_new_version_changes_live_text_only_when_approved():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    first = await publish(ada, admin, "Uptime Checker", subheading="Is it up?")
    async with session_scope() as s:
        graph = await graphs.add_version(s, ada, first.graph_id, GraphSpec.model_validate(echo_graph("v2")))
    second = await submit(ada, graph.id, name="Uptime Checker Pro", subheading="Faster", changelog="Checks faster")
    again = await submit(ada, graph.id, name="Uptime Checker Pro", subheading="Even faster", changelog="Faster")
    assert second.version_number == again.version_number == 2 and again.version_id == second.version_id
    assert again.graph_version == 2 and again.slug == "uptime-checker"
    async with session_scope() as s:
        live = await store.get_listing(s, "uptime-checker")
    assert live.name == "Uptime Checker" and live.subheading == "Is it up?" and live.active_version.graph_version == 1
    await review(admin, second.version_id)
    async with session_scope() as s:
        live = await store.get_listing(s, "uptime-checker")
    assert live.name == "Uptime Checker Pro" and live.subheading == "Even faster"
    assert [v.version_number for v in live.versions] == [2, 1] and live.active_version.graph_version == 2
    assert live.graph_name == "v2"


async def test_reject_keeps_it_hidden_and_tells_why():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(ada)
    sub = await submit(ada, graph.id, name="Spam bot")
    with pytest.raises(InvalidInput) as err:
        await review(admin, sub.version_id, approve=False)
    assert err.value.code == "comment_required"
    rejected = await review(admin, sub.version_id, approve=False, comment="Please describe what it does.")
    assert rejected.status == "rejected" and rejected.reviewer_comment == "Please describe what it does."
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await store.get_listing(s, "spam-bot")
        mine = await store.list_my_submissions(s, ada)
        notes = await notifications.list_notifications(s, ada)
    assert mine[0].status == "rejected" and mine[0].reviewer_comment.startswith("Please describe")
    assert notes[0].type == "submission_reviewed" and "not approved" in notes[0].title
    # Resubmitting after a rejection makes a new pending version.
    again = await submit(ada, graph.id, name="Echo bot", description="Repeats the topic you give it.")
    assert again.version_number == 2 and again.status == "pending" and again.slug == "spam-bot"


async def test_only_reviewers_review():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    graph = await make_graph(ada)
    sub = await submit(ada, graph.id)
    async with session_scope() as s:
        with pytest.raises(Forbidden):
            await store.review(s, bob, sub.version_id, approve=True, comment="")
        with pytest.raises(Forbidden):
            await store.review(s, ada, sub.version_id, approve=True, comment="")  # not even your own
        with pytest.raises(Forbidden):
            await store.list_pending(s, bob)
    admin = await make_user("root@example.com", "Root", admin=True)
    with pytest.raises(NotFound):
        await review(admin, "no-such-version")


async def test_submitting_another_users_graph_is_not_found():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    graph = await make_graph(ada)
    for graph_id, version in ((graph.id, None), ("nope", None), (graph.id, 9)):
        with pytest.raises(NotFound):
            await submit(bob if graph_id == graph.id and version is None else ada, graph_id, graph_version=version)
    async with session_scope() as s:
        assert await store.list_my_submissions(s, bob) == []
        assert (await s.execute(select(StoreListing))).first() is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "  "}, "invalid_name"),
        ({"name": "x" * 101}, "invalid_name"),
        ({"subheading": "s" * 201}, "invalid_subheading"),
        ({"description": "d" * 5001}, "invalid_description"),
        ({"categories": "finance"}, "invalid_categories"),
        ({"categories": ["a", "b", "c", "d", "e", "f"]}, "invalid_categories"),
        ({"categories": ["<script>"]}, "invalid_categories"),
        ({"image_url": "javascript:alert(1)"}, "invalid_image_url"),
        ({"image_url": "//evil.example/x.png"}, "invalid_image_url"),
        ({"changelog": "c" * 2001}, "invalid_changelog"),
        ({"graph_version": 0}, "invalid_graph_version"),
    ],
)
async def test_bad_submissions_write_nothing(fields, code):
    ada = await make_user()
    graph = await make_graph(ada)
    with pytest.raises(InvalidInput) as err:
        await submit(ada, graph.id, **fields)
    assert err.value.code == code
    async with session_scope() as s:
        assert await store.list_my_submissions(s, ada) == []


async def test_slugs_and_usernames_are_unique():
    ada, ada2 = await make_user(), await make_user("ada2@example.com", "Ada")
    admin = await make_user("root@example.com", "Root", admin=True)
    one = await publish(ada, admin, "Translator")
    two = await publish(ada2, admin, "Translator")
    three = await publish(ada, admin, "Translator!")
    assert (one.slug, two.slug, three.slug) == ("translator", "translator-2", "translator-3")
    assert (one.creator_username, two.creator_username) == ("ada", "ada-2")
    async with session_scope() as s:
        page = await store.get_creator(s, "ada")
        assert page.listing_count == 2 and {i.slug for i in page.listings} == {"translator", "translator-3"}
        with pytest.raises(NotFound):
            await store.get_creator(s, "root")  # no listing: no public page
        with pytest.raises(NotFound):
            await store.get_creator(s, "x" * 500)


async def test_reviews_upsert_need_a_run_and_keep_the_average():
    ada, bob, cy = await make_user(), await make_user("bob@example.com", "Bob"), await make_user("cy@example.com", "Cy")
    admin = await make_user("root@example.com", "Root", admin=True)
    sub = await publish(ada, admin, "Text Cleaner")
    async with session_scope() as s:
        with pytest.raises(Forbidden) as err:
            await store.add_review(s, bob, sub.listing_id, 5, "Great")
        assert err.value.code == "not_run_yet"
        with pytest.raises(Forbidden) as err:
            await store.add_review(s, ada, sub.listing_id, 5, "Mine is great")
        assert err.value.code == "own_listing"
        with pytest.raises(NotFound):
            await store.add_review(s, bob, "no-such-listing", 5, "")
    await record_execution(bob, sub.graph_id)
    await record_execution(cy, sub.graph_id)
    async with session_scope() as s:
        for bad in (0, 6, 4.5, True, "5"):
            with pytest.raises(InvalidInput):
                await store.add_review(s, bob, sub.listing_id, bad, "")
        first = await store.add_review(s, bob, sub.listing_id, 2, "Meh")
        await store.add_review(s, cy, sub.slug, 5, "Saved me hours")
    async with session_scope() as s:
        edited = await store.add_review(s, bob, sub.listing_id, 4, "Better after the update")
    assert edited.id == first.id and edited.score == 4 and edited.reviewer_name == "Bob"
    async with session_scope() as s:
        detail = await store.get_listing(s, sub.slug)
        top = await store.top_rated(s)
    assert detail.rating_count == 2 and detail.rating_average == 4.5
    assert {(r.reviewer_name, r.score) for r in detail.reviews} == {("Bob", 4), ("Cy", 5)}
    assert [t.slug for t in top] == [sub.slug] and top[0].rating_average == 4.5


async def test_run_counts_categories_and_home_rows():
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    loan = await publish(ada, admin, "Loan Calculator", categories=["finance", "calculators"])
    units = await publish(ada, admin, "Unit Converter", categories=["calculators"])
    async with session_scope() as s:
        for _ in range(3):
            await store.record_run(s, units.listing_id)
        await store.record_run(s, loan.listing_id)
        await store.record_run(s, "no-such-listing")  # a listing removed meanwhile: its tally is dropped
        await s.execute(StoreListing.__table__.update().where(StoreListing.id == loan.listing_id).values(featured=True))
    async with session_scope() as s:
        assert await store.apply_run_tallies(s) == 5
    async with session_scope() as s:
        assert await store.apply_run_tallies(s) == 0  # each run counts once
        categories = await store.list_categories(s)
        rows = await store.home_rows(s)
        creator = await store.get_creator(s, "ada")
    assert [(c.name, c.count) for c in categories] == [("calculators", 2), ("finance", 1)]
    assert [i.slug for i in rows.most_run] == ["unit-converter", "loan-calculator"]
    assert [i.run_count for i in rows.most_run] == [3, 1]
    assert [i.slug for i in rows.featured] == ["loan-calculator"]
    assert rows.top_rated == [] and creator.run_count == 4
