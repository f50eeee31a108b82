"""``/graphs/{id}/executions`` and ``/executions``: start, follow and stop runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from autogpt_app.api.deps import ReadUser, RunUser, SessionDep
from autogpt_app.executions import service
from autogpt_app.executions.models import ExecutionPublic

router = APIRouter(tags=["executions"])


class RunRequest(BaseModel):
    inputs: dict[str, Any] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict, description="need key → credential id")
    version: int | None = Field(default=None, ge=1)


@router.post("/graphs/{graph_id}/executions", status_code=status.HTTP_201_CREATED, response_model=ExecutionPublic)
async def run(graph_id: str, body: RunRequest, user: RunUser, session: SessionDep) -> ExecutionPublic:
    """Start a run; it is queued at once and runs in a worker."""
    return await service.add_graph_execution(
        session, user, graph_id, version=body.version, inputs=body.inputs, credentials=body.credentials
    )


@router.get("/executions", response_model=list[ExecutionPublic])
async def executions(
    user: ReadUser,
    session: SessionDep,
    graph_id: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[ExecutionPublic]:
    """The caller's runs, newest first."""
    return await service.list_executions(session, user, graph_id=graph_id, offset=offset, limit=limit)


@router.get("/executions/{execution_id}", response_model=ExecutionPublic)
async def execution(execution_id: str, user: ReadUser, session: SessionDep) -> ExecutionPublic:
    """One run with every node run's inputs, outputs, timings and errors."""
    return await service.get_execution(session, user, execution_id)


@router.post("/executions/{execution_id}/stop", response_model=ExecutionPublic)
async def stop(execution_id: str, user: RunUser, session: SessionDep) -> ExecutionPublic:
    """Ask a run to stop; it reaches TERMINATED within about a second."""
    return await service.stop_execution(session, user, execution_id)
