"""The offline copilot's planners: one function for each kind of request, each giving the next step.

:func:`~autogpt_app.chat.providers.offline.understand` decides what a message asks for; the
planners here turn that into a :class:`Plan`: text to say and at most one tool call with its
arguments — which agent a phrase points at (a card's position, a pronoun, an id, a known name, or
one to search for), the inputs gathered so far, the schedule asked for. A :class:`Lookup` remembers
an agent that must be searched for first, so the copilot can act on the match once results arrive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from autogpt_app.chat.providers.offline_history import AgentRef, Memory
from autogpt_app.chat.providers.offline_input_phrases import (
    coerce_value,
    correction_of,
    match_field,
    parse_assignments,
)
from autogpt_app.chat.providers.offline_phrases import BOUNDARY_RE, SCHEDULE_WORDS, extract_query
from autogpt_app.chat.providers.offline_replies import CANNOT, quote
from autogpt_app.chat.providers.offline_schedule_phrases import ScheduleRequest, parse_schedule
from autogpt_app.chat.providers.offline_targets import agent_label, resolve_target
from autogpt_app.chat.providers.offline_values import DATE_VALUE_RE, corrected, place_values
from autogpt_app.chat.when import time_starts
from autogpt_app.store.query_text import meaningful_words

__all__ = [
    "DO_I_HAVE_RE",
    "EXECUTION_ID_RE",
    "FIND_AGENT",
    "FIND_LIBRARY_AGENT",
    "GET_AGENT_DETAILS",
    "GET_EXECUTION",
    "LIBRARY_RE",
    "LIST_SCHEDULES",
    "NOT_SURE",
    "QUANTITY_WITH_UNIT_RE",
    "RUN_AGENT",
    "Lookup",
    "Plan",
    "Step",
    "details_step",
    "offer_step",
    "plan_cannot",
    "plan_details",
    "plan_find",
    "plan_inputs",
    "plan_library",
    "plan_run",
    "plan_status",
    "run_step",
    "sentence_run_step",
    "text_plan",
    "tool_plan",
]

FIND_AGENT = "find_agent"
FIND_LIBRARY_AGENT = "find_library_agent"
GET_AGENT_DETAILS = "get_agent_details"
RUN_AGENT = "run_agent"
GET_EXECUTION = "get_execution"
LIST_SCHEDULES = "list_schedules"


@dataclass
class Step:
    """One model turn of the copilot: ``text`` to stream, then the ``tool`` call (if any)."""

    text: str = ""
    tool: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class Lookup:
    """An agent named but never shown: search for it, then act on the match."""

    action: str  # "run" or "details"
    name: str
    creator: str | None = None
    inputs_text: str = ""
    schedule: ScheduleRequest | None = None


@dataclass
class Plan:
    """What to do about one message: the ``step`` to take now, and the ``lookup`` to finish once results arrive."""

    step: Step
    lookup: Lookup | None = None


# ---------------------------------------------------------------------------------------------
# Sentence patterns the planners read (matched on the normalised text, case-insensitive)
# ---------------------------------------------------------------------------------------------

_I = re.IGNORECASE
_EXPLICIT_LATEST_RE = re.compile(r"\b(?:last|latest|recent|previous)\b", _I)
EXECUTION_ID_RE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", _I)
LIBRARY_RE = re.compile(
    r"\b(?:in|from)\s+my\s+library\b|\bmy\s+(?:own\s+|saved\s+)?(?:agents|library)\b"
    r"|\bagents\s+(?:i\s+have|i've\s+(?:got|added|saved)|i\s+(?:added|saved))\b|\bwhat\s+agents\s+do\s+i\s+have\b"
    r"|^library[\s?!.]*$",
    _I,
)
DO_I_HAVE_RE = re.compile(r"^do\s+i\s+have\s+(?P<q>.+?)[\s?!.]*$", _I)
_DETAILS_TAIL_RE = re.compile(r"\s+(?:do|need|take|want|require|have|work|cost|about)\b[\s?!.]*$", _I)
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
_INPUTS_SPLIT_RE = re.compile(r"\s+(?:with|using|where|whose|setting)\s+", _I)
_SCHEDULE_START_RE = re.compile(
    r"\s*(?:\b(?:every|each|daily|hourly|weekly|monthly|yearly|nightly|on\s+(?:week\w*|(?:sun|mon|tue|wed|thu|fri|"
    r"sat)\w*s)\b|in\s+[A-Za-z]+/)|(?<![\w*/,\-])(?:[0-9*][0-9*/,\-]*\s+){4}|@(?:hourly|daily|weekly|monthly|yearly)"
    r"|\b(?:call(?:ed)?|name(?:d)?)\s+(?:it\s+)?\")",
    _I,
)


# ---------------------------------------------------------------------------------------------
# Planning one request
# ---------------------------------------------------------------------------------------------


def text_plan(text: str) -> Plan:
    """A plan that only says ``text``."""
    return Plan(Step(text))


def tool_plan(text: str, tool: str, **arguments: Any) -> Plan:
    """A plan that says ``text``, then calls ``tool`` with ``arguments``."""
    return Plan(Step(text, tool, arguments))


#: The run_agent arguments that make a trigger (a feed's new items, a page's changes) instead of a run.
_WATCH_ARGUMENTS = ("when_new_item_in_feed", "when_page_changes")


def run_step(
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
    cron = run_at = timezone = name = None
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
        if previous.kind in ("inputs_needed", "credentials_needed", "need_login", "error", "ready_to_run"):
            # The request did not go through: asking again keeps what it asked for (a schedule too).
            cron = previous.arguments.get("cron")
            run_at = previous.arguments.get("run_at")
            if previous.arguments.get("confirm") and previous.kind != "ready_to_run":
                # An offer that first needed inputs or a credential is still an offer: shown for a yes.
                arguments["confirm"] = True
            timezone = previous.arguments.get("timezone")
            name = previous.arguments.get("schedule_name")
            for key in _WATCH_ARGUMENTS:
                if previous.arguments.get(key):
                    arguments[key] = previous.arguments[key]
    if fields:
        # The person's words for an input ("rate") become the agent's names for it ("annual_rate").
        carried = {match_field(k, fields) or k: v for k, v in carried.items()}
        inputs = {match_field(k, fields) or k: v for k, v in inputs.items()}
    arguments["inputs"] = {**carried, **inputs}
    if schedule is not None and (schedule.cron or schedule.run_at):
        cron, run_at, timezone, name = schedule.cron, schedule.run_at, schedule.timezone, schedule.name
    if schedule is not None and schedule.watch is not None and schedule.watch.url:
        for key in _WATCH_ARGUMENTS:
            arguments.pop(key, None)
        arguments[_WATCH_ARGUMENTS[schedule.watch.kind == "page"]] = schedule.watch.url
        cron = run_at = None
        if schedule.name:
            arguments["schedule_name"] = schedule.name
    if cron or run_at:
        arguments["cron" if cron else "run_at"] = cron or run_at
        if timezone:
            arguments["timezone"] = timezone
        if name:
            arguments["schedule_name"] = name
    # Nothing is said before the call: whether it runs, asks for inputs, credentials or a login is
    # only known from its result (the reply to the result says what happened).
    return Step("", RUN_AGENT, arguments)


_NOT_AN_ANSWER_RE = re.compile(
    r"\?\s*$|^(?:(?:actually|instead|no|wait)[\s,]+)?(?:what|who|when|where|why|how|which|whose|can\s+you|could\s+you|"
    r"would\s+you|show|find|search|list|look\s+for|"
    r"tell\s+me|run|schedule|start|stop|cancel)\b",
    _I,
)


def sentence_run_step(agent: AgentRef, memory: Memory, inputs_text: str, schedule: ScheduleRequest | None) -> Step:
    """``run_agent`` with the inputs a sentence gives ("with amount=2000", "with 2000 at 6% for 5 years"),
    each value said back; or the question to ask when a value fits no input exactly (nothing runs)."""
    fields = memory.inputs_for(agent)
    if not inputs_text.strip():
        return run_step(agent, memory, {}, schedule)
    inputs, leftovers = parse_assignments(corrected(inputs_text), fields, loose=True)
    rest = " ".join(leftovers)
    if fields is None:
        if rest.strip():
            return Step(
                f"I can't tell which inputs of {agent_label(agent)} {quote(rest)} is for; say them as "
                "“input = value”. Nothing has run yet."
            )
        return run_step(agent, memory, inputs, schedule)
    placement = place_values(rest, fields, inputs)
    if placement.question:
        return Step(placement.question)
    step = run_step(agent, memory, {**inputs, **placement.values}, schedule)
    if placement.said:
        titles = {str(f.get("name")): str(f.get("title") or f.get("name")) for f in fields}
        used = ", ".join(f"{titles.get(name, name)} = {value}" for name, value in placement.values.items())
        step.text = f"Using {used}."
    return step


def details_step(agent: AgentRef) -> Step:
    """``get_agent_details`` for ``agent``."""
    return Step(f"Getting the details of {agent_label(agent)}…", GET_AGENT_DETAILS, {"agent_id": agent.id})


def _search_step(name: str, library: bool) -> Step:
    if library:
        return Step(f"Looking for {quote(name)} in your library…", FIND_LIBRARY_AGENT, {"query": name})
    return Step(f"Looking for {quote(name)}…", FIND_AGENT, {"query": name})


def _understood(rest: str, memory: Memory) -> str:
    """What was understood of a request whose time must be asked about ("I'd run the Loan Calculator
    with amount 2000. "), so the question restates it; empty when the agent is not clear yet."""
    target_text, _sep, inputs_text = rest.partition(" with ")
    start = time_starts(target_text)
    target_text = BOUNDARY_RE.split((target_text[:start] if start is not None else target_text).strip(), maxsplit=1)[0]
    target = resolve_target(target_text, memory)
    if target.agent is None:
        return ""
    start = time_starts(inputs_text)
    given = (inputs_text[:start] if start is not None else inputs_text).strip(" ,.")
    return f"I'd run {agent_label(target.agent)}{f' with {given}' if given else ''}. "


def _before(text: str, phrase: str) -> str:
    """``text`` up to where ``phrase`` (a time read from it, lower case) starts, or all of it."""
    at = " ".join(text.split()).lower().find(phrase) if phrase else len(" ".join(text.split()))
    before = " ".join(text.split())[:at] if at >= 0 else text
    return re.sub(r"(?:\s+(?:on|at|the|in|for|by))+\s*$", "", before, flags=_I)


def plan_run(rest: str, verb: str, memory: Memory) -> Plan:
    """A run or schedule request: "<verb> <target> [with <inputs>] [<schedule>]"."""
    forced = verb.lower() in ("schedule", "reschedule", "automate") or bool(re.search(r"\bschedule", rest, _I))
    schedule = parse_schedule(rest, forced=forced)
    if schedule is not None and schedule.question:  # a time, but not an exact one: ask, never guess
        return text_plan(_understood(rest, memory) + schedule.question)
    if schedule is not None and schedule.error:
        return text_plan(f"I can't schedule that: {schedule.error}")
    if forced and schedule is None:
        return text_plan(
            "When should it run? Say e.g. “tomorrow at 9am”, “every weekday at 8am”, “every day at 9”, "
            "“every Monday at 10:30”, “every 15 minutes”, or a cron expression like “0 8 * * 1-5” "
            "(optionally “in Europe/Paris”)."
        )
    target_text, inputs_text = rest, ""
    parts = _INPUTS_SPLIT_RE.split(" " + rest + " ", maxsplit=1)
    if len(parts) == 2:
        target_text, inputs_text = parts
        if schedule is not None and schedule.run_at:
            inputs_text = _before(inputs_text, schedule.run_at)
        elif schedule is not None:
            inputs_text = _SCHEDULE_START_RE.split(inputs_text, maxsplit=1)[0]
    if schedule is not None and schedule.watch is not None:
        target_text = _before(target_text, schedule.watch.phrase)
        inputs_text = _before(inputs_text, schedule.watch.phrase)
    if schedule is not None and schedule.run_at:
        target_text = _before(target_text, schedule.run_at)
        start = time_starts(target_text)
        if start is not None:
            target_text = _before(target_text[:start], "")
    target_text = re.sub(r"^\s*(?:a\s+)?schedule\s+(?:for\s+)?", " ", target_text, flags=_I)
    target_text = BOUNDARY_RE.split(target_text.strip(), maxsplit=1)[0]
    target = resolve_target(target_text, memory)
    if target.problem:
        return text_plan(target.problem)
    if target.agent is not None:
        if memory.inputs_for(target.agent) is None and parse_assignments(inputs_text, None, loose=True)[1]:
            # "run the first one with 2000 at 6%": learn its inputs first, then place the values.
            agent = target.agent
            return Plan(details_step(agent), Lookup("run", agent.name, None, inputs_text.strip(), schedule))
        return Plan(sentence_run_step(target.agent, memory, inputs_text, schedule))
    assert target.lookup is not None
    name, creator = target.lookup
    return Plan(_search_step(name, target.library), Lookup("run", name, creator, inputs_text.strip(), schedule))


def plan_details(target_text: str, memory: Memory, *, search_unknown: bool) -> Plan | None:
    """A details request ("tell me more about the second one"): ``get_agent_details``, or a search first.

    ``None`` when ``search_unknown`` is off and the phrase names no agent the conversation knows: "what is …"
    is then a general question.
    """
    target_text = _DETAILS_TAIL_RE.sub("", target_text.strip(" ?!."))
    target = resolve_target(target_text, memory)
    if not search_unknown and target.agent is None:
        return None  # "what is …" that names no agent shown here is a general question
    if target.problem:
        return text_plan(target.problem)
    if target.agent is not None:
        return Plan(details_step(target.agent))
    assert target.lookup is not None
    name, creator = target.lookup
    return Plan(_search_step(name, target.library), Lookup("details", name, creator))


def plan_inputs(text: str, memory: Memory) -> Plan | None:
    """Inputs for the agent being discussed: "the topic is AI", "topic=AI", or a bare answer to the card."""
    focus, _ambiguous = memory.focus()
    pending = memory.pending_inputs()
    fields = memory.inputs_for(focus) if focus is not None else None
    inputs, rest = parse_assignments(text, fields)
    if inputs:
        if focus is None:
            return text_plan(
                "Which agent are these inputs for? Run one first (e.g. “run the first one”) and I'll use them."
            )
        if rest and fields:  # "the topic is AI and 300 words": the rest has values too, or words to ask about
            placement = place_values(" ".join(rest), fields, inputs)
            if placement.question:
                return text_plan(placement.question)
            inputs = {**inputs, **placement.values}
        return Plan(run_step(focus, memory, inputs, None))
    if focus is not None and fields and pending is None:
        unknown = parse_assignments(text)[0]
        if unknown:
            # "the colour is blue" for an agent without such an input: say which inputs it has.
            names = ", ".join(str(f.get("title") or f.get("name")) for f in fields)
            said_key = next(iter(unknown)).replace("_", " ")
            return text_plan(f"{agent_label(focus)} has no input called {quote(said_key)}. Its inputs are: {names}.")
    if pending is None or focus is None:
        return None
    missing = [f for f in pending.result.get("inputs") or [] if isinstance(f, dict) and f.get("name")]
    if not missing:
        return None
    answer = correction_of(text.strip())
    if _NOT_AN_ANSWER_RE.search(answer):
        # A question or a new request is not the value of a field: ask rather than fill one with it.
        titles = " / ".join(str(f.get("title") or f["name"]) for f in missing)
        return text_plan(
            f"Is {quote(answer)} meant as the {titles} for {agent_label(focus)}? If so, say "
            f"“{missing[0]['name']} = …”. Otherwise tell me what you'd like to do; nothing has run."
        )
    if fields and QUANTITY_WITH_UNIT_RE.search(answer):
        # "70 kg and 180 cm": each value to the input its unit fits (not the whole answer into the first);
        # when something is left over ("AI, 300 words") the answer is read in the card's order below.
        placement = place_values(answer, fields, {})
        if placement.values and not placement.question:
            return Plan(run_step(focus, memory, placement.values, None))
    values = [v.strip() for v in answer.split(",")]
    if len(missing) > 1 and len(values) == len(missing):
        # "AI, 300" answers the missing inputs in the order the card shows them.
        inputs = {str(f["name"]): coerce_value(v, f) for f, v in zip(missing, values, strict=True)}
    else:
        numbers = [f for f in missing if str(f.get("type")) in ("number", "integer")]
        if re.fullmatch(r"[\d.,]+", answer) and len(numbers) == 1:
            first = numbers[0]  # a bare number answers the one number input asked for
        else:
            first = next((f for f in missing if f.get("required")), missing[0])
        inputs = {str(first["name"]): coerce_value(answer, first)}
    return Plan(run_step(focus, memory, inputs, None))


def plan_cannot(text: str) -> Plan | None:
    """What the copilot cannot do (e-mails, payments, browsing…) said plainly, or ``None`` for anything else."""
    build = _BUILD_RE.match(text)
    if build:
        query = extract_query(text[build.end() :])
        if query:
            return tool_plan(
                f"I can't build new agents in the chat, but one may already exist. Looking for {quote(query)}…",
                FIND_AGENT,
                query=query,
            )
        return text_plan(CANNOT["build"])
    for topic, pattern in _CANNOT_RULES:
        if pattern.search(text):
            return text_plan(CANNOT[topic])
    return None


def plan_status(text: str, memory: Memory) -> Plan:
    """``get_execution`` for the run a status question means: an id it names, else the one this chat last
    started (unless it asks for the "last" or "latest"), else the latest run."""
    explicit = EXECUTION_ID_RE.search(text)
    if explicit:
        execution_id = explicit.group(0)
    elif _EXPLICIT_LATEST_RE.search(text):
        execution_id = "latest"
    else:
        execution_id = memory.last_execution_id() or "latest"
    lead = "Checking your latest run…" if execution_id == "latest" else "Checking that run…"
    return tool_plan(lead, GET_EXECUTION, execution_id=execution_id)


def plan_find(text: str) -> Plan:
    """``find_agent`` for the words worth searching for, or a question when the message has none.

    A request that carries values ("what's my BMI, I weigh 70 kg and I'm 1.80 m") searches for what it
    is about and then offers the best match with those values, for a yes (:func:`offer_step`).
    """
    values = QUANTITY_WITH_UNIT_RE.findall(text)
    query = extract_query(text)
    if values:  # what the values are for, in the words that carry meaning ("BMI", "monthly loan payment")
        without = re.sub(r"\bhttps?://\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+\b|\"[^\"]*\"?", " ", query)
        # What the values are for, not when ("every weekday at 7am") nor the values themselves.
        without = re.sub(r"\b\d{1,2}(?::\d{2})?\s*[ap]m\b", " ", without, flags=_I)
        kept = [
            w
            for w in meaningful_words(re.sub(r"[$€£]?\d[\d,.]*", " ", without))
            if len(w) > 1 and (w not in SCHEDULE_WORDS or parse_schedule(text) is None)
        ]
        query = " ".join(kept) or query
    if not query:
        return text_plan(
            "What should the agent do? Tell me in a few words, e.g. “find an agent that converts CSV to JSON” or "
            "“is there an agent for loan payments”."
        )
    step = Step(f"Searching the marketplace for {quote(query)}…", FIND_AGENT, {"query": query})
    if values:
        # An exact moment, or a repetition said with "every"/"each", travels with the offer; "monthly" in
        # "the monthly payment" is not a schedule.
        when = parse_schedule(text)
        repeats = when is not None and when.cron and re.search(r"\b(?:every|each)\b", text, _I)
        exact = when if when is not None and ((when.run_at and not when.question) or repeats) else None
        return Plan(step, Lookup("offer", query, None, text, exact))
    return Plan(step)


#: A value in a sentence that an agent's input could take: a quantity with its unit ("70 kg", "1.80 m",
#: "6%", "$2,000", "5 years"), a link, an e-mail address or quoted text. What makes a search an offer to
#: run the match with those values.
QUANTITY_WITH_UNIT_RE = re.compile(
    r"[$€£]\s*\d[\d,.]*|\b\d[\d,.]*\s*(?:%|percent\b|kg\b|kilos?\b|lbs?\b|pounds\b|cm\b|m\b|met(?:er|re)s?\b|"
    r"ft\b|feet\b|inch(?:es)?\b|km\b|miles?\b|years?\b|months?\b|dollars?\b|euros?\b|usd\b|eur\b|k\b|"
    r"words?\b|people\b|persons?\b|items?\b|"
    r"°\s*[cf]\b|degrees?\b|celsius\b|fahrenheit\b|lit(?:er|re)s?\b|gallons?\b|mph\b|km/h)"
    r"|\bhttps?://\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+\b|\"[^\"]{2,}\""
    r"|" + DATE_VALUE_RE.pattern,
    _I,
)


#: How the copilot says a search's best match may not fit the values (a bare "yes" to that runs nothing).
NOT_SURE = "may not be the one"
#: A time of day in a sentence ("7am", "at 9", "18:30"), not "at 4%" or "at 6 percent".
_CLOCK_WORDS_RE = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|\bat\s+\d{1,2}(?::\d{2})?(?![\d.,]|\s*(?:%|percent|per\s*cent|pct|kg|km|cm|m\b|"
    r"ft|feet|lbs?|miles?|years?|months?|dollars?|euros?|k\b))|"
    r"\b\d{1,2}:\d{2}\b",
    _I,
)


def offer_step(agent: AgentRef, memory: Memory, text: str, schedule: ScheduleRequest | None) -> Step | None:
    """``run_agent`` with ``confirm`` for an agent the person did not name: the values their words give
    (by unit; other words are what the request is about) for them to confirm. None when none fit."""
    fields = memory.inputs_for(agent)
    if not fields:
        return None
    # Times of day are when it runs ("every weekday at 7am"), not values of its inputs.
    text = _CLOCK_WORDS_RE.sub(" ", text)
    placement = place_values(text, fields, {}, words_matter=False)
    if placement.question:
        return Step(
            f"The closest agent I found, {agent_label(agent)}, {NOT_SURE}: {placement.question} "
            "Or pick another agent from the list above."
        )
    if not placement.values:
        return None
    step = run_step(agent, memory, placement.values, schedule if schedule and not schedule.question else None)
    step.arguments["confirm"] = True
    return step


def plan_library(text: str) -> Plan:
    """``find_library_agent``: the whole library, or the agents in it a query names ("do I have a translator")."""
    do_i_have = DO_I_HAVE_RE.match(text)
    remainder = do_i_have.group("q") if do_i_have else LIBRARY_RE.sub(" ", text)
    query = extract_query(remainder)
    if query.lower() in ("all", "everything", "list", "show"):
        query = ""
    if not query:
        return tool_plan("Opening your library…", FIND_LIBRARY_AGENT, query="")
    return tool_plan(f"Searching your library for {quote(query)}…", FIND_LIBRARY_AGENT, query=query)
