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

This module routes (:func:`understand`, :func:`plan`, the follow-ups after tool results) and streams
(:class:`OfflineCopilot`). The rest of the copilot: :mod:`.offline_plans` (a planner for each kind of
request), :mod:`.offline_targets` (which agent a phrase means), :mod:`.offline_history` (what the
conversation showed), :mod:`.offline_phrases`, :mod:`.offline_schedule_phrases` and
:mod:`.offline_input_phrases` (reading positions, names, queries, schedules and inputs in a sentence),
and :mod:`.offline_replies` (what it says about each tool result).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncIterator

from autogpt_app.chat.providers.base import (
    ChatMessage,
    ProviderChunk,
    TextChunk,
    ToolCall,
    ToolCallsChunk,
    ToolSpec,
)
from autogpt_app.chat.providers.offline_history import AgentRef, Conversation, Memory
from autogpt_app.chat.providers.offline_languages import in_english
from autogpt_app.chat.providers.offline_phrases import SCHEDULE_WORDS, extract_query, normalize, words
from autogpt_app.chat.providers.offline_plans import (
    DO_I_HAVE_RE,
    EXECUTION_ID_RE,
    FIND_AGENT,
    FIND_LIBRARY_AGENT,
    GET_AGENT_DETAILS,
    GET_EXECUTION,
    LIBRARY_RE,
    LIST_SCHEDULES,
    NOT_SURE,
    QUANTITY_WITH_UNIT_RE,
    RUN_AGENT,
    Lookup,
    Plan,
    Step,
    details_step,
    offer_step,
    plan_cannot,
    plan_details,
    plan_find,
    plan_inputs,
    plan_library,
    plan_run,
    plan_status,
    sentence_run_step,
    text_plan,
    tool_plan,
)
from autogpt_app.chat.providers.offline_replies import CANNOT, GREETING, HELP, quote, reply_to
from autogpt_app.chat.providers.offline_schedule_phrases import parse_schedule
from autogpt_app.chat.providers.offline_targets import agent_label, pick_match
from autogpt_app.chat.when import find_time
from autogpt_app.ui import routes

__all__ = ["OfflineCopilot", "Step", "plan"]

#: Tool rounds in one user turn: the call itself, plus follow-ups a named agent needs (search for it,
#: read its inputs when the person gave some, then run it).
MAX_ROUNDS = 4

_DOING = {
    FIND_AGENT: "search the marketplace",
    FIND_LIBRARY_AGENT: "open your library",
    GET_AGENT_DETAILS: "look up agent details",
    RUN_AGENT: "run or schedule agents",
    GET_EXECUTION: "look up runs",
    LIST_SCHEDULES: "list schedules",
}


# ---------------------------------------------------------------------------------------------
# Sentence patterns (matched on the normalised text, case-insensitive)
# ---------------------------------------------------------------------------------------------

_I = re.IGNORECASE
#: "I added the openai credential", "I've saved my API key": the person added what a credentials card asked for.
_ADDED_CREDENTIAL = (
    r"i(?:'ve|\s+have)?\s+(?:just\s+|now\s+)?(?:added|saved|created|set\s+up|entered)\s+(?:the|a|an|my|that|one)\s+"
    r"(?:[\w.-]+\s+){0,3}?(?:credentials?|api\s+keys?|keys?|passwords?|logins?|tokens?|secrets?)"
    r"(?:\s+(?:\"[^\"]{0,120}\"|'[^']{0,120}'))?"  # its name, as the chat's credential form says it
    r"(?:\s+for\s+(?:it|that|this|the\s+agent))?"
)
_ADDED_CREDENTIAL_RE = re.compile(rf"^{_ADDED_CREDENTIAL}(?:\s+(?:now|too))?(?:\s+please)?[\s!.]*$", _I)
_POLITE_RE = re.compile(
    r"^(?:(?:hey|hi|hello|hiya)(?:\s+(?:copilot|there))?[\s,!.]+(?=\S)|(?:please|pls|ok(?:ay)?|so|now|then|and|alright|right|"
    r"great|cool|perfect|thanks|thank\s+you|nice)\b[\s,!.]*|(?:can|could|would|will)\s+you(?:\s+please)?\s+|"
    r"i\s+(?:want|would\s+like|'d\s+like|need)\s+(?:you\s+)?to\s+|i'd\s+like\s+to\s+|let'?s\s+|"
    r"go\s+ahead\s+and\s+|(?:just|also|actually|instead)\s+|(?:actually|instead)[\s,]+(?=\S)|"
    r"(?:done|yes|yeah|yep|sure)\b[\s,!.]+(?=\S)|"
    rf"{_ADDED_CREDENTIAL}[\s,;!.]+(?:(?:and|so|now)\s+)?(?=\S))+",
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
#: "edit it", "open it in the builder", "change this agent in the canvas": the builder, for the agent in focus.
_EDIT_RE = re.compile(
    r"^(?:(?:can|could)\s+(?:you|i)\s+|let\s+me\s+|i\s+(?:want|would\s+like)\s+to\s+)?"
    r"(?:(?:edit|modify)\s+(?:it|this|that|(?:this|that|the)\s+agent)(?:\s+(?:in|on)\s+the\s+(?:builder|canvas|editor))?"
    r"|(?:open|show|change|see)\s+(?:it|this|that|(?:this|that|the)\s+agent)\s+(?:in|on)\s+the\s+(?:builder|canvas|editor))"
    r"[\s!.?]*$",
    _I,
)
#: "build a new agent", "how do I create my own agent?": the empty canvas.
_NEW_AGENT_RE = re.compile(
    r"^(?:(?:can|could)\s+i\s+|let\s+me\s+|i\s+(?:want|would\s+like)\s+to\s+|how\s+(?:do|can)\s+i\s+)?"
    r"(?:build|create|make|draw|design)\s+(?:a|an|my\s+own|my)?\s*(?:new\s+)?agent(?:\s+(?:myself|from\s+scratch))?"
    r"[\s!.?]*$",
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
    r"^(?:no|nope|nah|cancel|stop|abort|never\s*mind|forget\s+it|not\s+now|no\s+thanks|don'?t|actually\s*,?\s*no|"
    r"never\s*mind\s*,?\s*forget\s+it|nicht\s+jetzt|nein|abbrechen|pas\s+maintenant|non|annule[rz]?|"
    r"no\s+ahora|ahora\s+no|cancela(?:r)?|"
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
    r"^(?P<verb>run|re-?run|start|launch|execute|use|try|kick\s+off|fire\s+up|trigger|go\s+with|pick|choose|do(?=\s+it\b)|"
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
_SCHEDULES_RE = re.compile(
    r"\b(?:show|list|see|view|get|display|what\s+are|which\s+are|any)\b.*\bschedules?\b|\bmy\s+schedules?\b"
    r"|\bwhat(?:'s|\s+is|\s+do\s+i\s+have)\s+(?:scheduled|coming\s+up)\b|\bscheduled\s+(?:runs?|agents|jobs)\b"
    r"|\bnext\s+(?:scheduled\s+)?run\b"
    r"|^schedules[\s?!.]*$",
    _I,
)
_DETAILS_RE = re.compile(
    r"^(?:tell\s+me\s+(?:more\b\s*)?(?:about\s+)?|(?:give\s+me\s+|show\s+(?:me\s+)?)?(?:more\s+)?"
    r"(?:details?|info(?:rmation)?)(?:\s+(?:about|on|of|for))?\s*|more\s+(?:about|on)\s+|learn\s+more(?:\s+about)?\s*|"
    r"describe\s+|explain\s+|what\s+about\s+|how\s+about\s+|what\s+inputs?\s+does\s+|which\s+inputs?\s+does\s+|what\s+does\s+|how\s+does\s+|"
    r"what\s+(?:is|are)\s+|what's\s+|more[\s?!.]*$)(?P<target>.*)$",
    _I,
)
_FIND_RE = re.compile(
    r"^(?:find|search|look\s+(?:for|up)|looking\s+for|lookup|discover|browse|recommend|suggest|is\s+there|"
    r"are\s+there|any\s+(?:agents?|tools?)|do\s+you\s+(?:have|know)|have\s+you\s+got|got\s+any|"
    r"i\s+(?:need|want|would\s+like|'d\s+like|am\s+looking\s+for)|i'?m\s+looking\s+for|help\s+me\s+find|"
    r"(?:show|list)\s+(?:me\s+)?(?:some\s+|the\s+|all\s+)?(?:agents|tools)|what\s+agents|which\s+agents?|"
    r"agents?\s+(?:for|that|to|which|about))\b"
    r"|\b(?:an?|some|any)\s+(?:agent|tool|bot)s?\s+(?:for|that|to|which|who)\b|\bsomething\s+(?:that|to|for|which)\b"
    # German, French, Spanish: "finde einen Agenten, der …", "trouve un agent pour …", "busca un agente para …"
    r"|^(?:finde|such(?:e)?|gibt\s+es|hast\s+du|trouve|cherche|y\s+a-t-il|as-tu|busca|encuentra|hay|tienes)\b",
    _I,
)
_ORDINAL_ONLY_RE = re.compile(
    r"^(?:(?:i'?ll\s+take|i\s+(?:choose|pick|want)|go\s+with)\s+)?(?:the\s+)?(?:#\s*[1-9]|(?:number|no\.?|option)\s*[1-9]|"
    r"[1-9]|first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th|last|top)"
    r"(?:\s+(?:one|agent|option))?(?:\s+please)?[\s!.]*$",
    _I,
)
#: Hesitations: whatever follows, nothing runs now.
_HOLD_RE = re.compile(
    r"^(?:not\s+(?:now|yet|right\s+now|today)\b|don'?t\s+(?:run|start|do|schedule)\b|do\s+not\s+(?:run|start|do|schedule)\b|"
    r"wait\b|hold\s+(?:on|off)\b|no[,.!]?\s+(?:not\s+now|wait|later)\b|(?:maybe|perhaps)\b|no\s+need\b|"
    r"i\s+(?:don'?t|do\s+not)\s+want\b|i'?ll\s+(?:run|do)\s+it\s+(?:myself|later)\b)"
    # ... and "run it, but not now", "run it but don't start yet": a hesitation anywhere holds the run.
    r"|[,;]?\s*\bbut\s+(?:not\s+(?:now|yet|today|right\s+now)|don'?t|do\s+not|wait)\b|\bnot\s+(?:now|yet)\s*[.!]*$",
    _I,
)
#: "run it twice", "run it 3 times": several runs at once are not something one request starts.
_SEVERAL_RUNS_RE = re.compile(r"\b(?:twice|thrice|(?:\d+|two|three|four|five|several|many)\s+times)\b(?!\s+a\b)", _I)
#: "run it now and every day at 9": two requests in one; each is made on its own.
_NOW_AND_LATER_RE = re.compile(r"\b(?:now|right\s+now|immediately)\s+(?:and|&|then|plus|as\s+well\s+as)\b", _I)
_QUESTION_RE = re.compile(r"^(?:what|who|when|where|why|how|whose|which)\b", _I)


# ---------------------------------------------------------------------------------------------
# Understanding the user's message
# ---------------------------------------------------------------------------------------------


def _actionable(schedule) -> bool:
    """Whether a parsed schedule asks for a schedule (a cron, an exact moment, or a cron it cannot be)."""
    return schedule is not None and bool(schedule.cron or schedule.run_at or schedule.error or schedule.watch)


#: Words that may surround a time without changing what a message asks ("run it tomorrow at 9 then"),
#: in the languages whose dates the copilot reads.
_FILLER = frozenset(
    """then instead please it that run do at on and or ok okay so make let's time zone
    führe fuehre starte es aus bitte lance exécute execute le la stp ejecuta ejecútalo lo por favor""".split()  # noqa: SIM905
)


def _only_a_schedule(text: str) -> bool:
    """Whether a message is a repetition and little else ("every weekday at 8am"), so it answers "when?"
    for the agent being discussed; "what my loan costs each month" is not one."""
    rest = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in SCHEDULE_WORDS and not w.endswith("/")]
    return len(rest) <= 2 or bool(re.search(r"\d\s+\*|@(?:daily|hourly|weekly|monthly|yearly)", text))


def _only_a_watch(text: str, phrase: str) -> bool:
    """Whether a message is a feed or page to watch and little else ("and whenever https://… changes")."""
    rest = " ".join(text.split()).lower().replace(phrase, " ")
    return len([w for w in re.findall(r"[\w']+", rest) if w not in _FILLER]) <= 1


def _only_a_time(text: str, schedule) -> bool:
    """Whether a message is a one-off time and little else ("tomorrow at 9", "at 6pm then"), so it
    answers "when?" for the agent being discussed; a question that mentions a day is not one."""
    phrase = schedule.run_at or ""
    if not phrase or _QUESTION_RE.match(text):
        return False
    rest = " ".join(text.split()).lower().replace(phrase, " ")
    zone_words = set(words((schedule.timezone or "").replace("_", " ").replace("/", " ")))
    return len([w for w in re.findall(r"[\w']+", rest) if w not in _FILLER and w not in zone_words]) <= 1


#: Misspellings of the words that carry a request's time, read as meant.
_TYPOS = {
    r"tomm?orr?ow|tomorow|tommorow|tomorro|tmrw|tmr|2morrow": "tomorrow",
    r"evry|evrey|eveyr": "every",
    r"everyday": "every day",
    r"tonite|2night": "tonight",
    r"wendesday|wednsday|wensday": "wednesday",
    r"thurday|thrusday": "thursday",
    r"fryday|firday": "friday",
    r"satruday|saterday": "saturday",
    r"munday|mondy": "monday",
    r"teusday|tusday": "tuesday",
}
_TYPO_RE = re.compile(r"\b(?:" + "|".join(f"(?P<t{i}>{p})" for i, p in enumerate(_TYPOS)) + r")\b", _I)
_TYPO_FIX = list(_TYPOS.values())


def _fix_typos(text: str) -> str:
    return _TYPO_RE.sub(lambda m: _TYPO_FIX[int(m.lastgroup[1:])], text)


def _edit_plan(memory: Memory) -> Plan:
    """A link to the builder for the agent the conversation is about (nothing is opened or changed here)."""
    focus, _several = memory.focus()
    if focus is None:
        return text_plan(
            "Which agent should I open in the builder? Name it (“edit the Loan Calculator”) after finding it, "
            f"or [build a new one]({routes.BUILD})."
        )
    name = focus.name or "the agent"
    return text_plan(
        f"[Open {name} in the builder]({routes.builder(focus.id)}). A marketplace agent opens on its page first: "
        "press “Edit in builder” there to add your own copy. Saving makes a new version; runs use the saved one."
    )


def understand(message: str, memory: Memory, last_reply: str = "") -> Plan:
    """Decide what one user message asks for, given what the conversation already showed (and the
    copilot's ``last_reply``, which a bare "yes" answers)."""
    text = in_english(_fix_typos(normalize(message)))
    if _YES_RE.match(text) and NOT_SURE in last_reply:
        # "yes" to "the closest agent … may not be the one": there is nothing to say yes to.
        return text_plan("Which agent should I use? Say its name (“run the …”) or pick one from the list above.")
    if _THANKS_RE.match(text):
        return text_plan("You're welcome! Ask me to find, run or schedule another agent whenever you like.")
    if _ACK_RE.match(text):
        return text_plan("OK. Anything else? I can find, run and schedule agents, or show how your runs went.")
    if _YES_RE.match(text) or _ADDED_CREDENTIAL_RE.match(text):
        # "I added the openai credential": run the agent whose credentials card asked for it.
        return plan_run("it", "run", memory)
    core = _POLITE_RE.sub("", text).strip()
    bare = core.strip(" ?!.,")
    if not bare:
        return text_plan(GREETING if text.strip(" ?!.,") else HELP)
    if _GREETING_RE.match(text) or _GREETING_RE.match(core):
        return text_plan(GREETING)
    if _HELP_RE.match(core):
        return text_plan(HELP)
    if _EDIT_RE.match(core):
        return _edit_plan(memory)
    if _NEW_AGENT_RE.match(core):
        return text_plan(
            f"You can draw a new agent on the canvas: [open the builder]({routes.BUILD}). Drag blocks from the "
            "palette, connect their pins, then save it: it joins your library and I can run it for you."
        )
    if _YES_RE.match(core):
        return plan_run("it", "run", memory)
    if _NEGATIVE_RE.match(core):
        return text_plan(
            "OK, I won't run anything. (A run that has already started can be stopped from its run page.) "
            "What would you like to do next?"
        )
    hold = _HOLD_RE.search(core)
    if hold:  # "not now", "don't run it yet", "wait until tomorrow at 9": nothing runs now
        when = find_time(core)
        if when is None:
            return text_plan(
                "OK, I won't run anything now. Say “run it” when you're ready, or when it should run "
                "(e.g. “run it tomorrow at 9am”)."
            )
        if when.question:
            return text_plan(when.question)
        return plan_run("it " + when.phrase, "schedule", memory)
    offered = memory.events[-1] if memory.events and memory.events[-1].kind == "ready_to_run" else None
    if offered is not None and QUANTITY_WITH_UNIT_RE.search(core) and not _RUN_RE.match(core):
        # "make it 5%", "actually I'm 1.75 m", "yes but for 20 years": a change to the offer, shown again.
        focus, _ambiguous = memory.focus()
        step = offer_step(focus, memory, core, None) if focus is not None else None
        if step is not None:
            return Plan(step)
    run_words = _RUN_RE.match(core)
    if (
        run_words
        and _SEVERAL_RUNS_RE.search(core)
        and not re.search(r"\b(?:a|per|each)\s+(?:day|week|hour|month)\b", core)
    ):
        return text_plan(
            "I start one run per request. Say “run it” for one now; for more, ask again once it has finished, "
            "or schedule it (e.g. “every day at 9am and 6pm”)."
        )
    if run_words and _NOW_AND_LATER_RE.search(core):
        return text_plan(
            "That is two requests: a run now and a schedule. Say “run it” first, then the schedule (e.g. “schedule it "
            "every day at 9”), and I'll do each."
        )
    cannot = plan_cannot(core)
    if cannot is not None:
        return cannot
    if _SCHEDULES_RE.search(core) and not _actionable(parse_schedule(core)) and not _RUN_RE.match(core):
        return tool_plan("Looking up your schedules…", LIST_SCHEDULES)
    run = _RUN_RE.match(core)
    if not run and (_STATUS_RE.search(core) or (EXECUTION_ID_RE.search(core) and _ABOUT_RUNS_RE.search(core))):
        return plan_status(core, memory)
    if run:
        return plan_run(run.group("rest"), run.group("verb"), memory)
    if QUANTITY_WITH_UNIT_RE.search(core) and (_QUESTION_RE.match(core) or _DETAILS_RE.match(core)):
        # "what's the monthly payment on $300,000 at 4% over 30 years?": find the agent, offer it with the values.
        return plan_find(core)
    details = _DETAILS_RE.match(core)
    if details:
        # "what is / what's …" is a general question unless it names an agent the conversation knows.
        general = re.match(r"^(?:what\s+(?:is|are)|what's)\s", core, _I) is not None
        planned = plan_details(details.group("target"), memory, search_unknown=not general)
        if planned is not None:
            return planned
    if LIBRARY_RE.search(core) or DO_I_HAVE_RE.match(core):
        return plan_library(core)
    if _FIND_RE.search(core):
        return plan_find(core)
    schedule = parse_schedule(core)
    if schedule is not None and schedule.watch is not None and _only_a_watch(core, schedule.watch.phrase):
        # "whenever a new post appears on https://…" on its own: watch it for the agent being discussed.
        return plan_run("it " + core, "run", memory)
    if schedule is not None and (schedule.cron or schedule.error) and _only_a_schedule(core):
        # "every weekday at 8am" on its own: schedule the agent being discussed.
        return plan_run(core, "schedule", memory)
    if schedule is not None and _only_a_time(core, schedule):
        # "tomorrow at 9" ("führe es morgen um 9 Uhr aus"): run the agent being discussed then.
        zone = f" in {schedule.timezone}" if schedule.timezone else ""
        return plan_run(f"it {schedule.run_at}{zone}", "schedule", memory)
    pending_number = memory.pending_inputs() is not None and re.fullmatch(r"[\d.,]+", bare) is not None
    if _ORDINAL_ONLY_RE.match(core) and not pending_number:
        # "the second", "#3": choosing from the last carousel means running it (a bare number may answer a card).
        return plan_run(core, "run", memory)
    inputs = plan_inputs(core, memory)
    if inputs is not None:
        return inputs
    if _ORDINAL_ONLY_RE.match(core):
        # "the second", "#3": choosing from the last carousel means running it.
        return plan_run(core, "run", memory)
    if _QUESTION_RE.match(core):
        return text_plan(CANNOT["question"])
    if QUANTITY_WITH_UNIT_RE.search(core):  # values and what they are for: find it, then offer it with them
        return plan_find(core)
    query = extract_query(core)
    if len(words(query)) == 0:
        return text_plan("I'm not sure what you mean. " + GREETING)
    return tool_plan(f"Let me look for agents that can help with {quote(query)}…", FIND_AGENT, query=query)


# ---------------------------------------------------------------------------------------------
# After tool results
# ---------------------------------------------------------------------------------------------


def _follow_up(plan: Plan, conversation: Conversation) -> Step:
    last = conversation.turn[-1]
    lookup = plan.lookup
    if (
        lookup is not None
        and lookup.action == "offer"
        and conversation.rounds < MAX_ROUNDS
        and last.kind in ("agent_carousel", "agent_details")
    ):
        # "I weigh 70 kg and I'm 1.80 m, what's my BMI?": the best match, with the values read from the
        # words, shown for a yes (run_agent with confirm) — the agent was not named, so nothing runs yet.
        memory = Memory([*conversation.memory.events, *conversation.turn])
        if last.kind == "agent_carousel":
            best = next(iter(memory.carousel_agents()), None)
            if best is not None:
                return Step(f"Checking the inputs of {agent_label(best)}…", GET_AGENT_DETAILS, {"agent_id": best.id})
        focus, _ambiguous = memory.focus()
        if focus is not None:
            step = offer_step(focus, memory, lookup.inputs_text, lookup.schedule)
            read = {str(e.arguments.get("agent_id")) for e in conversation.turn if e.tool == GET_AGENT_DETAILS}
            runner_up = next((a for a in memory.carousel_agents()[1:2] if a.id not in read), None)
            if step is not None and NOT_SURE in step.text and runner_up and conversation.rounds < MAX_ROUNDS:
                # The best match takes none of the values: the next one may ("days between two dates").
                return Step(
                    f"Checking the inputs of {agent_label(runner_up)}…", GET_AGENT_DETAILS, {"agent_id": runner_up.id}
                )
            if step is not None:
                return step
    if (
        lookup is not None
        and conversation.rounds < MAX_ROUNDS
        and last.tool in (FIND_AGENT, FIND_LIBRARY_AGENT)
        and last.kind == "agent_carousel"
    ):
        memory = Memory([*conversation.memory.events, *conversation.turn])
        agents = memory.carousel_agents()
        chosen = pick_match(agents, lookup.name, lookup.creator)
        if chosen is not None:
            if lookup.action == "details":
                return details_step(chosen)
            if lookup.inputs_text and memory.inputs_for(chosen) is None:
                # Inputs were given by the person's words for them: learn the agent's names first.
                return Step(
                    f"Checking the inputs of {agent_label(chosen)}…", GET_AGENT_DETAILS, {"agent_id": chosen.id}
                )
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


def _lookup_run(agent: AgentRef, memory: Memory, lookup: Lookup) -> Step:
    return sentence_run_step(agent, memory, lookup.inputs_text, lookup.schedule)


def plan(messages: list[ChatMessage], available: set[str] | frozenset[str]) -> Step:
    """The copilot's next model turn for a conversation, with the tools named in ``available``.

    Deterministic: the same messages always give the same step.
    """
    conversation = Conversation.read(messages)
    if conversation.user_text is None:
        return Step(GREETING)
    intent = understand(conversation.user_text, conversation.memory, conversation.last_reply)
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
