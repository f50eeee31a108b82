"""``/library``: the caller's agents — list, add, read, update, delete, bulk actions, upload, export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.errors import InvalidInput
from autogpt_app.library import service
from autogpt_app.library.models import MAX_NAME, LibraryAgentDetail, LibraryAgentSummary, LibraryPage
from autogpt_app.library.uploads import MAX_UPLOAD_BYTES

router = APIRouter(prefix="/library", tags=["library"])

Sort = Literal["updated", "name", "created", "last_run", "run_count"]
Format = Literal["json", "yaml"]


class AddAgent(BaseModel):
    graph_id: str | None = Field(default=None, min_length=1, max_length=36)
    graph_version: int | None = Field(default=None, ge=1)
    listing: str | None = Field(default=None, min_length=1, max_length=200, description="marketplace slug or id")


class AgentUpdate(BaseModel):
    is_favorite: bool | None = None
    is_archived: bool | None = None
    name: str | None = Field(default=None, max_length=MAX_NAME * 2)


class BulkAction(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=service.MAX_BULK)
    action: Literal["favorite", "unfavorite", "archive", "unarchive", "delete"]


class BulkResult(BaseModel):
    action: str
    count: int


class ExportRequest(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=service.MAX_EXPORT)
    format: Format = "json"


def _download(file: service.ExportFile) -> Response:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


async def _upload_file(request: Request) -> tuple[bytes, str]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("Send the agent file as multipart/form-data in a field named 'file'.", code="invalid_file")
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise InvalidInput("Attach the agent file in a form field named 'file'.", code="invalid_file")
    return await upload.read(MAX_UPLOAD_BYTES + 1), upload.filename or ""


@router.get("/agents", response_model=LibraryPage)
async def list_agents(
    user: ReadUser,
    session: SessionDep,
    query: Annotated[str, Query(max_length=service.MAX_QUERY)] = "",
    favorites: bool | None = None,
    archived: Literal["false", "true", "all"] = "false",
    sort: Sort = "updated",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 24,
) -> LibraryPage:
    """One page of the caller's library. ``favorites``: omit for all; ``archived``: false (default), true or all."""
    return await service.list_library(
        session,
        user,
        query=query,
        favorites=favorites,
        archived=None if archived == "all" else archived == "true",
        sort=sort,
        offset=offset,
        limit=limit,
    )


@router.post("/agents", status_code=status.HTTP_201_CREATED, response_model=LibraryAgentSummary)
async def add_agent(body: AddAgent, user: CurrentUser, session: SessionDep) -> LibraryAgentSummary:
    """Add one of the caller's agents (``graph_id``) or a marketplace agent (``listing``) to their library.

    Idempotent: an existing entry is returned. A marketplace agent becomes the caller's own copy.
    """
    if body.listing:
        return await service.add_from_listing(session, user, body.listing)
    if not body.graph_id:
        raise InvalidInput("Give 'graph_id' (one of your agents) or 'listing' (a marketplace agent).")
    return await service.add_graph(session, user, body.graph_id, source="created", graph_version=body.graph_version)


@router.post("/agents/bulk", response_model=BulkResult)
async def bulk(body: BulkAction, user: CurrentUser, session: SessionDep) -> BulkResult:
    """Favourite, unfavourite, archive, unarchive or delete several agents; any unknown id changes nothing."""
    count = await service.bulk(session, user, body.ids, body.action)
    return BulkResult(action=body.action, count=count)


@router.post("/agents/upload", status_code=status.HTTP_201_CREATED, response_model=LibraryAgentDetail)
async def upload(request: Request, user: CurrentUser, session: SessionDep) -> LibraryAgentDetail:
    """Create an agent from a JSON/YAML file (multipart field ``file``, at most 5 MB) and add it to the library."""
    data, filename = await _upload_file(request)
    return await service.upload(session, user, data, filename)


@router.post("/agents/upload/preview")
async def upload_preview(request: Request, _user: ReadUser) -> dict[str, Any]:
    """Check an agent file and describe it (name, inputs, credentials, blocks), saving nothing."""
    data, filename = await _upload_file(request)
    return service.preview_upload(data, filename)


@router.post("/agents/export")
async def export_many(body: ExportRequest, user: ReadUser, session: SessionDep) -> Response:
    """Download several agents (secrets stripped) as a zip of JSON or YAML files."""
    return _download(await service.export(session, user, body.ids, body.format, as_zip=True))


@router.get("/agents/{agent_id}", response_model=LibraryAgentDetail)
async def get_agent(agent_id: str, user: ReadUser, session: SessionDep) -> LibraryAgentDetail:
    """One library agent with the input and credential schemas its run form needs."""
    return await service.get_agent(session, user, agent_id)


@router.patch("/agents/{agent_id}", response_model=LibraryAgentSummary)
async def update_agent(agent_id: str, body: AgentUpdate, user: CurrentUser, session: SessionDep) -> LibraryAgentSummary:
    """Favourite, archive or rename one library agent."""
    return await service.update(
        session, user, agent_id, is_favorite=body.is_favorite, is_archived=body.is_archived, name=body.name
    )


@router.post("/agents/{agent_id}/update-version", response_model=LibraryAgentSummary)
async def update_version(agent_id: str, user: CurrentUser, session: SessionDep) -> LibraryAgentSummary:
    """Move a marketplace agent to its listing's newest approved version (``update_available`` in the list).

    Idempotent: an agent already up to date is returned unchanged.
    """
    return await service.update_to_latest(session, user, agent_id)


@router.delete("/agents/{agent_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_agent(agent_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """Remove an agent from the library (the agent itself and its runs stay)."""
    await service.delete(session, user, agent_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/agents/{agent_id}/export")
async def export_one(
    agent_id: str, user: ReadUser, session: SessionDep, format: Annotated[Format, Query()] = "json"
) -> Response:
    """Download one agent (secrets stripped) as JSON or YAML."""
    return _download(await service.export(session, user, [agent_id], format, as_zip=False))
