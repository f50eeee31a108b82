"""The copilot's tools: what the model may call, and running a call for the person chatting.

Each tool is a thin adapter over the services the pages and the API use (store, library,
executions, credentials, scheduling), owner-checked by them. A tool always answers a JSON object
(the ``tool`` message the model reads back, and the card the page shows) and never raises: an
unknown tool, malformed arguments, a refusal or a crash all answer ``{"type": "error", "message"}``
with a message fit to show. Anonymous people may search the marketplace and read a listing;
anything else answers ``{"type": "need_login"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.chat.agent_runs import describe, resolve_agent, run_or_schedule, short
from autogpt_app.chat.events import (
    AgentCard,
    AgentCarousel,
    CardEvent,
    ErrorEvent,
    ExecutionUpdate,
    NeedLogin,
    NoResults,
    ScheduleItem,
    ScheduleList,
)
from autogpt_app.chat.providers.base import ToolSpec
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound, ServiceError
from autogpt_app.executions import service as executions
from autogpt_app.library import service as library
from autogpt_app.scheduling import service as scheduling
from autogpt_app.store import pictures
from autogpt_app.store import service as store
from autogpt_app.store.query_text import meaningful_words

log = logging.getLogger(__name__)

MAX_RESULTS = 6
MAX_QUERY = 200
#: Outputs shown in a chat card: at most this many values per output, each cut to this many characters.
MAX_OUTPUT_VALUES = 20
MAX_OUTPUT_CHARS = 4000
MAX_SCHEDULES = 20

_AGENT_ID = "A marketplace agent slug (from find_agent) or a library agent id."


class _Args(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _QueryArgs(_Args):
    query: str = Field(default="", max_length=MAX_QUERY, description="What the agent should do, in a few words.")

    @field_validator("query", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return "" if value is None else value


class _LibraryQueryArgs(_QueryArgs):
    query: str = Field(default="", max_length=MAX_QUERY, description="Words of the agent's name or description.")


class _AgentArgs(_Args):
    agent_id: str = Field(min_length=1, max_length=200, description=_AGENT_ID)


class _RunArgs(_AgentArgs):
    inputs: dict[str, Any] = Field(default={}, description="Input name → value.")
    credentials: dict[str, str] = Field(
        default={}, description="Credential key → id of one of the person's saved credentials."
    )
    cron: str | None = Field(
        default=None,
        max_length=200,
        description="Five-field cron expression to run it on a schedule, e.g. '0 8 * * 1-5'. Not together with run_at.",
    )
    run_at: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "When to run it once: ISO 8601 (e.g. '2026-12-08T09:00', read in timezone) or the person's exact "
            "words (e.g. 'tomorrow at 9am'). Not together with cron."
        ),
    )
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="IANA time zone of the cron or run_at, e.g. Europe/Paris (default: the person's).",
    )
    schedule_name: str | None = Field(default=None, max_length=200, description="A name for the schedule.")
    when_new_item_in_feed: str | None = Field(
        default=None,
        max_length=2000,
        description=(
            "Address (https://…) of an RSS or Atom feed: run the agent whenever a new item appears in it, instead "
            "of now. Not together with cron, run_at or when_page_changes."
        ),
    )
    when_page_changes: str | None = Field(
        default=None,
        max_length=2000,
        description="Address (https://…) of a web page: run the agent whenever the page's text changes.",
    )
    item_input: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "With when_new_item_in_feed or when_page_changes: the input that receives each new item (its link "
            "for an address input, else the item). Leave it out when only one input is left for it."
        ),
    )
    confirm: bool = Field(
        default=False,
        description=(
            "Check everything but start nothing: answers ready_to_run with the exact inputs and time, for the "
            "person to confirm. Use it when you picked the agent from a search or read values from their words."
        ),
    )

    @field_validator("inputs", "credentials", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        return {} if value is None else value


class _ExecutionArgs(_Args):
    execution_id: str = Field(default="latest", max_length=64, description="A run id, or 'latest'.")


def _plain(prop: dict[str, Any]) -> dict[str, Any]:
    """One property of pydantic's JSON Schema as function-calling APIs expect it (no titles or
    defaults; an optional value is ``{"type": [T, "null"]}``)."""
    prop = {k: v for k, v in prop.items() if k not in ("title", "default")}
    variants = prop.pop("anyOf", None)
    if variants:
        for variant in variants:
            prop.update({k: v for k, v in variant.items() if k not in ("type", "title")})
        prop["type"] = [variant.get("type", "null") for variant in variants]
    return prop


def _parameters(model: type[_Args], *required: str) -> dict[str, Any]:
    """A tool's parameters, derived from its arguments model: what the model may send is what is validated."""
    schema = model.model_json_schema()
    properties = {name: _plain(prop) for name, prop in (schema.get("properties") or {}).items()}
    return {"type": "object", "properties": properties, "required": list(required)}


TOOLS: list[ToolSpec] = [
    ToolSpec(
        name="find_agent",
        description=(
            "Search the marketplace for agents that do what the person wants. Answers an agent carousel (at most "
            "6 agents: id, name, creator, rating, runs, description) or no_results with suggestions."
        ),
        parameters=_parameters(_QueryArgs, "query"),
    ),
    ToolSpec(
        name="find_library_agent",
        description=(
            "Search the person's own library of agents (an empty query lists the most recent ones). Needs login."
        ),
        parameters=_parameters(_LibraryQueryArgs),
    ),
    ToolSpec(
        name="get_agent_details",
        description="Describe one agent: what it does, its inputs (with defaults and options) and credentials.",
        parameters=_parameters(_AgentArgs, "agent_id"),
    ),
    ToolSpec(
        name="run_agent",
        description=(
            "Run an agent now, on a repeating schedule when cron is given, or once later when run_at is given. "
            "A request that names a time or date is never run now: pass run_at (one moment) or cron (a "
            'repetition); when the time is not exact ("next week", "Friday morning", "at 5") or cron '
            "cannot say the repetition exactly, ask the person instead of calling. Answers inputs_needed (ask "
            "the person for those inputs, then call again with all of them), credentials_needed (the person "
            "adds them on the card), ready_to_run (with confirm: nothing started; run it once the person says "
            "yes), execution_started, or schedule_created. With when_new_item_in_feed or when_page_changes "
            "it makes a trigger instead (trigger_created): the agent runs whenever the feed has a new item or the "
            "page changes. A marketplace agent is added to the library first. Needs login."
        ),
        parameters=_parameters(_RunArgs, "agent_id"),
    ),
    ToolSpec(
        name="get_execution",
        description="The status and outputs of one of the person's runs ('latest' for the most recent). Needs login.",
        parameters=_parameters(_ExecutionArgs, "execution_id"),
    ),
    ToolSpec(
        name="list_schedules",
        description="The person's schedules: name, agent, when in words, time zone, next run. Needs login.",
        parameters=_parameters(_Args),
    ),
]

TOOL_NAMES = frozenset(tool.name for tool in TOOLS)


def error(message: str) -> dict[str, Any]:
    """An ``error`` tool result."""
    return _result(ErrorEvent(message=message))


def need_login(reason: str) -> dict[str, Any]:
    """A ``need_login`` tool result."""
    return _result(NeedLogin(reason=reason))


def _result(card: CardEvent) -> dict[str, Any]:
    """What the model reads back (and the chat stores) for a tool's typed card: its JSON, without the
    call id the loop adds."""
    return card.model_dump(mode="json", exclude={"tool_call_id"})


async def _find_agent(session: AsyncSession, user: User | None, args: _QueryArgs) -> CardEvent:
    query = " ".join(args.query.split())
    if not query:
        return ErrorEvent(message="Say what the agent should do, e.g. find_agent(query='summarise RSS feeds').")
    page = await store.search_listings(session, query=query, limit=MAX_RESULTS)
    words = meaningful_words(query)
    if not page.items and len(words) > 1:  # a whole sentence rarely matches every word: any of them will do
        page = await store.search_listings(session, query=" or ".join(words), limit=MAX_RESULTS)
    if not page.items:
        categories = [c.name for c in (await store.list_categories(session))[:4]]
        return NoResults(
            query=query, suggestions=[f"Browse the {name} agents" for name in categories] or ["Try other words"]
        )
    agents = [
        AgentCard(
            id=item.slug,
            name=item.name,
            creator=item.creator_name,
            rating=item.rating_average,
            runs=item.run_count,
            description=short(item.subheading),
            image_url=pictures.listing_image(item.image_url, item.categories),
        )
        for item in page.items
    ]
    return AgentCarousel(source="marketplace", query=query, agents=agents)


async def _find_library_agent(session: AsyncSession, user: User, args: _QueryArgs) -> CardEvent:
    query = " ".join(args.query.split())
    page = await library.list_library(session, user, query=query, sort="updated", limit=MAX_RESULTS)
    if not page.items:
        suggestions = ["Find an agent in the marketplace"]
        if query:
            suggestions.insert(0, "Show all my agents")
        return NoResults(query=query, suggestions=suggestions)
    agents = [
        AgentCard(id=item.id, name=item.name, runs=item.run_count, description=short(item.description))
        for item in page.items
    ]
    return AgentCarousel(source="library", query=query, agents=agents)


async def _get_agent_details(session: AsyncSession, user: User | None, args: _AgentArgs) -> CardEvent:
    return describe(await resolve_agent(session, user, args.agent_id))


async def _run_agent(session: AsyncSession, user: User, args: _RunArgs) -> CardEvent:
    agent = await resolve_agent(session, user, args.agent_id)
    return await run_or_schedule(
        session,
        user,
        agent,
        inputs=args.inputs,
        credentials=args.credentials,
        cron=(args.cron or "").strip() or None,
        run_at=(args.run_at or "").strip() or None,
        confirm=args.confirm,
        timezone=(args.timezone or "").strip() or None,
        schedule_name=args.schedule_name,
        watch=_watch(args),
        item_input=(args.item_input or "").strip() or None,
    )


def _watch(args: _RunArgs) -> tuple[str, str] | None:
    """What a run_agent call asks to watch: ``("feed" | "page", url)``, or None for a run or schedule."""
    feed, page = (args.when_new_item_in_feed or "").strip(), (args.when_page_changes or "").strip()
    if feed and page:
        raise InvalidInput("Watch either a feed or a page, not both.", code="invalid_trigger")
    if feed or page:
        return ("feed", feed) if feed else ("page", page)
    return None


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_OUTPUT_CHARS:
        return value[: MAX_OUTPUT_CHARS - 1] + "…"
    if not isinstance(value, str | int | float | bool | type(None)):
        text = str(value)
        if len(text) > MAX_OUTPUT_CHARS:
            return text[: MAX_OUTPUT_CHARS - 1] + "…"
    return value


async def _get_execution(session: AsyncSession, user: User, args: _ExecutionArgs) -> CardEvent:
    execution_id = args.execution_id.strip() or "latest"
    if execution_id.lower() == "latest":
        runs = await executions.list_runs(session, user, limit=1)
        if not runs.items:
            return ErrorEvent(message="You have not run any agent yet.")
        execution_id = runs.items[0].id
    summary = await executions.get_run_summary(session, user, execution_id)
    run = await executions.get_execution(session, user, execution_id, with_nodes=False)
    outputs = {name: [_shown(v) for v in values[:MAX_OUTPUT_VALUES]] for name, values in (run.outputs or {}).items()}
    return ExecutionUpdate(
        execution_id=run.id,
        agent_name=summary.agent_name,
        status=run.status,
        outputs=outputs,
        titles={name: title for name, title in summary.output_titles.items() if name in outputs},
        error=run.error,
        started_at=run.started_at.isoformat() if run.started_at else None,
        ended_at=run.ended_at.isoformat() if run.ended_at else None,
    )


def _local(moment: datetime | None, zone: str) -> str | None:
    """A time in the schedule's own zone (as its next runs are shown), ISO 8601."""
    if moment is None:
        return None
    try:
        return moment.astimezone(ZoneInfo(zone)).isoformat()
    except (ValueError, ZoneInfoNotFoundError):
        return moment.isoformat()


async def _list_schedules(session: AsyncSession, user: User, _args: _Args) -> CardEvent:
    rows = await scheduling.list_schedules(session, user, limit=MAX_SCHEDULES)
    agents = await library.agents_by_graph(session, user, [row.graph_id for row in rows])
    return ScheduleList(
        schedules=[
            ScheduleItem(
                id=row.id,
                name=row.name,
                agent_name=agents[row.graph_id].name if row.graph_id in agents else "Agent",
                description=row.description,
                timezone=row.timezone,
                next_run=_local(row.next_run_at, row.timezone) if row.is_active else None,
                active=row.is_active,
            )
            for row in rows
        ]
    )


#: A tool: its arguments (validated) in, one typed card of :mod:`autogpt_app.chat.events` out.
Handler = Callable[[AsyncSession, Any, Any], Awaitable[CardEvent]]
#: name → (arguments model, handler, usable anonymously)
_HANDLERS: dict[str, tuple[type[_Args], Handler, bool]] = {
    "find_agent": (_QueryArgs, _find_agent, True),
    "find_library_agent": (_LibraryQueryArgs, _find_library_agent, False),
    "get_agent_details": (_AgentArgs, _get_agent_details, True),
    "run_agent": (_RunArgs, _run_agent, False),
    "get_execution": (_ExecutionArgs, _get_execution, False),
    "list_schedules": (_Args, _list_schedules, False),
}

_LOGIN_REASONS = {
    "find_library_agent": "Log in to see the agents in your library.",
    "run_agent": "Log in to run or schedule agents.",
    "get_execution": "Log in to see your runs.",
    "list_schedules": "Log in to see your schedules.",
    "get_agent_details": "Log in to see the agents in your library.",
}


def _bad_arguments(name: str, exc: ValidationError) -> dict[str, Any]:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors(include_url=False)[:5]
    )
    return error(f"The arguments of {name} are not valid ({problems}).")


async def run_tool(
    name: str, arguments: dict[str, Any] | None, *, user: User | None, timezone: str | None = None
) -> dict[str, Any]:
    """Run one tool call for ``user`` (None: anonymous) in its own transaction; always answers a result dict.

    ``timezone`` is the person's own (their browser's): a schedule whose call names no zone uses it.
    """
    entry = _HANDLERS.get(name)
    if entry is None:
        return error(f"There is no tool named {str(name)[:64]!r}. The tools are: {', '.join(_HANDLERS)}.")
    model, handler, anonymous_ok = entry
    if not isinstance(arguments, dict):
        return error(f"The arguments of {name} were not a JSON object; call it again with valid JSON.")
    try:
        args = model.model_validate(arguments)
    except ValidationError as exc:
        return _bad_arguments(name, exc)
    if user is None and not anonymous_ok:
        return need_login(_LOGIN_REASONS[name])
    if isinstance(args, _RunArgs) and not (args.timezone or "").strip() and timezone:
        args.timezone = timezone
    try:
        async with session_scope() as session:
            return _result(await handler(session, user, args))
    except NotFound as exc:
        if user is None and name == "get_agent_details":
            return need_login(_LOGIN_REASONS[name]) if len(args.agent_id) == 36 else error(exc.message)
        return error(exc.message)
    except ServiceError as exc:
        return error(exc.message)
    except Exception:
        log.exception("chat tool %s failed", name)
        return error(f"{name} failed unexpectedly; please try again.")
