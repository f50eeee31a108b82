"""Seeding the marketplace with the built-in catalogue: idempotent, keyed on listing slugs.

For each seed agent the first run creates, as the submit/review path would: the creator's account
and profile, the agent (through the graph service, so the real validator checks it), the listing
and an approved version 1 that is its active version. The search index follows by itself (the
PostgreSQL ``search_vector`` is a generated column; SQLite's FTS5 tables are kept by triggers);
the listings' sentence vectors are computed at the end of the run, for the texts that changed.

A later run changes nothing when the catalogue is unchanged. When an agent's graph changed, it
saves a new graph version and adds an approved listing version (the bump people see as an update
in their library); when only the listing text changed, it updates the text in place. Run counts
and ratings start at zero and are never invented here.

Seed accounts cannot sign in: their password hash is not a hash at all (every check fails), they
are disabled, and their e-mail address is under the reserved ``.invalid`` domain that sign-up
refuses. A listing slug already used by someone else's listing is left alone and reported.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import Role, User
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import GraphVersion
from autogpt_app.store.creators import unique_value
from autogpt_app.store.models import MAX_USERNAME, Creator, StoreListing, StoreListingVersion, VersionStatus
from autogpt_app.store.seed.catalogue import CATALOGUE, CREATORS
from autogpt_app.store.seed.model import SeedAgent, SeedCreator
from autogpt_app.store.vectors import refresh_listing_vectors
from autogpt_app.timeutil import utcnow

__all__ = ["SEED_PASSWORD_PREFIX", "SeedReport", "seed_catalogue"]

log = logging.getLogger(__name__)

#: Start of a seed account's ``password_hash``: not an argon2 hash, so no password ever matches it.
SEED_PASSWORD_PREFIX = "!seed-account-no-login:"
REVIEW_COMMENT = "Part of the platform's built-in catalogue."
#: PostgreSQL advisory lock key, so two start-ups seeding at once take turns.
_LOCK_KEY = 0x5EED_CA7A
_LISTING_TEXT = ("name", "subheading", "description", "categories", "image_url")


@dataclass
class SeedReport:
    """What a seeding run did, by listing slug."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    text_updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    creators_created: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        """How many catalogue agents are listed (skipped ones not counted)."""
        return len(self.created) + len(self.updated) + len(self.text_updated) + len(self.unchanged)

    @property
    def changed(self) -> bool:
        """Whether this run wrote anything."""
        return bool(self.created or self.updated or self.text_updated or self.creators_created)

    def summary(self) -> str:
        """One line for the start-up log, e.g. ``Marketplace catalogue: 36 agents (0 new)``."""
        parts = [f"{len(self.created)} new"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        if self.text_updated:
            parts.append(f"{len(self.text_updated)} with new text")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped: " + "; ".join(self.skipped))
        return f"Marketplace catalogue: {self.total} agents ({', '.join(parts)}) in {self.seconds:.1f} s"


def _acting(account: User) -> User:
    """The seed account as the graph service sees it while the catalogue is written.

    The stored row stays disabled (it can never sign in or act); this unsaved copy only carries the
    id and an active user role, so agents are saved through the same validated code path as anyone's.
    """
    return User(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        password_hash=account.password_hash,
        role=Role.USER.value,
        is_disabled=False,
    )


async def _ensure_creator(session: AsyncSession, seed: SeedCreator, report: SeedReport) -> tuple[Creator, User]:
    """The seed creator's account and profile, created or brought in line with the definition."""
    account = (await session.execute(select(User).where(User.email == seed.email))).scalar_one_or_none()
    if account is None:
        account = User(
            email=seed.email,
            display_name=seed.name,
            password_hash=SEED_PASSWORD_PREFIX + secrets.token_urlsafe(24),
            role=Role.USER.value,
            is_disabled=True,
        )
        session.add(account)
        await session.flush()
    elif not account.password_hash.startswith(SEED_PASSWORD_PREFIX) or not account.is_disabled:
        # Whatever happened to it, a seed account never becomes one someone can use.
        account.password_hash = SEED_PASSWORD_PREFIX + secrets.token_urlsafe(24)
        account.is_disabled = True
        account.role = Role.USER.value
        account.token_version += 1
        session.add(account)
    creator = (await session.execute(select(Creator).where(Creator.user_id == account.id))).scalar_one_or_none()
    if creator is None:
        creator = Creator(
            user_id=account.id,
            # A person may already have the username (creators are named after display names).
            username=await unique_value(session, Creator.username, seed.username, MAX_USERNAME),
            name=seed.name,
            description=seed.description,
            links=list(seed.links),
            avatar_url=seed.avatar_url,
        )
        session.add(creator)
        await session.flush()
        report.creators_created += 1
    elif (creator.name, creator.description, list(creator.links or []), creator.avatar_url) != (
        seed.name,
        seed.description,
        list(seed.links),
        seed.avatar_url,
    ):
        creator.name, creator.description, creator.links = seed.name, seed.description, list(seed.links)
        creator.avatar_url = seed.avatar_url
        session.add(creator)
    return creator, account


def _graph_document(row: GraphVersion) -> dict:
    return {"name": row.name, "description": row.description, "nodes": row.nodes, "links": row.links}


def _spec_document(agent: SeedAgent) -> dict:
    dumped = agent.graph.model_dump(mode="json")
    return {key: dumped[key] for key in ("name", "description", "nodes", "links")}


def _approved_version(listing: StoreListing, graph_id: str, graph_version: int, number: int, agent: SeedAgent):
    now = utcnow()
    return StoreListingVersion(
        listing_id=listing.id,
        graph_id=graph_id,
        graph_version=graph_version,
        version_number=number,
        changelog=agent.changelog,
        proposed=agent.listing_fields,
        status=VersionStatus.APPROVED.value,
        reviewer_comment=REVIEW_COMMENT,
        submitted_at=now,
        reviewed_at=now,
    )


async def _create(session: AsyncSession, agent: SeedAgent, creator: Creator, account: User) -> None:
    graph = await graphs.create_graph(session, _acting(account), agent.graph)
    listing = StoreListing(
        slug=agent.slug, creator_id=creator.id, graph_id=graph.id, featured=agent.featured, **agent.listing_fields
    )
    version = _approved_version(listing, graph.id, graph.version, 1, agent)
    listing.active_version_id = version.id
    listing.is_active = True
    session.add_all([listing, version])
    await session.flush()


async def _bump(
    session: AsyncSession, agent: SeedAgent, listing: StoreListing, account: User, latest_number: int
) -> None:
    graph = await graphs.add_version(session, _acting(account), listing.graph_id, agent.graph)
    version = _approved_version(listing, graph.id, graph.version, latest_number + 1, agent)
    for key, value in agent.listing_fields.items():
        setattr(listing, key, value)
    listing.active_version_id = version.id
    listing.updated_at = utcnow()
    session.add_all([listing, version])
    await session.flush()


async def seed_catalogue(
    session: AsyncSession,
    *,
    agents: Sequence[SeedAgent] | None = None,
    creators: Sequence[SeedCreator] = CREATORS,
) -> SeedReport:
    """Create or update the built-in marketplace catalogue; flush, the caller commits.

    Args:
        agents: the agents to seed (default: the whole catalogue).
        creators: the creators they may name.

    Raises:
        ValueError: an agent names a creator that is not in ``creators``.
        InvalidInput: an agent's graph is not valid (a bug in the catalogue).
    """
    started = time.perf_counter()
    agents = CATALOGUE if agents is None else tuple(agents)
    by_username = {c.username: c for c in creators}
    unknown = sorted({a.creator for a in agents} - set(by_username))
    if unknown:
        raise ValueError(f"Seed agents name unknown creators: {', '.join(unknown)}")
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})

    report = SeedReport()
    profiles: dict[str, tuple[Creator, User]] = {}
    for username in dict.fromkeys(a.creator for a in agents):
        profiles[username] = await _ensure_creator(session, by_username[username], report)

    slugs = [a.slug for a in agents]
    listings = {
        row.slug: row
        for row in (await session.execute(select(StoreListing).where(StoreListing.slug.in_(slugs)))).scalars()
    }
    versions: dict[str, StoreListingVersion] = {}
    latest: dict[str, int] = {}
    if listings:
        rows = await session.execute(
            select(StoreListingVersion).where(StoreListingVersion.listing_id.in_([r.id for r in listings.values()]))
        )
        for row in rows.scalars():
            versions[row.id] = row
            latest[row.listing_id] = max(latest.get(row.listing_id, 0), row.version_number)
    graph_rows: dict[tuple[str, int], GraphVersion] = {}
    active = [versions[r.active_version_id] for r in listings.values() if r.active_version_id in versions]
    if active:
        rows = await session.execute(
            select(GraphVersion).where(GraphVersion.graph_id.in_({v.graph_id for v in active}))
        )
        graph_rows = {(row.graph_id, row.version): row for row in rows.scalars()}

    for agent in agents:
        creator, account = profiles[agent.creator]
        listing = listings.get(agent.slug)
        if listing is None:
            await _create(session, agent, creator, account)
            report.created.append(agent.slug)
            continue
        if listing.creator_id != creator.id:
            report.skipped.append(f"{agent.slug} (the slug belongs to another creator's listing)")
            continue
        current = versions.get(listing.active_version_id or "")
        stored = graph_rows.get((current.graph_id, current.graph_version)) if current else None
        if stored is None or _graph_document(stored) != _spec_document(agent):
            await _bump(session, agent, listing, account, latest.get(listing.id, 0))
            report.updated.append(agent.slug)
            continue
        fields = agent.listing_fields
        if any(getattr(listing, key) != fields[key] for key in _LISTING_TEXT) or current.changelog != agent.changelog:
            for key in _LISTING_TEXT:
                setattr(listing, key, fields[key])
            current.proposed, current.changelog = fields, agent.changelog
            listing.updated_at = utcnow()
            session.add_all([listing, current])
            report.text_updated.append(agent.slug)
        else:
            report.unchanged.append(agent.slug)
    await session.flush()
    # Search by meaning: vectors of the new or changed texts (unchanged ones keep theirs).
    seeded = (await session.execute(select(StoreListing.id).where(StoreListing.slug.in_(slugs)))).scalars().all()
    await refresh_listing_vectors(session, list(seeded))
    report.seconds = time.perf_counter() - started
    log.info(report.summary())
    return report
