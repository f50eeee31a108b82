"""``/triggers``: the caller's triggers of agents (webhook, feed, page, mailbox) and their delivery logs;
``/hooks/{trigger_id}``: where webhook senders deliver (no login: the signature is the authentication)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.triggers import service, webhooks
from autogpt_app.triggers.models import MAX_NAME
from autogpt_app.triggers.views import DeliveryPage, TriggerCreated, TriggerPublic

router = APIRouter(prefix="/triggers", tags=["triggers"])
hooks_router = APIRouter(prefix="/hooks", tags=["triggers"])

TriggerId = Annotated[str, Path(max_length=64)]

CONFIG_DESCRIPTION = (
    "webhook: `auth_mode` (`hmac`, default, or `bearer`) and `max_per_minute` (60; 1–600); "
    "feed and page: `url`; imap: `folder` (INBOX) and `credential_id` (one of your IMAP logins)."
)
MAPPING_DESCRIPTION = (
    "Agent input → path into the event: `$` is all of it (a webhook's JSON body, a feed item…), "
    "`$.a.b.0` a part. Omitted: an agent with one input gets the whole event."
)


class TriggerCreate(BaseModel):
    kind: Literal["webhook", "feed", "page", "imap"]
    graph_id: str = Field(max_length=64)
    graph_version: int | None = Field(default=None, ge=1, description="None runs the active version")
    name: str = Field(max_length=MAX_NAME * 2)
    input_mapping: dict[str, str] | None = Field(default=None, description=MAPPING_DESCRIPTION)
    inputs: dict[str, Any] = Field(default_factory=dict, description="Fixed inputs, for inputs not mapped")
    credentials: dict[str, str] = Field(default_factory=dict, description="need key → credential id")
    config: dict[str, Any] = Field(default_factory=dict, description=CONFIG_DESCRIPTION)
    poll_interval_seconds: int | None = Field(default=None, description="Poll kinds: 300 by default, 60–86400")


class TriggerUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=MAX_NAME * 2)
    input_mapping: dict[str, str] | None = None
    inputs: dict[str, Any] | None = None
    credentials: dict[str, str] | None = None
    config: dict[str, Any] | None = Field(default=None, description="Merged into the current settings")
    poll_interval_seconds: int | None = None
    is_active: bool | None = None


@router.get("", response_model=list[TriggerPublic])
async def list_triggers(
    user: ReadUser,
    session: SessionDep,
    graph_id: Annotated[str | None, Query(max_length=64)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> list[TriggerPublic]:
    """The caller's triggers (``?graph_id=`` for one agent's), newest first."""
    return await service.list_triggers(session, user, graph_id=graph_id, offset=offset, limit=limit)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TriggerCreated)
async def create_trigger(body: TriggerCreate, user: CurrentUser, session: SessionDep) -> TriggerCreated:
    """Give one of the caller's library agents a trigger.

    A webhook's answer carries `webhook_url` and its `secret`, shown this once. Refusals are 422
    with a readable message (`inputs_missing` names the inputs still needing a value), 404 for an
    agent that is not in the caller's library, 409 `agent_archived`.
    """
    return await service.create_trigger(session, user, **body.model_dump())


@router.get("/{trigger_id}", response_model=TriggerPublic)
async def get_trigger(trigger_id: TriggerId, user: ReadUser, session: SessionDep) -> TriggerPublic:
    """One of the caller's triggers (never its secret)."""
    return await service.get_trigger(session, user, trigger_id)


@router.patch("/{trigger_id}", response_model=TriggerPublic)
async def update_trigger(
    trigger_id: TriggerId, body: TriggerUpdate, user: CurrentUser, session: SessionDep
) -> TriggerPublic:
    """Change a trigger; only the fields sent change."""
    return await service.update_trigger(session, user, trigger_id, **body.model_dump())


@router.delete("/{trigger_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_trigger(trigger_id: TriggerId, user: CurrentUser, session: SessionDep) -> Response:
    """Delete a trigger and its delivery log (the runs it started stay)."""
    await service.delete_trigger(session, user, trigger_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{trigger_id}/pause", response_model=TriggerPublic)
async def pause_trigger(trigger_id: TriggerId, user: CurrentUser, session: SessionDep) -> TriggerPublic:
    """Stop starting runs until resumed (webhook deliveries are refused with 409 meanwhile)."""
    return await service.pause_trigger(session, user, trigger_id)


@router.post("/{trigger_id}/resume", response_model=TriggerPublic)
async def resume_trigger(trigger_id: TriggerId, user: CurrentUser, session: SessionDep) -> TriggerPublic:
    """Start runs again (settings are checked again first)."""
    return await service.resume_trigger(session, user, trigger_id)


@router.post("/{trigger_id}/rotate-secret", response_model=TriggerCreated)
async def rotate_secret(trigger_id: TriggerId, user: CurrentUser, session: SessionDep) -> TriggerCreated:
    """Replace a webhook's secret; the old one stops working now, the new one is in this answer only."""
    return await service.rotate_secret(session, user, trigger_id)


@router.get("/{trigger_id}/deliveries", response_model=DeliveryPage)
async def list_deliveries(
    trigger_id: TriggerId,
    user: ReadUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> DeliveryPage:
    """What the trigger received or found, newest first: time, outcome, HTTP status, run, error."""
    return await service.list_deliveries(session, user, trigger_id, offset=offset, limit=limit)


@hooks_router.post("/{trigger_id}", status_code=status.HTTP_202_ACCEPTED)
async def receive_delivery(trigger_id: TriggerId, request: Request, session: SessionDep) -> JSONResponse:
    """Deliver an event to a webhook trigger: the body (JSON, or any text) starts its agent.

    Sign with `X-Signature-Timestamp: <unix seconds>` and `X-Signature: sha256=<hex HMAC-SHA256 of
    "<timestamp>." + body, keyed with the trigger's secret>` (or, in bearer mode,
    `Authorization: Bearer <secret>`). 202 `{delivery_id, execution_id, status}`; 401 bad, missing,
    stale or replayed signature; 404 no such webhook; 409 paused; 413 too large; 422 the run could
    not start (the reason says why); 429 too many (see `Retry-After`). Refused deliveries run nothing.
    """
    receipt = await webhooks.receive(session, trigger_id, await request.body(), request.headers)
    return JSONResponse(receipt.body(), status_code=receipt.status, headers=receipt.headers())
