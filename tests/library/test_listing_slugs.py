"""Which marketplace agents a person keeps: the chat's cards say "In your library" for these."""

from __future__ import annotations

from autogpt_app.auth.admin import ensure_admin
from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.store import service as store
from tests.executions.test_runner import make_user
from tests.graphs.helpers import greeting_graph


async def test_only_the_users_own_unarchived_entries_count():
    creator = await make_user("slugmaker@example.com")
    async with session_scope() as s:
        graph = await graphs.create_graph(s, creator, GraphSpec.model_validate(greeting_graph()))
        submission = await store.submit(
            s,
            creator,
            graph_id=graph.id,
            name="Greeter",
            subheading="Says hello",
            description="Hi.",
            categories=["fun"],
        )
        admin, _ = await ensure_admin(s, "slugboss@example.com", "boss-password-123")
    async with session_scope() as s:
        await store.review(s, admin, submission.version_id, approve=True)
        slug = (await store.get_listing(s, submission.listing_id)).slug
    keeper, stranger = await make_user("keeper@example.com"), await make_user("stranger@example.com")
    async with session_scope() as s:
        assert await library.listing_slugs(s, keeper, [slug]) == set()
        entry = await library.add_from_listing(s, keeper, slug)
    async with session_scope() as s:
        assert await library.listing_slugs(s, keeper, [slug, "no-such-agent", ""]) == {slug}
        assert await library.listing_slugs(s, stranger, [slug]) == set()  # another person's library
        assert await library.listing_slugs(s, keeper, []) == set()
        await library.update(s, keeper, entry.id, is_archived=True)
    async with session_scope() as s:
        assert await library.listing_slugs(s, keeper, [slug]) == set()  # archived: not "in your library"
