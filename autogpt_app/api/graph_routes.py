"""``/blocks`` and ``/graphs``: the block catalogue and the user's agents."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request, Response, status

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.blocks.registry import get_block, list_blocks
from autogpt_app.errors import InvalidInput
from autogpt_app.graphs import service
from autogpt_app.graphs.models import GraphPublic, GraphVersionSummary
from autogpt_app.graphs.palette import palette
from autogpt_app.graphs.portable import MAX_IMPORT_BYTES
from autogpt_app.graphs.validation import validate_graph
from autogpt_app.library import service as library

blocks_router = APIRouter(prefix="/blocks", tags=["blocks"])
router = APIRouter(prefix="/graphs", tags=["graphs"])

GraphBody = Annotated[
    dict[str, Any], Body(description="An agent: name, description, nodes, links; and an optional version `note`")
]


def _split_note(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The agent and the version note sent beside it (a top-level ``note``, at most 500 characters)."""
    note = body.get("note", "") if isinstance(body, dict) else ""
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise InvalidInput("A version note must be text.", code="invalid_note")
    return {k: v for k, v in body.items() if k != "note"}, note


@blocks_router.get("/palette")
async def block_palette(response: Response) -> list[dict[str, Any]]:
    """The block catalogue as the builder's canvas draws it (pins and their types), for anyone: the
    pictures of agents on marketplace pages need it too, and it holds nothing but the blocks' own text."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return palette()


@blocks_router.get("")
async def blocks(_user: ReadUser) -> list[dict[str, Any]]:
    """Every available block with its input, output and credential schemas."""
    return [b.describe() for b in list_blocks()]


@blocks_router.get("/{block_id}")
async def block(block_id: str, _user: ReadUser) -> dict[str, Any]:
    """One block's description and schemas."""
    return get_block(block_id).describe()


@router.get("", response_model=list[GraphPublic])
async def graphs(
    user: ReadUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[GraphPublic]:
    """The caller's agents (active versions), most recently changed first."""
    return await service.list_graphs(session, user, offset=offset, limit=limit)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=GraphPublic)
async def create(body: GraphBody, user: CurrentUser, session: SessionDep) -> GraphPublic:
    """Create an agent from a JSON body (and add it to the library); invalid graphs answer 422 with every problem."""
    graph, note = _split_note(body)
    return await library.create_agent(session, user, graph, note=note)


@router.post("/validate")
async def validate(body: GraphBody, _user: ReadUser) -> dict[str, Any]:
    """Check an agent without saving it."""
    validate_graph(service.parse_spec(body))
    return {"valid": True}


async def _upload_bytes(request: Request) -> tuple[bytes, str]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("Attach the agent file in a form field named 'file'.", code="invalid_file")
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        return data, upload.filename or ""
    name = "agent.yaml" if "yaml" in content_type else ""
    return await request.body(), name


@router.post("/import/preview")
async def import_preview(request: Request, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Validate an agent file (JSON/YAML, ours or an AutoGPT export) and describe it, saving nothing."""
    data, filename = await _upload_bytes(request)
    return await service.preview_import_for(session, user, data, filename=filename)


@router.post("/import", status_code=status.HTTP_201_CREATED, response_model=GraphPublic)
async def import_file(request: Request, user: CurrentUser, session: SessionDep) -> GraphPublic:
    """Create an agent from a file: multipart field ``file``, or the raw JSON/YAML body."""
    data, filename = await _upload_bytes(request)
    graph = await service.import_graph(session, user, data, filename=filename)
    await library.add_graph(session, user, graph.id, source="upload")
    return graph


@router.get("/{graph_id}", response_model=GraphPublic)
async def get(
    graph_id: str, user: ReadUser, session: SessionDep, version: Annotated[int | None, Query(ge=1)] = None
) -> GraphPublic:
    """One version of an agent (default: the active one)."""
    return await service.get_graph(session, user, graph_id, version)


@router.get("/{graph_id}/versions", response_model=list[GraphVersionSummary])
async def versions(graph_id: str, user: ReadUser, session: SessionDep) -> list[GraphVersionSummary]:
    """The agent's version history, newest first, with each version's note and who saved it."""
    return await service.list_versions(session, user, graph_id)


@router.post("/{graph_id}/versions", status_code=status.HTTP_201_CREATED, response_model=GraphPublic)
async def new_version(graph_id: str, body: GraphBody, user: CurrentUser, session: SessionDep) -> GraphPublic:
    """Save a new version of the agent (with an optional ``note`` about it) and make it active."""
    graph, note = _split_note(body)
    return await service.add_version(session, user, graph_id, service.parse_spec(graph), note=note)


@router.post("/{graph_id}/versions/{version}/restore", status_code=status.HTTP_201_CREATED, response_model=GraphPublic)
async def restore(
    graph_id: str, version: Annotated[int, Path(ge=1)], user: CurrentUser, session: SessionDep
) -> GraphPublic:
    """Save an old version's content as a new active version, noted "Restored from version N"."""
    return await service.restore_version(session, user, graph_id, version)


@router.put("/{graph_id}/active-version", response_model=GraphPublic)
async def activate(
    graph_id: str, user: CurrentUser, session: SessionDep, version: Annotated[int, Body(embed=True, ge=1)]
) -> GraphPublic:
    """Choose which version runs by default."""
    return await service.set_active_version(session, user, graph_id, version)


@router.get("/{graph_id}/export")
async def export(
    graph_id: str,
    user: ReadUser,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1)] = None,
    format: Annotated[Literal["json", "yaml"], Query()] = "json",
) -> Response:
    """Download the agent (secrets stripped) as JSON or YAML."""
    filename, text = await service.export_graph(session, user, graph_id, version=version, as_yaml=format == "yaml")
    media = "application/yaml" if format == "yaml" else "application/json"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
