"""A user's library: add, list (server-side pages), read, rename, favourite, archive, delete, upload, export.

Functions take the session first and flush; the caller commits. Every id is owner-checked: another
user's library agent (or graph) answers :class:`NotFound`, exactly like an unknown one. Deleting a
library agent removes it from the library only; the graph and its run history stay. Marketplace
updates ("update available", :func:`update_to_latest`) live in :mod:`autogpt_app.library.updates`.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import Graph, GraphPublic, GraphVersion
from autogpt_app.library import uploads
from autogpt_app.library.models import (
    MAX_NAME,
    SUMMARY_DESCRIPTION,
    LibraryAgent,
    LibraryAgentDetail,
    LibraryAgentSummary,
    LibraryPage,
    LibrarySource,
)
from autogpt_app.library.runs import NEVER_RUN, RunStats, correlated_columns, run_stats, stats_subquery
from autogpt_app.library.updates import ListingVersions, listing_versions, update_to_latest
from autogpt_app.library.vectors import nearest_agents, refresh_library_vectors
from autogpt_app.store import semantic
from autogpt_app.store.models import StoreListing, StoreListingVersion
from autogpt_app.timeutil import utcnow

__all__ = [
    "AgentRef",
    "ExportFile",
    "add_from_listing",
    "add_graph",
    "agents_by_graph",
    "bulk",
    "delete",
    "export",
    "find_by_listing",
    "get_agent",
    "list_library",
    "preview_upload",
    "record_run",
    "update",
    "update_to_latest",
    "upload",
]

SORTS = ("updated", "name", "created", "last_run", "run_count")
BULK_ACTIONS = ("favorite", "unfavorite", "archive", "unarchive", "delete")
EXPORT_FORMATS = ("json", "yaml")
MAX_PAGE = 100
MAX_BULK = 500
MAX_EXPORT = 100
MAX_QUERY = 200
#: Most graph ids one :func:`agents_by_graph` lookup takes (a page of rows needs far fewer).
MAX_LOOKUP = 500

_A = LibraryAgent


#: Sorts by the derived run statistics: they join every agent's counts, the others read a page's only.
RUN_SORTS = ("last_run", "run_count")


def _order(sort: str, stats=None) -> tuple:
    """The ORDER BY of one sort; ``stats`` is the joined :func:`~autogpt_app.library.runs.stats_subquery`
    (needed for :data:`RUN_SORTS` only)."""
    if sort == "last_run":
        return (stats.c.last_run_at.desc().nulls_last(), _A.id)
    if sort == "run_count":
        return (func.coalesce(stats.c.run_count, 0).desc(), stats.c.last_run_at.desc().nulls_last(), _A.id)
    return {
        "updated": (_A.updated_at.desc(), _A.id),
        "name": (func.lower(_A.name), _A.id),
        "created": (_A.created_at.desc(), _A.id),
    }[sort]


def _not_found() -> NotFound:
    return NotFound("No such agent in your library.", code="library_agent_not_found")


def _short(text: str, limit: int = SUMMARY_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: What a list item takes from the row as it is (its description is shortened).
_SUMMARY_FIELDS = tuple(
    f for f in LibraryAgentSummary.model_fields if f in LibraryAgent.model_fields and f != "description"
)


def _summary(
    row: LibraryAgent, input_count: int, listing: ListingVersions | None = None, runs: RunStats = NEVER_RUN
) -> LibraryAgentSummary:
    return LibraryAgentSummary(
        **{field: getattr(row, field) for field in _SUMMARY_FIELDS},
        description=_short(row.description),
        run_count=runs.count,
        last_run_at=runs.last_run_at,
        input_count=input_count,
        update_available=listing is not None and listing.update_available,
        listing_version=None if listing is None else listing.mine,
        latest_listing_version=None if listing is None else listing.latest,
    )


@functools.cache
def _input_schemas_query():
    """The input schema of each library agent's running version; built once, ``ids`` bound per call."""
    return (
        select(_A.id, GraphVersion.input_schema)
        .join(Graph, Graph.id == _A.graph_id)
        .join(
            GraphVersion,
            and_(
                GraphVersion.graph_id == _A.graph_id,
                GraphVersion.version == func.coalesce(_A.graph_version, Graph.active_version),
            ),
        )
        .where(_A.id.in_(bindparam("ids", expanding=True)))
    )


async def _input_counts(session: AsyncSession, ids: Sequence[str]) -> dict[str, int]:
    """How many inputs the running version (pinned or active) of each library agent asks for."""
    if not ids:
        return {}
    rows = await session.execute(_input_schemas_query(), {"ids": list(ids)})
    return {agent_id: len((schema or {}).get("properties") or {}) for agent_id, schema in rows.all()}


async def input_schemas(session: AsyncSession, user: User, ids: Sequence[str]) -> dict[str, dict]:
    """The input JSON schema of the running version (pinned or active) of each of the user's library
    agents in ``ids``, by library agent id (another user's ids are left out)."""
    if not ids:
        return {}
    owned = _input_schemas_query().where(_A.user_id == user.id)
    rows = await session.execute(owned, {"ids": list(ids)})
    return {agent_id: schema or {} for agent_id, schema in rows.all()}


async def _summaries(
    session: AsyncSession, rows: Sequence[LibraryAgent], runs: dict[str, RunStats] | None = None
) -> list[LibraryAgentSummary]:
    """List items of ``rows`` (one user's); ``runs`` by graph id when the caller already read them."""
    counts = await _input_counts(session, [r.id for r in rows])
    listings = await listing_versions(session, rows)
    if runs is None:
        runs = await run_stats(session, rows[0].user_id, [r.graph_id for r in rows]) if rows else {}
    return [_summary(r, counts.get(r.id, 0), listings.get(r.id), runs.get(r.graph_id, NEVER_RUN)) for r in rows]


async def _owned(session: AsyncSession, user: User, agent_id: str) -> LibraryAgent:
    row = await session.get(LibraryAgent, agent_id)
    if row is None or row.user_id != user.id:
        raise _not_found()
    return row


async def _owned_many(session: AsyncSession, user: User, ids: Sequence[str], limit: int) -> list[str]:
    """Deduplicate ``ids`` and check that every one is the user's; all or nothing."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    if not wanted:
        raise InvalidInput("Choose at least one agent.", code="no_agents_selected")
    if len(wanted) > limit:
        raise InvalidInput(f"Choose at most {limit} agents at a time.", code="too_many_agents")
    found = set((await session.execute(select(_A.id).where(_A.user_id == user.id, _A.id.in_(wanted)))).scalars().all())
    if len(found) != len(wanted):
        raise NotFound(
            "Some of the chosen agents are not in your library; nothing was changed.",
            code="library_agent_not_found",
        )
    return wanted


def _source(source: str) -> str:
    try:
        return LibrarySource(source).value
    except ValueError:
        raise InvalidInput(
            "An agent comes from the marketplace, an upload, or was created here.", code="invalid_source"
        ) from None


async def add_graph(
    session: AsyncSession,
    user: User,
    graph_id: str,
    *,
    source: str,
    store_listing_id: str | None = None,
    store_listing_version_id: str | None = None,
    graph_version: int | None = None,
) -> LibraryAgentSummary:
    """Put one of the user's agents in their library, or return the entry it already has.

    ``graph_version`` pins a version; None follows the graph's active version. Adding an archived
    entry again brings it back from the archive.

    Raises:
        NotFound: not the user's graph (or no such version).
    """
    require_permission(user, Permission.USE_PLATFORM)
    source = _source(source)
    existing = await _by_graph(session, user.id, graph_id)
    if existing is None:
        graph = await graphs.get_graph(session, user, graph_id, graph_version)
        row = LibraryAgent(
            user_id=user.id,
            graph_id=graph.id,
            graph_version=graph_version,
            source=source,
            store_listing_id=store_listing_id,
            store_listing_version_id=store_listing_version_id if store_listing_id else None,
            name=graph.name[:MAX_NAME],
            description=graph.description,
        )
        # Two concurrent adds of the same agent: the second insert does nothing and reads the first.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        await session.execute(
            insert(LibraryAgent)
            .values(**row.model_dump())
            .on_conflict_do_nothing(index_elements=["user_id", "graph_id"])
        )
        existing = await _by_graph(session, user.id, graph_id)
        assert existing is not None  # inserted now, or by the concurrent add
        await refresh_library_vectors(session, [existing.id])  # search by meaning (no-op without the model)
    elif existing.is_archived:
        existing.is_archived = False
        existing.updated_at = utcnow()
        session.add(existing)
        await session.flush()
    return (await _summaries(session, [existing]))[0]


async def create_agent(session: AsyncSession, user: User, graph: dict, note: str = "") -> GraphPublic:
    """Save a new agent from the builder or the API (a dict in GraphSpec JSON form) as version 1, with
    ``note`` about it, and put it in the user's library as "created".

    Lives here, not in ``graphs``: the library depends on graphs, never the other way round.

    Raises:
        InvalidInput: not an agent, unsupported blocks, an invalid graph, or a note over 500 characters.
    """
    created = await graphs.create_graph(session, user, graphs.parse_spec(graph), note=note)
    await add_graph(session, user, created.id, source="created")
    return created


async def _by_graph(session: AsyncSession, user_id: str, graph_id: str) -> LibraryAgent | None:
    return (
        await session.execute(select(LibraryAgent).where(_A.user_id == user_id, _A.graph_id == graph_id))
    ).scalar_one_or_none()


async def add_from_listing(session: AsyncSession, user: User, slug_or_id: str) -> LibraryAgentSummary:
    """Add a marketplace agent to the user's library: the user gets their own copy of the approved
    version (sub-agents included), linked to the listing; adding it again returns the same entry.

    Raises:
        NotFound: no approved listing with this slug or id.
    """
    from autogpt_app.store.ratings import visible_listing

    require_permission(user, Permission.USE_PLATFORM)
    listing = await visible_listing(session, slug_or_id)
    existing = await find_by_listing(session, user, listing.id)
    if existing is not None:
        return existing
    version = await session.get(StoreListingVersion, listing.active_version_id or "")
    if version is None:
        raise NotFound("No such agent in the marketplace.", code="listing_not_found")
    spec = await graphs.published_spec(session, version.graph_id, version.graph_version)
    copy = await graphs.create_with_subgraphs(session, user, spec)
    return await add_graph(
        session, user, copy.id, source="marketplace", store_listing_id=listing.id, store_listing_version_id=version.id
    )


async def find_by_listing(session: AsyncSession, user: User, store_listing_id: str) -> LibraryAgentSummary | None:
    """The user's library entry added from a store listing, if any (the store's "already added" check)."""
    row = (
        (
            await session.execute(
                select(LibraryAgent)
                .where(_A.user_id == user.id, _A.store_listing_id == store_listing_id)
                .order_by(_A.created_at.desc(), _A.id)
            )
        )
        .scalars()
        .first()
    )
    return None if row is None else (await _summaries(session, [row]))[0]


async def listing_slugs(session: AsyncSession, user: User, slugs: Sequence[str]) -> set[str]:
    """Which of these marketplace listings (by slug) the user keeps in their library (not archived), in one query."""
    wanted = [s for s in dict.fromkeys(slugs) if s]
    if not wanted:
        return set()
    rows = await session.execute(
        select(StoreListing.slug)
        .join(LibraryAgent, LibraryAgent.store_listing_id == StoreListing.id)
        .where(_A.user_id == user.id, _A.is_archived.is_(False), StoreListing.slug.in_(wanted))
    )
    return {str(slug) for slug in rows.scalars()}


class AgentRef(BaseModel):
    """A library entry as another page names and links it (e.g. the agent of a schedule or a run)."""

    id: str
    graph_id: str
    name: str
    is_archived: bool


async def agents_by_graph(session: AsyncSession, user: User, graph_ids: Sequence[str]) -> dict[str, AgentRef]:
    """The user's library entries of ``graph_ids``, by graph id, in one query.

    Graphs the user does not keep in their library (removed since, or another user's) are simply
    absent from the answer; archived entries are included (``is_archived`` says so).

    Raises:
        InvalidInput: more than :data:`MAX_LOOKUP` distinct graph ids.
    """
    wanted = list(dict.fromkeys(str(g) for g in graph_ids if g))
    if not wanted:
        return {}
    if len(wanted) > MAX_LOOKUP:
        raise InvalidInput(f"Look up at most {MAX_LOOKUP} agents at a time.", code="too_many_agents")
    rows = await session.execute(
        select(_A.id, _A.graph_id, _A.name, _A.is_archived).where(_A.user_id == user.id, _A.graph_id.in_(wanted))
    )
    return {
        graph_id: AgentRef(id=agent_id, graph_id=graph_id, name=name, is_archived=archived)
        for agent_id, graph_id, name, archived in rows.all()
    }


#: Library vector hits: cosine at least the floor, within the window of the best, at most the limit.
#: Higher than the marketplace's floor: a library agent's text is short (name and description), and
#: short generic texts ("Repeats the topic.") sit closer to everything, gibberish included.
VECTOR_FLOOR = 0.83
VECTOR_WINDOW = 0.03
VECTOR_LIMIT = 5


def _conditions(user: User, favorites: bool | None, archived: bool | None) -> list:
    conditions = [_A.user_id == user.id]
    if archived is not None:
        conditions.append(_A.is_archived == archived)
    if favorites is not None:
        conditions.append(_A.is_favorite == favorites)
    return conditions


def _word_conditions(query: str) -> list:
    conditions = []
    for word in query.split(" "):
        if word:
            pattern = "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
            conditions.append(or_(_A.name.ilike(pattern, escape="/"), _A.description.ilike(pattern, escape="/")))
    return conditions


async def _near_in_meaning(session: AsyncSession, query: str, conditions: list) -> list[str]:
    """Ids of the agents (passing ``conditions``) close in meaning to ``query``; none without the model."""
    if not semantic.available():
        return []
    try:
        query_vector = await semantic.embed_query(query)
        near = await nearest_agents(
            session, query_vector, conditions, floor=VECTOR_FLOOR, window=VECTOR_WINDOW, limit=VECTOR_LIMIT
        )
    except Exception:  # meaning is a bonus: the words still answer
        if semantic.available():  # not the model failing to load: that was logged once already
            logging.getLogger(__name__).exception("semantic library search failed; using words alone")
        return []
    return [agent_id for agent_id, _ in near]


async def list_library(
    session: AsyncSession,
    user: User,
    *,
    query: str = "",
    favorites: bool | None = None,
    archived: bool | None = False,
    sort: str = "updated",
    offset: int = 0,
    limit: int = 24,
    own_only: bool = False,
) -> LibraryPage:
    """One page of the user's library, matching every word of ``query`` in the name or description;
    when no agent has every word (and the embedding model is available), the agents closest to it in
    meaning.

    ``own_only``: only agents the user made or uploaded, not those added from the marketplace (the
    ones they may publish).

    ``favorites``/``archived``: True only those, False none of those, None both.

    Raises:
        InvalidInput: unknown ``sort``.
    """
    if sort not in SORTS:
        raise InvalidInput(f"Sort by one of: {', '.join(SORTS)}.", code="invalid_sort")
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    conditions = _conditions(user, favorites, archived)
    if own_only:
        conditions.append(_A.source != LibrarySource.MARKETPLACE.value)
    query = " ".join((query or "").split())[:MAX_QUERY]
    words = _word_conditions(query)
    total = (await session.execute(select(func.count()).select_from(_A).where(*conditions, *words))).scalar_one()
    if words and not total and (near := await _near_in_meaning(session, query, conditions)):
        # No agent has every word: the ones closest in meaning (in the page's sort order).
        words, total = [_A.id.in_(near)], len(near)
    conditions += words
    if sort not in RUN_SORTS:  # the page's own run counts are enough: read with its rows
        page = select(LibraryAgent, *correlated_columns(LibraryAgent.__table__)).where(*conditions)
        page = page.order_by(*_order(sort)).offset(offset).limit(limit)
    else:
        stats = stats_subquery(user.id)
        page = (
            select(LibraryAgent, stats.c.run_count, stats.c.last_run_at)
            .outerjoin(stats, stats.c.graph_id == _A.graph_id)
            .where(*conditions)
            .order_by(*_order(sort, stats))
            .offset(offset)
            .limit(limit)
        )
    result = (await session.execute(page)).all()
    rows = [row for row, _count, _last in result]
    runs = {row.graph_id: RunStats(count or 0, last) for row, count, last in result}
    return LibraryPage(items=await _summaries(session, rows, runs), total=total, offset=offset, limit=limit)


#: What a detail adds to a list item: the run form's facts, from the graph version that runs.
_DETAIL_FIELDS = set(LibraryAgentDetail.model_fields) - set(LibraryAgentSummary.model_fields)


async def get_agent(session: AsyncSession, user: User, agent_id: str) -> LibraryAgentDetail:
    """One library agent with the schemas of the version that runs (for the run form)."""
    row = await _owned(session, user, agent_id)
    graph = await graphs.get_graph(session, user, row.graph_id, row.graph_version)
    listing = (await listing_versions(session, [row])).get(row.id)
    runs = (await run_stats(session, user.id, [row.graph_id])).get(row.graph_id, NEVER_RUN)
    summary = _summary(row, len(graph.input_schema.get("properties") or {}), listing, runs)
    return LibraryAgentDetail(
        **summary.model_dump(exclude={"description"}),
        description=row.description,
        **graph.model_dump(include=_DETAIL_FIELDS),
    )


async def update(
    session: AsyncSession,
    user: User,
    agent_id: str,
    *,
    is_favorite: bool | None = None,
    is_archived: bool | None = None,
    name: str | None = None,
) -> LibraryAgentSummary:
    """Favourite/unfavourite, archive/unarchive or rename one library agent.

    Raises:
        InvalidInput: an empty or too long name.
    """
    row = await _owned(session, user, agent_id)
    if name is not None:
        clean = " ".join(str(name).split())
        if not clean:
            raise InvalidInput("An agent needs a name.", code="invalid_name")
        if len(clean) > MAX_NAME:
            raise InvalidInput(f"A name is at most {MAX_NAME} characters.", code="invalid_name")
        row.name = clean
        session.add(row)
        await session.flush()
        await refresh_library_vectors(session, [row.id])
    if is_favorite is not None:
        row.is_favorite = bool(is_favorite)
    if is_archived is not None:
        row.is_archived = bool(is_archived)
        if row.is_archived:  # an archived agent does not keep running on its schedules
            from autogpt_app.scheduling import service as schedules  # scheduling depends on runs, runs on us
            from autogpt_app.triggers import service as triggers  # so do triggers

            await schedules.pause_for_graph(session, row.graph_id, user_id=user.id)
            await triggers.pause_for_graph(session, row.graph_id, user_id=user.id)
    if name is not None or is_favorite is not None or is_archived is not None:
        row.updated_at = utcnow()
        session.add(row)
        await session.flush()
    return (await _summaries(session, [row]))[0]


async def bulk(session: AsyncSession, user: User, ids: Sequence[str], action: str) -> int:
    """Apply one action to several library agents; any unknown or other user's id changes nothing.

    Returns how many agents were changed.

    Raises:
        InvalidInput: unknown action, no ids, or too many.
        NotFound: one of the ids is not in the user's library.
    """
    if action not in BULK_ACTIONS:
        raise InvalidInput(f"The action is one of: {', '.join(BULK_ACTIONS)}.", code="invalid_action")
    wanted = await _owned_many(session, user, ids, MAX_BULK)
    where = (_A.user_id == user.id, _A.id.in_(wanted))
    if action in ("archive", "delete"):
        from autogpt_app.scheduling import service as schedules  # scheduling depends on runs, runs on us
        from autogpt_app.triggers import service as triggers  # so do triggers

        graph_ids = (await session.execute(select(_A.graph_id).where(*where))).scalars().all()
        for graph_id in graph_ids:  # schedules follow their agent, in the same transaction
            if action == "delete":
                await schedules.delete_for_graph(session, graph_id, user_id=user.id)
                await triggers.delete_for_graph(session, graph_id, user_id=user.id)
            else:
                await schedules.pause_for_graph(session, graph_id, user_id=user.id)
                await triggers.pause_for_graph(session, graph_id, user_id=user.id)
    if action == "delete":
        await session.execute(sql_delete(LibraryAgent).where(*where))
    else:
        field = "is_favorite" if action.endswith("favorite") else "is_archived"
        value = not action.startswith("un")
        await session.execute(sql_update(LibraryAgent).where(*where).values({field: value, "updated_at": utcnow()}))
    await session.flush()
    return len(wanted)


async def delete(session: AsyncSession, user: User, agent_id: str) -> None:
    """Remove one agent from the user's library (the graph and its runs stay)."""
    row = await _owned(session, user, agent_id)
    from autogpt_app.scheduling import service as schedules  # scheduling depends on runs, runs on us
    from autogpt_app.triggers import service as triggers  # so do triggers

    await schedules.delete_for_graph(session, row.graph_id, user_id=user.id)
    await triggers.delete_for_graph(session, row.graph_id, user_id=user.id)
    await session.delete(row)
    await session.flush()


async def upload(session: AsyncSession, user: User, data: bytes, filename: str) -> LibraryAgentDetail:
    """Create an agent from a JSON/YAML file (ours or an AutoGPT export) and add it to the library.

    All or nothing: a refused file writes nothing (the caller rolls back on the error).

    Raises:
        InvalidInput: too large, not JSON/YAML, malformed, a YAML bomb, unsupported blocks, invalid graph.
    """
    require_permission(user, Permission.USE_PLATFORM)
    uploads.check_upload(data, filename)
    graph = await graphs.import_graph(session, user, data, filename=filename)
    entry = await add_graph(session, user, graph.id, source=LibrarySource.UPLOAD.value)
    return await get_agent(session, user, entry.id)


def preview_upload(data: bytes, filename: str) -> dict:
    """Check a file as :func:`upload` would and describe it (name, inputs, credentials, blocks), saving nothing."""
    uploads.check_upload(data, filename)
    return graphs.preview_import(data, filename=filename)


async def preview_upload_for(session: AsyncSession, user: User, data: bytes, filename: str) -> dict:
    """:func:`preview_upload` for ``user``: the file's sub-agent steps may name the user's own agents.
    The checks run in worker threads (a 5 MB file is CPU work)."""
    await asyncio.to_thread(uploads.check_upload, data, filename)
    return await graphs.preview_import_for(session, user, data, filename=filename)


@dataclass(frozen=True)
class ExportFile:
    """A download: its file name, bytes and media type."""

    filename: str
    content: bytes
    media_type: str


async def export(
    session: AsyncSession, user: User, ids: Sequence[str], fmt: str = "json", *, as_zip: bool | None = None
) -> ExportFile:
    """Export library agents without secrets: one agent as its JSON/YAML file, several as a zip.

    ``as_zip`` forces a zip (True) or a single file (False, one id only); None decides by count.

    Raises:
        InvalidInput: unknown format, no ids, or too many.
        NotFound: one of the ids is not in the user's library (nothing is exported).
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("Export as json or yaml.", code="invalid_format")
    wanted = await _owned_many(session, user, ids, MAX_EXPORT)
    rows = {r.id: r for r in (await session.execute(select(LibraryAgent).where(_A.id.in_(wanted)))).scalars().all()}
    files = [
        await graphs.export_graph(session, user, rows[i].graph_id, version=rows[i].graph_version, as_yaml=fmt == "yaml")
        for i in wanted
    ]
    zipped = len(files) > 1 if as_zip is None else as_zip
    if not zipped:
        if len(files) > 1:
            raise InvalidInput("Several agents are exported as a zip.", code="invalid_format")
        filename, text = files[0]
        media = "application/yaml" if fmt == "yaml" else "application/json"
        return ExportFile(filename, text.encode("utf-8"), media)
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, text in files:
            stem, _, extension = filename.rpartition(".")
            unique, n = filename, 1
            while unique in used:
                n += 1
                unique = f"{stem}-{n}.{extension}"
            used.add(unique)
            archive.writestr(unique, text)
    return ExportFile("agents.zip", buffer.getvalue(), "application/zip")


async def record_run(session: AsyncSession, graph_id: str, user_id: str) -> None:
    """Count a run of ``graph_id`` by ``user_id`` on the marketplace listing it was added from, if any.

    The library's own count and last run are derived from the runs (:mod:`autogpt_app.library.runs`);
    the listing's count is queued (:mod:`autogpt_app.store.run_counts`) and applied in batches, so a
    run start never updates a row that other runs also update.
    """
    from autogpt_app.store.run_counts import record_library_run

    await record_library_run(session, user_id, graph_id)
