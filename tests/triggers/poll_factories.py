"""Rows and documents for the poll trigger tests: a user, an agent, a trigger, RSS and Atom feeds.

Triggers are written directly (the CRUD service is another module's); each starts due now.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import func, select

from autogpt_app.auth import service as auth_service
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.notifications.models import Notification
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers.models import Trigger, TriggerDelivery, TriggerItem
from tests.graphs.helpers import echo_graph

IMAP_PASSWORD = "imap-password-42"
#: Feed entries are dated from here, an hour apart.
FIRST_POST = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def make_user(email: str = "ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def make_graph(user, doc: dict[str, Any] | None = None):
    """An agent in the user's library; by default ``echo``: input ``topic`` → output ``echo``."""
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc or echo_graph()))
        await library.add_graph(s, user, graph.id, source="created")
    return graph


async def make_trigger(user, graph, kind: str, config: dict[str, Any], **fields: Any) -> Trigger:
    """A poll trigger due now, mapping the item's title (or subject) to the agent's ``topic``."""
    values: dict[str, Any] = {
        "name": f"My {kind}",
        "input_mapping": {"topic": "$.subject" if kind == "imap" else "$.title"},
        "poll_interval_seconds": 60,
        "next_poll_at": utcnow() - timedelta(seconds=1),
        **fields,
    }
    trigger = Trigger(user_id=user.id, graph_id=graph.id, kind=kind, config=config, **values)
    async with session_scope() as s:
        s.add(trigger)
    return trigger


async def imap_credential_id(user, port: int) -> str:
    """An ``imap`` login of the user for the fake server on ``port`` (no TLS: loopback)."""
    async with session_scope() as s:
        made = await credentials.create_credential(
            s,
            user,
            provider="imap",
            type="user_password",
            title="My mailbox",
            username="ada@example.com",
            password=IMAP_PASSWORD,
            meta={"host": "127.0.0.1", "port": port, "tls": False},
        )
    return made.id


async def trigger_row(trigger_id: str) -> Trigger:
    async with session_scope() as s:
        return await s.get(Trigger, trigger_id)


async def make_due(trigger_id: str) -> datetime:
    """Bring the trigger's next look to a moment ago; returns that moment."""
    due = utcnow() - timedelta(seconds=1)
    async with session_scope() as s:
        row = await s.get(Trigger, trigger_id)
        row.next_poll_at = due
    return due


async def runs(graph_id: str) -> list[GraphExecution]:
    """The agent's runs, oldest first."""
    async with session_scope() as s:
        rows = await s.execute(
            select(GraphExecution).where(GraphExecution.graph_id == graph_id).order_by(GraphExecution.created_at)
        )
        return list(rows.scalars())


async def deliveries(trigger_id: str) -> list[TriggerDelivery]:
    async with session_scope() as s:
        rows = await s.execute(
            select(TriggerDelivery)
            .where(TriggerDelivery.trigger_id == trigger_id)
            .order_by(TriggerDelivery.received_at)
        )
        return list(rows.scalars())


async def items_seen(trigger_id: str) -> int:
    async with session_scope() as s:
        query = select(func.count()).select_from(TriggerItem).where(TriggerItem.trigger_id == trigger_id)
        return int((await s.execute(query)).scalar_one())


async def notifications(user_id: str, type_: str = "trigger_failed") -> list[Notification]:
    async with session_scope() as s:
        rows = await s.execute(select(Notification).where(Notification.user_id == user_id, Notification.type == type_))
        return list(rows.scalars())


def post(n: int) -> dict[str, str]:
    """The n-th post of a blog: id, title, link, summary, author, publication time."""
    return {
        "id": f"urn:post:{n}",
        "title": f"Post number {n}",
        "link": f"https://blog.example.com/posts/{n}",
        "summary": f"What happened in part {n}.",
        "author": "grace@example.com (Grace)",
        "published": FIRST_POST + timedelta(hours=n),
    }


def rss(posts: list[dict[str, Any]], title: str = "Grace's blog") -> str:
    """An RSS 2.0 document listing ``posts`` newest first, as blogs do."""
    items = "".join(
        f"<item><guid isPermaLink='false'>{escape(p['id'])}</guid><title>{escape(p['title'])}</title>"
        f"<link>{escape(p['link'])}</link><description>{escape(p['summary'])}</description>"
        f"<author>{escape(p['author'])}</author><pubDate>{format_datetime(p['published'])}</pubDate></item>"
        for p in sorted(posts, key=lambda p: p["published"], reverse=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://blog.example.com/</link>"
        f"<description>Posts</description>{items}</channel></rss>"
    )


def atom(posts: list[dict[str, Any]], title: str = "Grace's notes") -> str:
    """An Atom 1.0 document listing ``posts`` newest first."""
    entries = "".join(
        f"<entry><id>{escape(p['id'])}</id><title>{escape(p['title'])}</title>"
        f'<link href="{escape(p["link"])}"/><summary>{escape(p["summary"])}</summary>'
        f"<author><name>Grace</name></author><updated>{p['published'].isoformat()}</updated>"
        f"<published>{p['published'].isoformat()}</published></entry>"
        for p in sorted(posts, key=lambda p: p["published"], reverse=True)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed:notes</id><updated>{FIRST_POST.isoformat()}</updated>"
        f"{entries}</feed>"
    )


RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
