"""The copilot's view of one agent: find it by the id the model gave, describe it, and run or schedule it.

An agent id from the model is a marketplace listing (slug or id) or one of the user's library
agents. Running a marketplace agent adds it to the user's library first (the same entry when it is
already there), exactly as the marketplace's Run button does; checks, runs and schedules go through
the executions and scheduling services, so the chat obeys the same rules as the pages.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.chat.events import (
    AgentDetails,
    AgentInfo,
    CredentialsNeeded,
    ExecutionStarted,
    InputsNeeded,
    ReadyToRun,
    ScheduleCreated,
    TriggerCreated,
)
from autogpt_app.chat.when import resolve_run_at
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service as executions
from autogpt_app.executions.preparation import missing_inputs, prepare_run
from autogpt_app.library import service as library
from autogpt_app.scheduling import service as scheduling
from autogpt_app.scheduling.firing import duration_words
from autogpt_app.scheduling.models import MAX_NAME
from autogpt_app.store import service as store
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers import service as triggers
from autogpt_app.triggers.mapping import default_mapping, describe_mapping
from autogpt_app.triggers.models import MAX_NAME as TRIGGER_MAX_NAME

MAX_AGENT_ID = 200
SHORT_DESCRIPTION = 160
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def short(text: str, limit: int = SHORT_DESCRIPTION) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    clean = " ".join(str(text or "").split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


@dataclass
class ResolvedAgent:
    """An agent as the copilot speaks of it."""

    #: The id the model used (kept in cards so it can refer to the agent again).
    id: str
    name: str
    description: str
    creator: str
    source: str
    input_schema: dict[str, Any]
    credentials_schema: dict[str, Any]
    #: The user's library entry, when they have one.
    library_agent_id: str | None = None
    graph_id: str | None = None
    graph_version: int | None = None
    #: The marketplace slug, for an agent not yet in the library.
    listing_slug: str | None = None


def _unknown(agent_id: str) -> NotFound:
    return NotFound(
        f"There is no agent {agent_id!r} in the marketplace or your library. Search with find_agent first.",
        code="agent_not_found",
    )


async def _from_library(session: AsyncSession, user: User, agent_id: str, shown_id: str) -> ResolvedAgent:
    detail = await library.get_agent(session, user, agent_id)
    return ResolvedAgent(
        id=shown_id,
        name=detail.name,
        description=detail.description,
        creator="",
        source="library" if shown_id == detail.id else "marketplace",
        input_schema=detail.input_schema,
        credentials_schema=detail.credentials_input_schema,
        library_agent_id=detail.id,
        graph_id=detail.graph_id,
        graph_version=detail.graph_version,
    )


async def resolve_agent(session: AsyncSession, user: User | None, agent_id: str) -> ResolvedAgent:
    """The library agent or marketplace listing ``agent_id`` names (library first, for a signed-in user).

    A marketplace agent the user already keeps is described from their library copy (the one
    that would run).

    Raises:
        NotFound: neither a listing nor one of the user's library agents.
    """
    key = str(agent_id or "").strip()
    if not key or len(key) > MAX_AGENT_ID:
        raise _unknown(key[:40])
    if user is not None and len(key) <= 64:
        try:
            return await _from_library(session, user, key, key)
        except NotFound:
            pass
    try:
        listing = await store.get_listing(session, key)
    except NotFound:
        raise _unknown(key) from None
    if user is not None:
        mine = await library.find_by_listing(session, user, listing.id)
        if mine is not None and not mine.is_archived:
            resolved = await _from_library(session, user, mine.id, key)
            resolved.creator = listing.creator_name
            resolved.listing_slug = listing.slug
            return resolved
    return ResolvedAgent(
        id=key,
        name=listing.name,
        description=listing.description or listing.subheading,
        creator=listing.creator_name,
        source="marketplace",
        input_schema=listing.input_schema,
        credentials_schema=listing.credentials_input_schema,
        listing_slug=listing.slug,
    )


def watch_words(kind: str, url: str) -> str:
    """When a trigger runs its agent, in words."""
    return f"whenever a new item appears in {url}" if kind == "feed" else f"whenever the page {url} changes"


def _with_defaults(schema: dict[str, Any], given: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """The inputs a run would get with the defaults filled in, without the ones a trigger's event fills."""
    properties = schema.get("properties") or {}
    placeholder = {name: _SAMPLE.get((properties.get(name) or {}).get("type"), "x") for name in mapping}
    values = executions.validate_inputs(schema, {**given, **placeholder})
    return {k: v for k, v in values.items() if k not in mapping}


#: A value of each type standing in for what an event will bring, to check the rest of the inputs.
_SAMPLE: dict[Any, Any] = {"string": "x", "integer": 0, "number": 0, "boolean": False, "object": {}, "array": []}


async def _make_trigger(
    session: AsyncSession,
    user: User,
    agent: ResolvedAgent,
    watch: tuple[str, str],
    mapping: dict[str, str],
    inputs: dict[str, Any],
    credentials: dict[str, str],
    name: str | None,
) -> TriggerCreated:
    """Make the feed or page trigger the person asked for (checked by the triggers service like any other)."""
    kind, url = watch
    assert agent.graph_id is not None
    label = " ".join(str(name or "").split()) or f"{agent.name} ({'new items' if kind == 'feed' else 'page changes'})"
    trigger = await triggers.create_trigger(
        session,
        user,
        graph_id=agent.graph_id,
        kind=kind,
        name=label[:TRIGGER_MAX_NAME],
        config={"url": url},
        input_mapping=mapping,
        inputs=inputs,
        credentials=credentials,
    )
    titles = {n: str((spec or {}).get("title") or n) for n, spec in _properties(agent.input_schema)}
    return TriggerCreated(
        trigger_id=trigger.id,
        agent_name=agent.name,
        kind=kind,  # type: ignore[arg-type]
        url=str(trigger.config.get("url") or url),
        description=watch_words(kind, str(trigger.config.get("url") or url)).capitalize(),
        mapping=describe_mapping(kind, mapping, titles),
        interval=f"every {duration_words(timedelta(seconds=trigger.poll_interval_seconds or 0))}",
    )


def input_fields(schema: dict[str, Any], names: list[str] | None = None) -> list[dict[str, Any]]:
    """The inputs of an agent (or only ``names``) as form fields, in the schema's order."""
    required = set(schema.get("required") or [])
    fields = []
    for name, spec in (schema.get("properties") or {}).items():
        if names is not None and name not in names:
            continue
        spec = spec or {}
        fields.append(
            {
                "name": name,
                "title": str(spec.get("title") or name),
                "type": str(spec.get("type") or "string"),
                "required": name in required,
                "default": spec.get("default"),
                "options": [str(o) for o in spec.get("enum") or []],
                "description": str(spec.get("description") or ""),
                "format": str(spec.get("format") or ""),
            }
        )
    return fields


def _properties(schema: dict[str, Any]) -> list[tuple[str, Any]]:
    return list((schema.get("properties") or {}).items())


def _input_names(schema: dict[str, Any]) -> list[str]:
    return list((schema.get("properties") or {}).keys())


def credential_needs(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The credentials an agent needs: key, provider and kind."""
    needs = []
    for key, need in (schema.get("properties") or {}).items():
        types = [str(t) for t in (need or {}).get("types") or ["api_key"]]
        needs.append({"key": key, "provider": str(need.get("provider", "")), "type": types[0], "types": types})
    return needs


def describe(agent: ResolvedAgent) -> AgentDetails:
    """The ``agent_details`` card of an agent."""
    return AgentDetails(
        agent=AgentInfo(
            id=agent.id,
            name=agent.name,
            description=agent.description,
            creator=agent.creator,
            source=agent.source,
            inputs=input_fields(agent.input_schema),
            credentials=credential_needs(agent.credentials_schema),
        )
    )


def _normal(text: str) -> str:
    return _NON_ALNUM.sub("", str(text).lower())


def match_inputs(schema: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Map the inputs the model gave onto the agent's input names (by name, or loosely by name or title).

    A model (or a person) may say "Topic" or "feed address" for ``topic`` or ``feed_url``.

    Raises:
        InvalidInput: an input the agent does not have, naming the ones it has.
    """
    properties: dict[str, Any] = schema.get("properties") or {}
    by_normal: dict[str, str] = {}
    for name, spec in properties.items():
        by_normal.setdefault(_normal(name), name)
        by_normal.setdefault(_normal((spec or {}).get("title") or name), name)
    matched: dict[str, Any] = {}
    unknown = []
    for key, value in given.items():
        name = key if key in properties else by_normal.get(_normal(key))
        if name is None:
            unknown.append(str(key))
        else:
            matched[name] = value
    if unknown:
        known = ", ".join(properties) or "none"
        raise InvalidInput(
            f"This agent has no input named {', '.join(repr(u) for u in unknown)}; its inputs are: {known}.",
            code="invalid_inputs",
        )
    return matched


async def plan_credentials(
    session: AsyncSession, user: User, schema: dict[str, Any], chosen: dict[str, str]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Choose a credential for each need by the policy of :mod:`autogpt_app.executions.preparation`,
    asking when several fit (the copilot acts on words, not on a form the person saw).

    Returns the choices and the required needs still open (none saved, or several to choose from —
    those list their ``choices``), shaped as the ``credentials_needed`` card shows them.
    """
    prepared = await prepare_run(session, user, {}, schema, {}, chosen, ask_when_several=True)
    open_needs = [
        {"key": n.key, "provider": n.provider, "type": n.types[0] if n.types else "api_key", "types": n.types}
        | {"choices": n.choices}
        for n in prepared.open_needs
        if n.required
    ]
    return prepared.credentials, open_needs


async def _library_entry(session: AsyncSession, user: User, agent: ResolvedAgent) -> ResolvedAgent:
    """Make sure the agent is in the user's library (adding a marketplace agent) and return it from there."""
    if agent.library_agent_id is not None:
        return agent
    entry = await library.add_from_listing(session, user, agent.listing_slug or agent.id)
    resolved = await _from_library(session, user, entry.id, agent.id)
    resolved.creator = agent.creator
    return resolved


async def run_or_schedule(
    session: AsyncSession,
    user: User,
    agent: ResolvedAgent,
    *,
    inputs: dict[str, Any],
    credentials: dict[str, str],
    cron: str | None,
    timezone: str | None,
    schedule_name: str | None,
    run_at: str | None = None,
    confirm: bool = False,
    watch: tuple[str, str] | None = None,
    item_input: str | None = None,
) -> InputsNeeded | CredentialsNeeded | ReadyToRun | ScheduleCreated | ExecutionStarted | TriggerCreated:
    """Run the agent now, schedule it when ``cron`` is given, or once at ``run_at`` (ISO 8601 or the
    person's words, read in ``timezone``), or make a trigger when ``watch`` names a feed or page
    (``("feed" | "page", url)``) whose new items go to ``item_input`` (or the one input left for
    them); or say what is still missing.

    Raises:
        ServiceError: refused by the executions or scheduling service (bad input, bad cron, a time
            that is not exact or has passed…).
    """
    if cron and run_at:
        raise InvalidInput("Give either a repetition (cron) or one time (run_at), not both.", code="invalid_schedule")
    if watch is not None and (cron or run_at):
        raise InvalidInput(
            "Give either a time (cron or run_at) or something to watch (a feed or a page), not both.",
            code="invalid_trigger",
        )
    # Reading words for a date loads dateparser's language data on first use: off the event loop.
    moment = await asyncio.to_thread(resolve_run_at, run_at, timezone or "UTC", utcnow()) if run_at else None
    given = {k: v for k, v in match_inputs(agent.input_schema, inputs).items() if v is not None}
    mapping: dict[str, str] = {}
    if watch is not None:
        chosen = next(iter(match_inputs(agent.input_schema, {item_input: None}))) if item_input else None
        mapping = default_mapping(watch[0], agent.input_schema, set(given), chosen)
        given = {k: v for k, v in given.items() if k not in mapping}
    missing = [name for name in missing_inputs(agent.input_schema, given) if name not in mapping]
    if missing:
        return InputsNeeded(
            agent_id=agent.id,
            agent_name=agent.name,
            inputs=input_fields(agent.input_schema, missing),
            provided=given,
            optional=input_fields(
                agent.input_schema, [n for n in _input_names(agent.input_schema) if n not in missing]
            ),
        )
    _with_defaults(agent.input_schema, given, mapping)  # mistyped values are refused before anything is added
    picked, open_needs = await plan_credentials(session, user, agent.credentials_schema, credentials)
    if open_needs:
        return CredentialsNeeded(agent_id=agent.id, agent_name=agent.name, credentials=open_needs)
    if confirm:  # everything checks out; nothing is added or started until the person says yes
        titles = {name: str((spec or {}).get("title") or name) for name, spec in _properties(agent.input_schema)}
        zone = timezone or "UTC"
        if watch is not None:
            when = watch_words(*watch)
        elif cron:
            when = f"{scheduling.describe_cron(cron, zone).description} ({zone})"
        elif moment is not None:
            when = f"once, on {moment.astimezone(ZoneInfo(zone)):%a %d %b %Y at %H:%M} ({zone})"
        else:
            when = "now"
        values = _with_defaults(agent.input_schema, given, mapping)
        shown = {titles.get(k, k): v for k, v in values.items()}
        for line in describe_mapping(watch[0], mapping, titles) if watch else []:
            title, _, part = line.partition(" ← ")
            shown[title] = part
        return ReadyToRun(agent_id=agent.id, agent_name=agent.name, inputs=shown, when=when)
    agent = await _library_entry(session, user, agent)
    assert agent.graph_id is not None
    if watch is not None:
        return await _make_trigger(session, user, agent, watch, mapping, given, picked, schedule_name)
    if cron or moment is not None:
        zone = timezone or "UTC"
        if cron:
            when = scheduling.describe_cron(cron, zone).description
        else:
            when = f"once, {moment.astimezone(ZoneInfo(zone)):%a %d %b %Y %H:%M}"
        name = " ".join(str(schedule_name or "").split()) or f"{agent.name} ({when})"
        schedule = await scheduling.create_schedule(
            session,
            user,
            graph_id=agent.graph_id,
            graph_version=agent.graph_version,
            name=name[:MAX_NAME],
            cron=cron,
            run_at=moment,
            timezone=zone,
            inputs=given,
            credentials=picked,
        )
        runs = [m.astimezone(ZoneInfo(schedule.timezone)).isoformat() for m in schedule.next_runs]
        return ScheduleCreated(
            schedule_id=schedule.id,
            agent_name=agent.name,
            kind=schedule.kind,
            cron=schedule.cron or "",
            run_at=runs[0] if schedule.kind == "once" and runs else None,
            timezone=schedule.timezone,
            description=schedule.description,
            next_runs=runs,
        )
    run = await executions.add_graph_execution(
        session, user, agent.graph_id, version=agent.graph_version, inputs=given, credentials=picked
    )
    return ExecutionStarted(execution_id=run.id, agent_id=agent.id, agent_name=agent.name, status=run.status)
