"""Which marketplace agents a person keeps: the chat's cards say "In your library" for these."""

from __future__ import annotations

from autogpt_app.db import session_scope
from autogpt_app.library import service as library
from tests.executions.test_runner import make_user
from tests.store.factories import approved_greeter


async def test_only_the_users_own_unarchived_entries_count():
    slug = (await approved_greeter("slugmaker@example.com", "slugboss@example.com", "Hi.")).slug
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
