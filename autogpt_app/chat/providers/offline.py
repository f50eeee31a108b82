"""The offline copilot: a deterministic planner that speaks the provider interface when no API key is set.

It reads the conversation exactly as a remote model would — the latest user message, and the
contract's JSON tool results already in the history — and answers one model turn: a short text
streamed word by word, then at most one tool call. Once the results of its call arrive it replies in
text, unless the person named an agent it has not shown yet: then it searches for it, reads its
inputs if the person gave some in their own words, and runs the match — at most
:data:`MAX_ROUNDS` tool rounds in one user turn, never a loop.

What it understands, in the order it decides (first match wins):

1. thanks, "ok", "yes / run it / try again" (run the agent being discussed), greetings, help, "no";
2. what it cannot do (send e-mails, payments, browsing, changing schedules, comparing…) — said plainly;
3. "show my schedules" → ``list_schedules``;
4. run / schedule requests starting with a verb ("run the first one", "run datasmith's keyword
   extractor", "schedule it every weekday at 8am in Europe/Paris with topic=AI") → ``run_agent``;
   "how did my last run go?" → ``get_execution``;
5. details ("tell me more about the second one") → ``get_agent_details``;
6. "show my agents" → ``find_library_agent``; finding ("is there an agent for loan payments") →
   ``find_agent``;
7. a schedule on its own ("every weekday at 8am", "0 8 * * 1-5") or a choice ("the second", "#3")
   → ``run_agent`` for the agent being discussed or chosen;
8. inputs ("the topic is AI", "topic=AI, words=300", or a bare answer to the inputs card) →
   ``run_agent`` with the inputs gathered so far (and the schedule still pending, if any);
9. anything else: general questions are declined; other words are searched for in the marketplace.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from autogpt_app.chat.providers.base import (
    ChatMessage,
    ProviderChunk,
    TextChunk,
    ToolCall,
    ToolCallsChunk,
    ToolSpec,
)
from autogpt_app.chat.providers.offline_history import AgentRef, Conversation, Memory
from autogpt_app.chat.providers.offline_phrases import (
    BOUNDARY_RE,
    ScheduleRequest,
    coerce_value,
    extract_query,
    find_ordinal,
    match_field,
    name_score,
    normalize,
    parse_assignments,
    parse_schedule,
    split_creator,
    words,
)
from autogpt_app.chat.providers.offline_replies import (
    CANNOT,
    GREETING,
    HELP,
    describe_schedule,
    quote,
    reply_to,
)

__all__ = ["OfflineCopilot", "Step", "plan"]

FIND_AGENT = "find_agent"
FIND_LIBRARY_AGENT = "find_library_agent"
GET_AGENT_DETAILS = "get_agent_details"
RUN_AGENT = "run_agent"
GET_EXECUTION = "get_execution"
LIST_SCHEDULES = "list_schedules"

#: Tool rounds in one user turn: the call itself, plus follow-ups a named agent needs (search for it,
#: read its inputs when the person gave some, then run it).
MAX_ROUNDS = 3

_DOING = {
    FIND_AGENT: "search the marketplace",
    FIND_LIBRARY_AGENT: "open your library",
    GET_AGENT_DETAILS: "look up agent details",
    RUN_AGENT: "run or schedule agents",
    GET_EXECUTION: "look up runs",
    LIST_SCHEDULES: "list schedules",
}


@dataclass
class Step:
    """One model turn of the copilot: ``text`` to stream, then the ``tool`` call (if any)."""

    text: str = ""
    tool: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Lookup:
    """An agent named but never shown: search for it, then act on the match."""

    action: str  # "run" or "details"
    name: str
    creator: str | None = None
    inputs_text: str = ""
    schedule: ScheduleRequest | None = None


@dataclass
class _Plan:
    step: Step
    lookup: _Lookup | None = None


@dataclass
class _Target:
    agent: AgentRef | None = None
    lookup: tuple[str, str | None] | None = None
    library: bool = False
    problem: str | None = None


# ---------------------------------------------------------------------------------------------
# Sentence patterns (matched on the normalised text, case-insensitive)
# ---------------------------------------------------------------------------------------------

_I = re.IGNORECASE
_POLITE_RE = re.compile(
    r"^(?:(?:hey|hi|hello|hiya)(?:\s+(?:copilot|there))?[\s,!.]+(?=\S)|(?:please|pls|ok(?:ay)?|so|now|then|and|alright|right|"
    r"great|cool|perfect|thanks|thank\s+you|nice)\b[\s,!.]*|(?:can|could|would|will)\s+you(?:\s+please)?\s+|"
    r"i\s+(?:want|would\s+like|'d\s+like|need)\s+(?:you\s+)?to\s+|i'd\s+like\s+to\s+|let'?s\s+|"
    r"go\s+ahead\s+and\s+|(?:just|also)\s+|(?:done|yes|yeah|yep|sure)\b[\s,!.]+(?=\S))+",
    _I,
)
_GREETING_RE = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|hallo|bonjour|hola|good\s+(?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|copilot|again|everyone|all))?[\s!.,?]*$",
    _I,
)
_HELP_RE = re.compile(
    r"^(?:help|\?|help\s+me|i\s+need\s+help|what\s+can\s+(?:you|i)\s+(?:do|ask|say)(?:\s+here)?|what\s+do\s+you\s+do|"
    r"how\s+does\s+(?:this|it)\s+work|how\s+do\s+i\s+(?:use\s+(?:this|you)|start|begin)|who\s+are\s+you|"
    r"what\s+are\s+you|what\s+is\s+this|what\s+(?:is|are)\s+(?:an?\s+)?agents?|(?:show\s+)?(?:commands|examples|capabilities)|"
    r"how\s+(?:do|can)\s+i\s+(?:run|schedule|find)\b.*)[\s!.?]*$",
    _I,
)
_THANKS_RE = re.compile(
    r"^(?:(?:great|perfect|awesome|nice|cool|ok|okay)[\s,!]+)?(?:thanks|thank\s+you|thx|ty|cheers)"
    r"(?:\s+(?:a\s+lot|so\s+much|very\s+much|again))?[\s!.]*$",
    _I,
)
_ACK_RE = re.compile(
    r"^(?:great|perfect|awesome|nice|cool|ok|okay|got\s+it|good|sounds\s+good|all\s+good|fine|alright|"
    r"that's\s+(?:all|it|great))[\s!.]*$",
    _I,
)
_NEGATIVE_RE = re.compile(
    r"^(?:no|nope|nah|cancel|stop|abort|never\s*mind|forget\s+it|not\s+now|no\s+thanks|don'?t|"
    r"(?:cancel|stop|abort|kill)\s+(?:it|that|this))[\s!.]*$",
    _I,
)
_YES_RE = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|go|go\s+ahead|do\s+it|go\s+for\s+it|run\s+it|start\s+it|try\s+again|retry|"
    r"again|one\s+more\s+time|done|i(?:'ve|\s+have)?\s+added\s+(?:it|one|the\s+\w+)|added|ready)"
    r"(?:\s+please)?[\s!.]*$",
    _I,
)
_RUN_RE = re.compile(
    r"^(?P<verb>run|re-?run|start|launch|execute|use|try|kick\s+off|fire\s+up|trigger|go\s+with|pick|choose|"
    r"select|take|schedule|reschedule|set\s+up|automate)\b"
    r"(?!\s+(?:history|status|results?|logs?|details|outputs?)\b)(?P<rest>.*)$",
    _I,
)
_STATUS_RE = re.compile(
    r"\b(?:last|latest|recent|previous|most\s+recent)\s+(?:run|execution|result|output)s?\b"
    r"|\bhow\s+did\s+(?:it|that|the\s+run|my\s+run|the\s+agent)\s+go\b"
    r"|\bhow(?:'s|\s+is)\s+(?:it|that|the\s+run|my\s+run)\s+going\b"
    r"|\b(?:is|has)\s+(?:it|that|the\s+run)\s+(?:done|finished|complete|completed|running|still|over)\b"
    r"|\bdid\s+(?:it|that|the\s+run|the\s+agent)\s+(?:work|finish|succeed|fail|run|complete)\b"
    r"|\bwhat\s+did\s+(?:it|that|the\s+(?:run|agent))\s+(?:produce|return|output|give|say|find|make|do)\b"
    r"|\b(?:results?|outputs?|status)\s+of\s+(?:the|my|that|this)\s+(?:run|execution|agent)\b"
    r"|\bmy\s+runs\b|\brun\s+(?:history|status|results?|logs?|outputs?)\b|\bwhat\s+happened\b"
    r"|^(?:show\s+(?:me\s+)?|get\s+|see\s+)?(?:the\s+|any\s+)?(?:results?|outputs?|status)[\s?!.]*$",
    _I,
)
_ABOUT_RUNS_RE = re.compile(r"\b(?:runs?|execution|status|results?|outputs?|check|how)\b", _I)
_EXPLICIT_LATEST_RE = re.compile(r"\b(?:last|latest|recent|previous)\b", _I)
_EXECUTION_ID_RE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", _I)
_SCHEDULES_RE = re.compile(
    r"\b(?:show|list|see|view|get|display|what\s+are|which\s+are|any)\b.*\bschedules?\b|\bmy\s+schedules?\b"
    r"|\bwhat(?:'s|\s+is|\s+do\s+i\s+have)\s+(?:scheduled|coming\s+up)\b|\bscheduled\s+(?:runs?|agents|jobs)\b"
    r"|\bnext\s+(?:scheduled\s+)?run\b"
    r"|^schedules[\s?!.]*$",
    _I,
)
_LIBRARY_RE = re.compile(
    r"\b(?:in|from)\s+my\s+library\b|\bmy\s+(?:own\s+|saved\s+)?(?:agents|library)\b"
    r"|\bagents\s+(?:i\s+have|i've\s+(?:got|added|saved)|i\s+(?:added|saved))\b|\bwhat\s+agents\s+do\s+i\s+have\b"
    r"|^library[\s?!.]*$",
    _I,
)
_DO_I_HAVE_RE = re.compile(r"^do\s+i\s+have\s+(?P<q>.+?)[\s?!.]*$", _I)
_DETAILS_RE = re.compile(
    r"^(?:tell\s+me\s+(?:more\b\s*)?(?:about\s+)?|(?:give\s+me\s+|show\s+(?:me\s+)?)?(?:more\s+)?"
    r"(?:details?|info(?:rmation)?)(?:\s+(?:about|on|of|for))?\s*|more\s+(?:about|on)\s+|learn\s+more(?:\s+about)?\s*|"
    r"describe\s+|explain\s+|what\s+about\s+|how\s+about\s+|what\s+inputs?\s+does\s+|which\s+inputs?\s+does\s+|what\s+does\s+|how\s+does\s+|"
    r"what\s+(?:is|are)\s+|what's\s+|more[\s?!.]*$)(?P<target>.*)$",
    _I,
)
_DETAILS_TAIL_RE = re.compile(r"\s+(?:do|need|take|want|require|have|work|cost|about)\b[\s?!.]*$", _I)
_FIND_RE = re.compile(
    r"^(?:find|search|look\s+(?:for|up)|looking\s+for|lookup|discover|browse|recommend|suggest|is\s+there|"
    r"are\s+there|any\s+(?:agents?|tools?)|do\s+you\s+(?:have|know)|have\s+you\s+got|got\s+any|"
    r"i\s+(?:need|want|would\s+like|'d\s+like|am\s+looking\s+for)|i'?m\s+looking\s+for|help\s+me\s+find|"
    r"(?:show|list)\s+(?:me\s+)?(?:some\s+|the\s+|all\s+)?(?:agents|tools)|what\s+agents|which\s+agents?|"
    r"agents?\s+(?:for|that|to|which|about))\b"
    r"|\b(?:an?|some|any)\s+(?:agent|tool|bot)s?\s+(?:for|that|to|which|who)\b|\bsomething\s+(?:that|to|for|which)\b",
    _I,
)
_ORDINAL_ONLY_RE = re.compile(
    r"^(?:(?:i'?ll\s+take|i\s+(?:choose|pick|want)|go\s+with)\s+)?(?:the\s+)?(?:#\s*[1-9]|(?:number|no\.?|option)\s*[1-9]|"
    r"[1-9]|first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th|last|top)"
    r"(?:\s+(?:one|agent|option))?(?:\s+please)?[\s!.]*$",
    _I,
)
_QUESTION_RE = re.compile(r"^(?:what|who|when|where|why|how|whose|which)\b", _I)
_BUILD_RE = re.compile(
    r"^(?:create|build|make|design|code|program|write)\s+(?:me\s+)?(?:a\s+|an\s+|my\s+own\s+|a\s+new\s+|new\s+)?"
    r"(?:custom\s+)?(?:agent|bot|workflow|automation)s?\b",
    _I,
)
_CANNOT_RULES = [
    (
        "email",
        re.compile(
            r"^(?:send|forward|reply\s+to)\s+(?:an?\s+|the\s+|my\s+|this\s+|that\s+)?(?:e-?mails?|mails?|newsletters?)\b"
            r"|^e-?mail\s+\w+|^send\s+.*\bto\s+\S+@",
            _I,
        ),
    ),
    (
        "message",
        re.compile(
            r"^(?:call|phone|ring|text|sms|whatsapp|dm)\s+\w+|^send\s+(?:an?\s+)?(?:text|sms|message|dm|whatsapp)\b",
            _I,
        ),
    ),
    (
        "compare",
        re.compile(
            r"^compare\b|\bwhich\s+(?:one\s+|agent\s+)?(?:is|are|would\s+be)\s+(?:the\s+)?(?:best|better)\b", _I
        ),
    ),
    (
        "library_add",
        re.compile(r"^(?:add|save|install|keep)\s+.+\s+(?:to|in|into)\s+(?:my\s+)?library\b", _I),
    ),
    ("purchase", re.compile(r"^(?:buy|purchase|order|book|reserve|pay|transfer|wire)\b", _I)),
    ("social", re.compile(r"^(?:tweet|post\s+(?:this|that|it|on|to|a)|share\s+(?:this|that|it)\s+on)\b", _I)),
    (
        "web",
        re.compile(
            r"^(?:browse|google|visit|go\s+to|open)\s+(?:https?://|www\.|\S+\.(?:com|org|net|io|dev)\b|the\s+web|"
            r"(?:a\s+|the\s+)?(?:website|web\s*site|web\s+page|url|link))|^search\s+(?:the\s+)?(?:web|internet|google)\b",
            _I,
        ),
    ),
    (
        "manage",
        re.compile(
            r"^(?:delete|remove|cancel|stop|pause|resume|unschedule|disable|enable|edit|change|update|rename|modify|"
            r"turn\s+off)\s+(?:the\s+|my\s+|this\s+|that\s+|all\s+)?(?:\w+\s+){0,3}?(?:schedules?|runs?|executions?|"
            r"jobs?|agents?)\b",
            _I,
        ),
    ),
]
_PRONOUNS = frozenset(
    ["", "it", "this", "that", "one", "them", "same", "same one", "the same", "the same one", "agent", "him", "her"]
)
_SLUG_RE = re.compile(r"^[a-z0-9]{2,}(?:-[a-z0-9]{2,})+$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", _I)
_INPUTS_SPLIT_RE = re.compile(r"\s+(?:with|using|where|whose|setting)\s+", _I)
_SCHEDULE_START_RE = re.compile(
    r"\s*(?:\b(?:every|each|daily|hourly|weekly|monthly|yearly|nightly|on\s+(?:week\w*|(?:sun|mon|tue|wed|thu|fri|"
    r"sat)\w*s)\b|in\s+[A-Za-z]+/)|(?<![\w*/,\-])(?:[0-9*][0-9*/,\-]*\s+){4}|@(?:hourly|daily|weekly|monthly|yearly)"
    r"|\b(?:call(?:ed)?|name(?:d)?)\s+(?:it\s+)?\")",
    _I,
)
_MY_RE = re.compile(r"^\s*my\s+|\s+(?:in|from)\s+my\s+library\b", _I)


# ---------------------------------------------------------------------------------------------
# Understanding the user's message
# ---------------------------------------------------------------------------------------------


def _text(text: str) -> _Plan:
    return _Plan(Step(text))


def _call(text: str, tool: str, **arguments: Any) -> _Plan:
    return _Plan(Step(text, tool, arguments))


def _label(agent: AgentRef) -> str:
    return agent.name or agent.id


def _which_one(memory: Memory) -> str:
    agents = memory.carousel_agents()
    if len(agents) > 1:
        return (
            f"Which one? The last list has {len(agents)} agents — say “run the first one”, “the second”, "
            "or click Run on a card."
        )
    return "Which agent? Tell me its name (“run the Loan Calculator”) or ask me to find one first."


def _resolve(target_text: str, memory: Memory) -> _Target:
    """The agent a phrase points at: by ordinal, pronoun, id or slug, a known name, or one to search for."""
    ordinal = find_ordinal(target_text)
    if ordinal is not None:
        agents = memory.carousel_agents()
        if not agents:
            return _Target(
                problem="I haven't shown you a list of agents yet. Ask me to find some, e.g. “find an agent that "
                "summarises RSS feeds”."
            )
        if ordinal > len(agents) or ordinal == 0:
            count = "1 agent" if len(agents) == 1 else f"{len(agents)} agents"
            return _Target(problem=f"The last list has only {count}. Say e.g. “run the first one”.")
        return _Target(agent=agents[ordinal - 1 if ordinal > 0 else -1])
    library = bool(_MY_RE.search(target_text))
    name, creator = split_creator(_MY_RE.sub(" ", target_text))
    if name.lower() in _PRONOUNS:
        focus, ambiguous = memory.focus()
        if focus is not None:
            return _Target(agent=focus)
        return _Target(problem=_which_one(memory) if ambiguous else _which_one(Memory()))
    known = memory.known_agents()
    for agent in known:
        if agent.id == name or agent.id.lower() == name.lower():
            return _Target(agent=agent)
    if _SLUG_RE.match(name) or _UUID_RE.match(name):
        return _Target(agent=AgentRef(name, ""))
    best: tuple[float, AgentRef] | None = None
    for agent in known:
        if creator and not _same_creator(creator, agent.creator):
            continue
        score = name_score(name, agent.name, agent.id)
        if score >= 0.85 and (best is None or score > best[0]):
            best = (score, agent)
    if best is not None:
        return _Target(agent=best[1])
    if not words(name):
        return _Target(problem=_which_one(memory))
    return _Target(lookup=(name, creator), library=library)


def _same_creator(said: str, creator: str) -> bool:
    said_key, creator_key = "".join(words(said)), "".join(words(creator))
    return bool(said_key) and bool(creator_key) and (said_key == creator_key or said_key in creator_key)


def _run_step(
    agent: AgentRef,
    memory: Memory,
    inputs: dict[str, Any],
    schedule: ScheduleRequest | None,
) -> Step:
    """``run_agent`` for ``agent``: the inputs gathered so far, new ones, and the schedule (if any)."""
    previous = memory.last_run(agent)
    fields = memory.inputs_for(agent)
    carried: dict[str, Any] = {}
    arguments: dict[str, Any] = {"agent_id": agent.id}
    cron = timezone = name = None
    if previous is not None:
        carried = dict(previous.arguments.get("inputs") or {})
        if previous.kind == "inputs_needed" and isinstance(previous.result.get("provided"), dict):
            # What the tool accepted (keys that named no input were dropped there).
            carried = dict(previous.result["provided"])
        elif previous.kind == "error":
            # Do not repeat what was refused: inputs the error names, or that name no input of the agent.
            refused = set(re.findall(r"'([^']+)'", str(previous.result.get("message") or "")))
            known = {str(f.get("name")) for f in fields or []}
            carried = {k: v for k, v in carried.items() if k not in refused and (not known or k in known)}
        credentials = dict(previous.arguments.get("credentials") or {})
        if credentials:
            arguments["credentials"] = credentials
        if previous.kind in ("inputs_needed", "credentials_needed", "need_login", "error"):
            # The request did not go through: asking again keeps what it asked for (a schedule too).
            cron = previous.arguments.get("cron")
            timezone = previous.arguments.get("timezone")
            name = previous.arguments.get("schedule_name")
    if fields:
        # The person's words for an input ("rate") become the agent's names for it ("annual_rate").
        carried = {match_field(k, fields) or k: v for k, v in carried.items()}
        inputs = {match_field(k, fields) or k: v for k, v in inputs.items()}
    arguments["inputs"] = {**carried, **inputs}
    if schedule is not None and schedule.cron:
        cron, timezone, name = schedule.cron, schedule.timezone, schedule.name
    if cron:
        arguments["cron"] = cron
        if timezone:
            arguments["timezone"] = timezone
        if name:
            arguments["schedule_name"] = name
        zone = f" ({timezone})" if timezone else ""
        words_ = describe_schedule(cron)
        text = f"Scheduling {_label(agent)}: {words_[:1].lower() + words_[1:]}{zone}…"
    else:
        given = ", ".join(f"{key} = {value}" for key, value in inputs.items())
        text = f"Running {_label(agent)}" + (f" with {given}" if given else "") + "…"
    return Step(text, RUN_AGENT, arguments)


def _details_step(agent: AgentRef) -> Step:
    return Step(f"Getting the details of {_label(agent)}…", GET_AGENT_DETAILS, {"agent_id": agent.id})


def _search_step(name: str, library: bool) -> Step:
    if library:
        return Step(f"Looking for {quote(name)} in your library…", FIND_LIBRARY_AGENT, {"query": name})
    return Step(f"Looking for {quote(name)}…", FIND_AGENT, {"query": name})


def _plan_run(rest: str, verb: str, memory: Memory) -> _Plan:
    """A run or schedule request: "<verb> <target> [with <inputs>] [<schedule>]"."""
    forced = verb.lower() in ("schedule", "reschedule", "automate") or bool(re.search(r"\bschedule", rest, _I))
    schedule = parse_schedule(rest, forced=forced)
    if schedule is not None and schedule.error:
        return _text(f"I can't schedule that: {schedule.error}")
    if forced and schedule is None:
        return _text(
            "When should it run? Say e.g. “every weekday at 8am”, “every day at 9”, “every Monday at 10:30”, "
            "“every 15 minutes”, or a cron expression like “0 8 * * 1-5” (optionally “in Europe/Paris”)."
        )
    target_text, inputs_text = rest, ""
    parts = _INPUTS_SPLIT_RE.split(" " + rest + " ", maxsplit=1)
    if len(parts) == 2:
        target_text, inputs_text = parts
        if schedule is not None:
            inputs_text = _SCHEDULE_START_RE.split(inputs_text, maxsplit=1)[0]
    target_text = re.sub(r"^\s*(?:a\s+)?schedule\s+(?:for\s+)?", " ", target_text, flags=_I)
    target_text = BOUNDARY_RE.split(target_text.strip(), maxsplit=1)[0]
    target = _resolve(target_text, memory)
    if target.problem:
        return _text(target.problem)
    if target.agent is not None:
        fields = memory.inputs_for(target.agent)
        inputs, _rest = parse_assignments(inputs_text, fields, loose=True) if inputs_text.strip() else ({}, [])
        return _Plan(_run_step(target.agent, memory, inputs, schedule))
    assert target.lookup is not None
    name, creator = target.lookup
    return _Plan(_search_step(name, target.library), _Lookup("run", name, creator, inputs_text.strip(), schedule))


def _plan_details(target_text: str, memory: Memory, *, search_unknown: bool) -> _Plan | None:
    target_text = _DETAILS_TAIL_RE.sub("", target_text.strip(" ?!."))
    target = _resolve(target_text, memory)
    if not search_unknown and target.agent is None:
        return None  # "what is …" that names no agent shown here is a general question
    if target.problem:
        return _text(target.problem)
    if target.agent is not None:
        return _Plan(_details_step(target.agent))
    assert target.lookup is not None
    name, creator = target.lookup
    return _Plan(_search_step(name, target.library), _Lookup("details", name, creator))


def _plan_inputs(text: str, memory: Memory) -> _Plan | None:
    """Inputs for the agent being discussed: "the topic is AI", "topic=AI", or a bare answer to the card."""
    focus, _ambiguous = memory.focus()
    pending = memory.pending_inputs()
    fields = memory.inputs_for(focus) if focus is not None else None
    inputs, _rest = parse_assignments(text, fields)
    if inputs:
        if focus is None:
            return _text(
                "Which agent are these inputs for? Run one first (e.g. “run the first one”) and I'll use them."
            )
        return _Plan(_run_step(focus, memory, inputs, None))
    if focus is not None and fields and pending is None:
        unknown = parse_assignments(text)[0]
        if unknown:
            # "the colour is blue" for an agent without such an input: say which inputs it has.
            names = ", ".join(str(f.get("title") or f.get("name")) for f in fields)
            said_key = next(iter(unknown)).replace("_", " ")
            return _text(f"{_label(focus)} has no input called {quote(said_key)}. Its inputs are: {names}.")
    if pending is None or focus is None:
        return None
    missing = [f for f in pending.result.get("inputs") or [] if isinstance(f, dict) and f.get("name")]
    if not missing:
        return None
    answer = text.strip()
    values = [v.strip() for v in answer.split(",")]
    if len(missing) > 1 and len(values) == len(missing):
        # "AI, 300" answers the missing inputs in the order the card shows them.
        inputs = {str(f["name"]): coerce_value(v, f) for f, v in zip(missing, values, strict=True)}
    else:
        first = next((f for f in missing if f.get("required")), missing[0])
        inputs = {str(first["name"]): coerce_value(answer, first)}
    return _Plan(_run_step(focus, memory, inputs, None))


def _plan_cannot(text: str) -> _Plan | None:
    build = _BUILD_RE.match(text)
    if build:
        query = extract_query(text[build.end() :])
        if query:
            return _call(
                f"I can't build new agents in the chat, but one may already exist. Looking for {quote(query)}…",
                FIND_AGENT,
                query=query,
            )
        return _text(CANNOT["build"])
    for topic, pattern in _CANNOT_RULES:
        if pattern.search(text):
            return _text(CANNOT[topic])
    return None


def _status_plan(text: str, memory: Memory) -> _Plan:
    explicit = _EXECUTION_ID_RE.search(text)
    if explicit:
        execution_id = explicit.group(0)
    elif _EXPLICIT_LATEST_RE.search(text):
        execution_id = "latest"
    else:
        execution_id = memory.last_execution_id() or "latest"
    lead = "Checking your latest run…" if execution_id == "latest" else "Checking that run…"
    return _call(lead, GET_EXECUTION, execution_id=execution_id)


def _find_plan(text: str) -> _Plan:
    query = extract_query(text)
    if not query:
        return _text(
            "What should the agent do? Tell me in a few words, e.g. “find an agent that converts CSV to JSON” or "
            "“is there an agent for loan payments”."
        )
    return _call(f"Searching the marketplace for {quote(query)}…", FIND_AGENT, query=query)


def _library_plan(text: str) -> _Plan:
    do_i_have = _DO_I_HAVE_RE.match(text)
    remainder = do_i_have.group("q") if do_i_have else _LIBRARY_RE.sub(" ", text)
    query = extract_query(remainder)
    if query.lower() in ("all", "everything", "list", "show"):
        query = ""
    if not query:
        return _call("Opening your library…", FIND_LIBRARY_AGENT, query="")
    return _call(f"Searching your library for {quote(query)}…", FIND_LIBRARY_AGENT, query=query)


def understand(message: str, memory: Memory) -> _Plan:
    """Decide what one user message asks for, given what the conversation already showed."""
    text = normalize(message)
    if _THANKS_RE.match(text):
        return _text("You're welcome! Ask me to find, run or schedule another agent whenever you like.")
    if _ACK_RE.match(text):
        return _text("OK. Anything else? I can find, run and schedule agents, or show how your runs went.")
    if _YES_RE.match(text):
        return _plan_run("it", "run", memory)
    core = _POLITE_RE.sub("", text).strip()
    bare = core.strip(" ?!.,")
    if not bare:
        return _text(GREETING if text.strip(" ?!.,") else HELP)
    if _GREETING_RE.match(text) or _GREETING_RE.match(core):
        return _text(GREETING)
    if _HELP_RE.match(core):
        return _text(HELP)
    if _YES_RE.match(core):
        return _plan_run("it", "run", memory)
    if _NEGATIVE_RE.match(core):
        return _text(
            "OK, I won't run anything. (A run that has already started can be stopped from its run page.) "
            "What would you like to do next?"
        )
    cannot = _plan_cannot(core)
    if cannot is not None:
        return cannot
    if _SCHEDULES_RE.search(core) and parse_schedule(core) is None and not _RUN_RE.match(core):
        return _call("Looking up your schedules…", LIST_SCHEDULES)
    run = _RUN_RE.match(core)
    if not run and (_STATUS_RE.search(core) or (_EXECUTION_ID_RE.search(core) and _ABOUT_RUNS_RE.search(core))):
        return _status_plan(core, memory)
    if run:
        return _plan_run(run.group("rest"), run.group("verb"), memory)
    details = _DETAILS_RE.match(core)
    if details:
        # "what is / what's …" is a general question unless it names an agent the conversation knows.
        general = re.match(r"^(?:what\s+(?:is|are)|what's)\s", core, _I) is not None
        planned = _plan_details(details.group("target"), memory, search_unknown=not general)
        if planned is not None:
            return planned
    if _LIBRARY_RE.search(core) or _DO_I_HAVE_RE.match(core):
        return _library_plan(core)
    if _FIND_RE.search(core):
        return _find_plan(core)
    schedule = parse_schedule(core)
    if schedule is not None:
        # "every weekday at 8am" on its own: schedule the agent being discussed.
        return _plan_run(core, "schedule", memory)
    pending_number = memory.pending_inputs() is not None and re.fullmatch(r"[\d.,]+", bare) is not None
    if _ORDINAL_ONLY_RE.match(core) and not pending_number:
        # "the second", "#3": choosing from the last carousel means running it (a bare number may answer a card).
        return _plan_run(core, "run", memory)
    inputs = _plan_inputs(core, memory)
    if inputs is not None:
        return inputs
    if _ORDINAL_ONLY_RE.match(core):
        # "the second", "#3": choosing from the last carousel means running it.
        return _plan_run(core, "run", memory)
    if _QUESTION_RE.match(core):
        return _text(CANNOT["question"])
    query = extract_query(core)
    if len(words(query)) == 0:
        return _text("I'm not sure what you mean. " + GREETING)
    return _call(f"Let me look for agents that can help with {quote(query)}…", FIND_AGENT, query=query)


# ---------------------------------------------------------------------------------------------
# After tool results
# ---------------------------------------------------------------------------------------------


def _pick(agents: list[AgentRef], lookup: _Lookup) -> AgentRef | None:
    """The search result a looked-up name means: a clear best name match (and the creator, if named)."""
    candidates = [a for a in agents if not lookup.creator or _same_creator(lookup.creator, a.creator)]
    if lookup.creator and not candidates:
        return None
    scored = sorted(((name_score(lookup.name, a.name, a.id), i) for i, a in enumerate(candidates)), reverse=True)
    if not scored:
        return None
    best_score, best_index = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= 0.85 and best_score > runner_up:
        return candidates[best_index]
    if lookup.creator and len(candidates) == 1 and best_score >= 0.5:
        return candidates[0]
    return None


def _follow_up(plan: _Plan, conversation: Conversation) -> Step:
    last = conversation.turn[-1]
    lookup = plan.lookup
    if (
        lookup is not None
        and conversation.rounds < MAX_ROUNDS
        and last.tool in (FIND_AGENT, FIND_LIBRARY_AGENT)
        and last.kind == "agent_carousel"
    ):
        memory = Memory([*conversation.memory.events, *conversation.turn])
        agents = memory.carousel_agents()
        chosen = _pick(agents, lookup)
        if chosen is not None:
            if lookup.action == "details":
                return _details_step(chosen)
            if lookup.inputs_text and memory.inputs_for(chosen) is None:
                # Inputs were given by the person's words for them: learn the agent's names first.
                return Step(f"Checking the inputs of {_label(chosen)}…", GET_AGENT_DETAILS, {"agent_id": chosen.id})
            return _lookup_run(chosen, memory, lookup)
        who = f" by {lookup.creator}" if lookup.creator else ""
        return Step(
            f"I found {len(agents)} agent{'s' if len(agents) != 1 else ''} for {quote(lookup.name)}{who}, but none "
            "is clearly the one you named. Say “run the first one” (or the second…) or click Run on a card."
        )
    if (
        lookup is not None
        and lookup.action == "run"
        and lookup.inputs_text
        and conversation.rounds < MAX_ROUNDS
        and last.tool == GET_AGENT_DETAILS
        and last.kind == "agent_details"
    ):
        memory = Memory([*conversation.memory.events, *conversation.turn])
        focus, _ambiguous = memory.focus()
        if focus is not None:
            return _lookup_run(focus, memory, lookup)
    return Step(reply_to(last.result))


def _lookup_run(agent: AgentRef, memory: Memory, lookup: _Lookup) -> Step:
    fields = memory.inputs_for(agent)
    inputs = parse_assignments(lookup.inputs_text, fields, loose=True)[0] if lookup.inputs_text else {}
    return _run_step(agent, memory, inputs, lookup.schedule)


def plan(messages: list[ChatMessage], available: set[str] | frozenset[str]) -> Step:
    """The copilot's next model turn for a conversation, with the tools named in ``available``.

    Deterministic: the same messages always give the same step.
    """
    conversation = Conversation.read(messages)
    if conversation.user_text is None:
        return Step(GREETING)
    intent = understand(conversation.user_text, conversation.memory)
    step = _follow_up(intent, conversation) if conversation.turn else intent.step
    if step.tool and step.tool not in available:
        return Step(f"I can't {_DOING.get(step.tool, 'do that')} in this chat right now.")
    return step


# ---------------------------------------------------------------------------------------------
# The provider
# ---------------------------------------------------------------------------------------------

_PIECE_RE = re.compile(r"\s*\S+\s*")


def _pieces(text: str) -> list[str]:
    """``text`` cut into words, each with its following whitespace (joined they are the text again)."""
    return _PIECE_RE.findall(text)


def _call_id(messages: list[ChatMessage], step: Step) -> str:
    """A stable id, unique within a conversation (it grows with every turn)."""
    seed = f"{len(messages)}:{step.tool}:{json.dumps(step.arguments, sort_keys=True, default=str)}"
    return "call_offline_" + hashlib.sha256(seed.encode()).hexdigest()[:16]


class OfflineCopilot:
    """The offline copilot as an :class:`~autogpt_app.chat.providers.base.LLMProvider`.

    Args:
        delay: seconds between streamed words (0 by default: each word still yields to the event
            loop, so a Stop is honoured between words).
    """

    name = "offline"

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay

    async def stream(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> AsyncIterator[ProviderChunk]:
        """Stream one turn: the reply text word by word, then at most one tool call."""
        names = frozenset(t.name for t in tools)
        # Planning is pure CPU work (milliseconds; more for a very long history or message): off the event loop.
        step = await asyncio.to_thread(plan, messages, names)
        for piece in _pieces(step.text):
            yield TextChunk(text=piece)
            await asyncio.sleep(self.delay)
        if step.tool:
            raw = json.dumps(step.arguments, ensure_ascii=False)
            call = ToolCall(id=_call_id(messages, step), name=step.tool, arguments=step.arguments, raw_arguments=raw)
            yield ToolCallsChunk(calls=[call])
