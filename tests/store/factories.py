"""Factories for marketplace tests: an agent published by one person and approved by an admin."""

from __future__ import annotations

from dataclasses import dataclass

from autogpt_app.auth.admin import ensure_admin
from autogpt_app.auth.models import User
from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.store import service as store
from tests.executions.test_runner import make_user
from tests.graphs.helpers import greeting_graph


@dataclass
class PublishedAgent:
    """What a test needs of an approved listing: who made it, its graph and its marketplace ids."""

    creator: User
    graph_id: str
    listing_id: str
    version_id: str
    slug: str


async def approved_greeter(
    creator_email: str = "maker@example.com",
    admin_email: str = "boss@example.com",
    description: str = "Greets anyone by name.",
) -> PublishedAgent:
    """A greeting agent that ``creator_email`` submitted and an admin approved (both accounts are made)."""
    creator = await make_user(creator_email)
    async with session_scope() as s:
        graph = await graphs.create_graph(s, creator, GraphSpec.model_validate(greeting_graph()))
        submission = await store.submit(
            s,
            creator,
            graph_id=graph.id,
            name="Greeter",
            subheading="Says hello",
            description=description,
            categories=["fun"],
        )
        admin, _ = await ensure_admin(s, admin_email, "boss-password-123")
    async with session_scope() as s:
        await store.review(s, admin, submission.version_id, approve=True)
        slug = (await store.get_listing(s, submission.listing_id)).slug
    return PublishedAgent(creator, graph.id, submission.listing_id, submission.version_id, slug)
