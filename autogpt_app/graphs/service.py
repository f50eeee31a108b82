"""Agents: create, version, read, import and export — always for their owner only.

Another user's graph id answers :class:`NotFound`, exactly like an unknown one, so ids do not
reveal what exists.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Integer, and_, bindparam, func, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User, new_id
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.graphs import portable
from autogpt_app.graphs.models import Graph, GraphDraft, GraphPublic, GraphVersion, GraphVersionSummary
from autogpt_app.graphs.schemas import credentials_input_schema, input_schema, output_schema
from autogpt_app.graphs.secrets import strip_secrets
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.graphs.validation import validate_graph
from autogpt_app.timeutil import utcnow


def _public(graph: Graph, row: GraphVersion) -> GraphPublic:
    return GraphPublic(
        id=graph.id,
        version=row.version,
        active_version=graph.active_version,
        latest_version=graph.latest_version,
        is_active=row.version == graph.active_version,
        name=row.name,
        description=row.description,
        nodes=row.nodes,
        links=row.links,
        sub_graphs=row.sub_graphs,
        input_schema=row.input_schema,
        output_schema=row.output_schema,
        credentials_input_schema=row.credentials_input_schema,
        created_at=row.created_at,
    )


def spec_of(row: GraphVersion) -> GraphSpec:
    """The spec stored in a version row."""
    return GraphSpec.model_validate(
        {
            "name": row.name,
            "description": row.description,
            "nodes": row.nodes,
            "links": row.links,
            "sub_graphs": row.sub_graphs,
        }
    )


MAX_NOTE = 500


def _note(note: str) -> str | None:
    if not isinstance(note, str):
        raise InvalidInput("A version note must be text.", code="invalid_note")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A version note can be at most {MAX_NOTE} characters long.", code="invalid_note")
    return note or None


def _version_row(
    graph_id: str,
    version: int,
    spec: GraphSpec,
    user: User,
    note: str | None = None,
    credentials: dict[str, Any] | None = None,
) -> GraphVersion:
    dumped = spec.model_dump(mode="json")
    return GraphVersion(
        graph_id=graph_id,
        version=version,
        name=spec.name,
        description=spec.description,
        nodes=dumped["nodes"],
        links=dumped["links"],
        sub_graphs=dumped["sub_graphs"],
        input_schema=input_schema(spec),
        output_schema=output_schema(spec),
        credentials_input_schema=credentials_input_schema(spec) if credentials is None else credentials,
        created_by=user.id,
        note=note,
    )


async def create_graph(session: AsyncSession, user: User, spec: GraphSpec, note: str = "") -> GraphPublic:
    """Validate and save a new agent as version 1, with ``note`` (at most 500 characters) about it.

    Raises:
        InvalidInput: the graph is not valid (``details`` lists every problem), or the note is too long.
    """
    require_permission(user, Permission.USE_PLATFORM)
    clean_note = _note(note)
    validate_graph(spec)
    credentials = await _credentials_with_subagents(session, user, spec)
    graph = Graph(owner_id=user.id)
    session.add(graph)
    await session.flush()
    row = _version_row(graph.id, 1, spec, user, clean_note, credentials)
    session.add(row)
    await session.flush()
    return _public(graph, row)


async def published_spec(session: AsyncSession, graph_id: str, version: int) -> GraphSpec:
    """INTERNAL: the spec of a version that the marketplace has published, whoever owns it, as anyone
    but its owner gets it: secrets stripped (:func:`~autogpt_app.graphs.secrets.strip_secrets`).

    Only the marketplace calls this, for listings an admin approved: its copies (library add and
    update) and the picture of a listing's steps; everything else goes through the owner-checked
    functions.
    """
    row = (
        await session.execute(
            select(GraphVersion).where(GraphVersion.graph_id == graph_id, GraphVersion.version == version)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("This agent version is no longer available.", code="graph_version_not_found")
    return strip_secrets(spec_of(row))


def public_input_schema(row: GraphVersion) -> dict:
    """The input schema of a version as anyone but its owner sees it: an input marked secret has no default."""
    return input_schema(strip_secrets(spec_of(row)))


async def _owned_graph(session: AsyncSession, user: User, graph_id: str) -> Graph:
    graph = await session.get(Graph, graph_id)
    if graph is None or graph.owner_id != user.id:
        raise NotFound("No such agent.", code="graph_not_found")
    return graph


async def _version(session: AsyncSession, graph: Graph, version: int | None) -> GraphVersion:
    wanted = graph.active_version if version is None else version
    row = (
        await session.execute(
            select(GraphVersion).where(GraphVersion.graph_id == graph.id, GraphVersion.version == wanted)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"This agent has no version {wanted}.", code="graph_version_not_found")
    return row


async def add_version(session: AsyncSession, user: User, graph_id: str, spec: GraphSpec, note: str = "") -> GraphPublic:
    """Save ``spec`` as the next version of the user's agent, with ``note`` about it, and make it active.

    The person's draft of the agent stays: the builder discards it (:func:`discard_draft`) once its
    save succeeded, and other callers (API, imports) leave the builder's unsaved work alone.

    Raises:
        NotFound: not the user's agent.
        InvalidInput: the graph is not valid, or the note is too long.
    """
    graph = await _owned_graph(session, user, graph_id)
    clean_note = _note(note)
    validate_graph(spec)
    credentials = await _credentials_with_subagents(session, user, spec)
    graph.latest_version += 1
    graph.active_version = graph.latest_version
    graph.updated_at = utcnow()
    row = _version_row(graph.id, graph.latest_version, spec, user, clean_note, credentials)
    session.add_all([graph, row])
    await session.flush()
    return _public(graph, row)


@functools.cache
def _graph_with_version():
    """An agent with one of its versions (the active one when ``version`` is NULL), in one round trip.
    Built once: ``graph_id`` and ``version`` are bound at each call."""
    wanted = func.coalesce(bindparam("version", type_=Integer), Graph.active_version)
    return (
        select(Graph, GraphVersion)
        .join(GraphVersion, and_(GraphVersion.graph_id == Graph.id, GraphVersion.version == wanted))
        .where(Graph.id == bindparam("graph_id"))
    )


async def get_graph(session: AsyncSession, user: User, graph_id: str, version: int | None = None) -> GraphPublic:
    """Return one version (default: the active one) of the user's agent."""
    found = (await session.execute(_graph_with_version(), {"graph_id": graph_id, "version": version})).one_or_none()
    if found is not None and found[0].owner_id == user.id:
        return _public(*found)
    graph = await _owned_graph(session, user, graph_id)  # not theirs, or no such version: say which
    return _public(graph, await _version(session, graph, version))


async def get_graph_spec(
    session: AsyncSession, user: User, graph_id: str, version: int | None = None
) -> tuple[GraphPublic, GraphSpec]:
    """Return one version of the user's agent and its spec (for running and exporting)."""
    graph = await _owned_graph(session, user, graph_id)
    row = await _version(session, graph, version)
    return _public(graph, row), spec_of(row)


async def list_versions(session: AsyncSession, user: User, graph_id: str) -> list[GraphVersionSummary]:
    """The version history of the user's agent, newest first, each with its note and who saved it."""
    graph = await _owned_graph(session, user, graph_id)
    rows = (
        await session.execute(
            select(
                GraphVersion.version,
                GraphVersion.name,
                GraphVersion.created_at,
                GraphVersion.note,
                User.display_name,
                User.email,
            )
            .outerjoin(User, User.id == GraphVersion.created_by)
            .where(GraphVersion.graph_id == graph.id)
            .order_by(GraphVersion.version.desc())
        )
    ).all()
    return [
        GraphVersionSummary(
            version=v,
            name=n,
            is_active=v == graph.active_version,
            created_at=c,
            note=note or "",
            created_by_name=(display_name or "").strip() or email or "",
        )
        for v, n, c, note, display_name, email in rows
    ]


async def restore_version(session: AsyncSession, user: User, graph_id: str, version: int) -> GraphPublic:
    """Save an old version's content as a new, active version noted "Restored from version N".

    History stays as it was: restoring adds a version rather than moving back to the old one, and
    the copy is validated like any save (a block disabled since then is refused).

    Raises:
        NotFound: not the user's agent, or it has no such version.
        InvalidInput: the old version is no longer valid.
    """
    graph = await _owned_graph(session, user, graph_id)
    row = await _version(session, graph, version)
    return await add_version(session, user, graph.id, spec_of(row), note=f"Restored from version {row.version}")


async def set_active_version(session: AsyncSession, user: User, graph_id: str, version: int) -> GraphPublic:
    """Make an existing version the one that runs by default."""
    graph = await _owned_graph(session, user, graph_id)
    row = await _version(session, graph, version)
    graph.active_version = version
    graph.updated_at = utcnow()
    session.add(graph)
    await session.flush()
    return _public(graph, row)


async def list_graphs(session: AsyncSession, user: User, *, offset: int = 0, limit: int = 50) -> list[GraphPublic]:
    """The user's agents (their active versions), most recently changed first."""
    limit = max(1, min(limit, 100))
    rows = (
        await session.execute(
            select(Graph, GraphVersion)
            .join(GraphVersion, (GraphVersion.graph_id == Graph.id) & (GraphVersion.version == Graph.active_version))
            .where(Graph.owner_id == user.id)
            .order_by(Graph.updated_at.desc(), Graph.id)
            .offset(max(0, offset))
            .limit(limit)
        )
    ).all()
    return [_public(graph, row) for graph, row in rows]


async def import_graph(session: AsyncSession, user: User, data: bytes, *, filename: str = "") -> GraphPublic:
    """Create an agent from an uploaded JSON/YAML file (ours or an AutoGPT export).

    Raises:
        InvalidInput: malformed file, unsupported blocks, or an invalid graph; nothing is written.
    """
    spec = portable.spec_from_document(portable.parse_document(data, filename=filename))
    spec = portable.resolve_subagents(spec, await owned_subagent_ids(session, user, spec))
    return await create_with_subgraphs(session, user, spec)


SUBAGENT_BLOCK_ID = portable.SUBAGENT_BLOCK_ID


async def owned_subagent_ids(session: AsyncSession, user: User, spec: GraphSpec) -> set[str]:
    """The ids that ``spec``'s "run sub-agent" nodes name and that are agents of ``user``."""
    refs = {
        str(ref)
        for graph in [spec, *spec.sub_graphs]
        for node in graph.nodes
        if node.block_id == SUBAGENT_BLOCK_ID and (ref := node.input_default.get("graph_id"))
    }
    if not refs:
        return set()
    rows = await session.execute(select(Graph.id).where(Graph.id.in_(refs), Graph.owner_id == user.id))
    return set(rows.scalars().all())


def _point_subagents(spec: GraphSpec, new_ids: dict[str, str]) -> GraphSpec:
    """Return ``spec`` with "run sub-agent" nodes pointing at the user's copies of its sub-graphs."""
    spec = spec.model_copy(deep=True)
    for node in spec.nodes:
        old = node.input_default.get("graph_id")
        if node.block_id == SUBAGENT_BLOCK_ID and old in new_ids:
            node.input_default["graph_id"] = new_ids[old]
            node.input_default["graph_version"] = 1
            node.input_default.pop("user_id", None)
    return spec


async def _save_subgraphs(session: AsyncSession, user: User, spec: GraphSpec) -> GraphSpec:
    """Save the sub-agents ``spec`` carries (AutoGPT's ``sub_graphs``) as new agents of the user.

    Returns the main spec without its sub-graphs, its "run sub-agent" nodes pointing at the copies.
    """
    new_ids: dict[str, str] = {}
    pending = list(spec.sub_graphs)
    for _ in range(len(pending) + 1):  # sub-graphs may use each other: save those whose references are known
        if not pending:
            break
        still = []
        pending_ids = {p.id for p in pending if p.id}
        for sub in pending:
            refs = {n.input_default.get("graph_id") for n in sub.nodes if n.block_id == SUBAGENT_BLOCK_ID}
            if any(r in pending_ids and r not in new_ids and r != sub.id for r in refs):
                still.append(sub)  # save after the sub-graphs it uses
                continue
            saved = await create_graph(
                session, user, _point_subagents(sub.model_copy(update={"sub_graphs": []}), new_ids)
            )
            if sub.id:
                new_ids[sub.id] = saved.id
        pending = still
    return _point_subagents(spec.model_copy(update={"sub_graphs": []}), new_ids)


async def create_with_subgraphs(session: AsyncSession, user: User, spec: GraphSpec) -> GraphPublic:
    """Save an agent and the sub-agents it carries (AutoGPT's ``sub_graphs``) as the user's own agents.

    Sub-graphs are validated and saved first; "run sub-agent" nodes are pointed at the new copies.
    One transaction: if anything is invalid, nothing is saved.
    """
    validate_graph(spec)
    return await create_graph(session, user, await _save_subgraphs(session, user, spec))


async def add_version_with_subgraphs(session: AsyncSession, user: User, graph_id: str, spec: GraphSpec) -> GraphPublic:
    """Save ``spec`` as the next version of the user's agent (and make it active), with its sub-agents.

    The sub-agents it carries are saved as new agents of the user, as :func:`create_with_subgraphs`
    does, and the new version's "run sub-agent" nodes point at them. One transaction: the caller
    rolls back on an error and nothing is saved.

    Raises:
        NotFound: not the user's agent.
        InvalidInput: the agent or one of its sub-agents is not valid.
    """
    await _owned_graph(session, user, graph_id)  # refuse before saving any sub-agent
    validate_graph(spec)
    return await add_version(session, user, graph_id, await _save_subgraphs(session, user, spec))


def preview_import(data: bytes, *, filename: str = "", owned_graph_ids: Collection[str] = ()) -> dict:
    """Check an upload without saving and describe it (see :func:`describe_import`).

    ``owned_graph_ids``: the importer's agents the file's sub-agent steps may name (see
    :func:`owned_subagent_ids`); a sub-agent found neither there nor in the file is refused.

    Raises:
        InvalidInput: as :func:`import_graph` would.
    """
    spec = portable.spec_from_document(portable.parse_document(data, filename=filename))
    return describe_import(spec, owned_graph_ids)


async def preview_import_for(session: AsyncSession, user: User, data: bytes, *, filename: str = "") -> dict:
    """:func:`preview_import` for ``user``: sub-agent steps may name the user's own agents. The
    parsing runs in a worker thread (a 5 MB file is CPU work)."""

    def parse() -> GraphSpec:
        return portable.spec_from_document(portable.parse_document(data, filename=filename))

    spec = await asyncio.to_thread(parse)
    owned = await owned_subagent_ids(session, user, spec)
    return await asyncio.to_thread(describe_import, spec, owned)


def describe_import(spec: GraphSpec, owned_graph_ids: Collection[str] = ()) -> dict:
    """What an import of ``spec`` would create: name, description, inputs, outputs, credentials (its
    sub-agents' included), blocks used, node count and ``ignored_fields`` (``[{node_id, block,
    field}]``: values the file gives that no block here uses; kept, but without effect).

    Raises:
        InvalidInput: unresolved sub-agents or an invalid graph, as :func:`import_graph` would.
    """
    from autogpt_app.blocks.registry import find_block

    spec = portable.resolve_subagents(spec, owned_graph_ids)
    validate_graph(spec)
    blocks = sorted({b.name for n in spec.nodes if (b := find_block(n.block_id)) is not None})
    return {
        "name": spec.name,
        "description": spec.description,
        "input_schema": input_schema(spec),
        "output_schema": output_schema(spec),
        "credentials_input_schema": credentials_input_schema(spec),
        "blocks": blocks,
        "node_count": len(spec.nodes),
        "ignored_fields": portable.ignored_fields(spec),
    }


async def export_graph(
    session: AsyncSession, user: User, graph_id: str, *, version: int | None = None, as_yaml: bool = False
) -> tuple[str, str]:
    """Return ``(filename, text)`` of the user's agent in our format, secrets stripped."""
    public, spec = await get_graph_spec(session, user, graph_id, version)
    spec = await _with_subgraphs(session, user, spec)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in public.name.lower()).strip("-")[:60] or "agent"
    extension = "yaml" if as_yaml else "json"
    return f"{safe}-v{public.version}.{extension}", portable.export_text(spec, as_yaml=as_yaml)


async def _with_subgraphs(session: AsyncSession, user: User, spec: GraphSpec, depth: int = 0) -> GraphSpec:
    """Attach the user's agents that "run sub-agent" nodes use, so an export is self-contained."""
    seen: dict[str, GraphSpec] = {}

    async def collect(graph: GraphSpec, level: int) -> None:
        if level > 5:
            return
        for node in graph.nodes:
            ref = node.input_default.get("graph_id")
            if node.block_id != SUBAGENT_BLOCK_ID or not ref or ref in seen:
                continue
            try:
                public, sub = await get_graph_spec(session, user, ref, node.input_default.get("graph_version"))
            except NotFound:
                continue
            seen[ref] = sub.model_copy(update={"id": public.id, "version": public.version})
            await collect(sub, level + 1)

    await collect(spec, depth)
    return spec.model_copy(update={"sub_graphs": list(seen.values())}) if seen else spec


async def _credentials_with_subagents(session: AsyncSession, user: User, spec: GraphSpec) -> dict[str, Any]:
    """What credentials a run of ``spec`` needs, those of the user's agents its sub-agent steps run
    included (a run form then asks for them before the run, not a sub-agent failing midway)."""
    if not any(n.block_id == SUBAGENT_BLOCK_ID for n in spec.nodes):
        return credentials_input_schema(spec)
    return credentials_input_schema(await _with_subgraphs(session, user, spec))


def parse_spec(payload: dict) -> GraphSpec:
    """Turn a JSON request body into a spec, with the same readable errors as an import."""
    if not isinstance(payload, dict):
        raise InvalidInput("Send the agent as a JSON object.")
    return portable.spec_from_document(payload)


# --- drafts: the builder's unsaved work, which may not be valid -----------------------------------

#: A draft's size, serialized: an import's limit.
MAX_DRAFT_BYTES = 5_000_000


def _draft_spec(graph: dict[str, Any]) -> dict[str, Any]:
    """The draft as stored: checked for structure and size only (its content may be invalid)."""
    if not isinstance(graph, dict):
        raise InvalidInput("Send the draft as a JSON object.", code="invalid_draft")
    try:
        size = len(json.dumps(graph, ensure_ascii=False, allow_nan=False).encode())
    except (TypeError, ValueError, RecursionError):
        raise InvalidInput("The draft could not be read.", code="invalid_draft") from None
    if size > MAX_DRAFT_BYTES:
        raise InvalidInput(
            f"The draft is too large to keep (at most {MAX_DRAFT_BYTES // 1_000_000} MB).", code="draft_too_large"
        )
    try:
        spec = GraphSpec.model_validate(graph)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"The draft could not be read at '{where}': {first['msg']}.", code="invalid_draft") from None
    keep = {"name", "description", "nodes", "links"} | ({"sub_graphs"} if spec.sub_graphs else set())
    return spec.model_dump(mode="json", include=keep)


def _draft_where(user: User, graph_id: str | None) -> list:
    same_graph = GraphDraft.graph_id.is_(None) if graph_id is None else GraphDraft.graph_id == graph_id
    return [GraphDraft.user_id == user.id, same_graph]


async def save_draft(session: AsyncSession, user: User, graph_id: str | None, graph: dict[str, Any]) -> datetime:
    """Keep the builder's working copy of the user's agent (``graph_id``; None: a new agent) and
    return when it was saved. Replaces the previous draft of that agent.

    Raises:
        NotFound: not the user's agent.
        InvalidInput: not an agent's structure, or over 5 MB.
    """
    require_permission(user, Permission.USE_PLATFORM)
    if graph_id is not None:
        await _owned_graph(session, user, graph_id)
    spec = _draft_spec(graph)
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(GraphDraft).values(
        id=new_id(),
        user_id=user.id,
        graph_id=graph_id,
        spec=spec,
        updated_at=now,
    )
    # One statement: two tabs saving the same draft at once never meet a unique violation.
    if graph_id is None:
        target = {"index_elements": ["user_id"], "index_where": GraphDraft.graph_id.is_(None)}
    else:
        target = {"index_elements": ["user_id", "graph_id"]}
    await session.execute(statement.on_conflict_do_update(**target, set_={"spec": spec, "updated_at": now}))
    return now


async def get_draft(session: AsyncSession, user: User, graph_id: str | None) -> dict[str, Any] | None:
    """The user's draft of an agent (None: of a new agent) as ``{"graph": working copy, "updated_at"}``,
    or None when there is none.

    Raises:
        NotFound: not the user's agent.
    """
    if graph_id is not None:
        await _owned_graph(session, user, graph_id)
    row = (await session.execute(select(GraphDraft).where(*_draft_where(user, graph_id)))).scalar_one_or_none()
    return None if row is None else {"graph": row.spec, "updated_at": row.updated_at}


async def discard_draft(session: AsyncSession, user: User, graph_id: str | None) -> bool:
    """Drop the user's draft of an agent (None: of a new agent); whether there was one.

    Raises:
        NotFound: not the user's agent.
    """
    if graph_id is not None:
        await _owned_graph(session, user, graph_id)
    result = await session.execute(sql_delete(GraphDraft).where(*_draft_where(user, graph_id)))
    return bool(result.rowcount)
