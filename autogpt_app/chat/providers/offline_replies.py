"""What the offline copilot says: fixed help texts and a short reply for every tool result of the contract.

The cards show the details (agents, forms, outputs); the text around them says what happened in one
or two sentences and what the person can say next.
"""

from __future__ import annotations

from typing import Any

from autogpt_app.credentials.models import provider_label
from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling.cron import describe
from autogpt_app.timeutil import readable_time

__all__ = [
    "CANNOT",
    "GREETING",
    "HELP",
    "describe_schedule",
    "quote",
    "reply_to",
]

GREETING = (
    "Hi! I'm the offline copilot. I can find agents in the marketplace, run them, schedule them and tell you "
    "how your runs went. Try “find an agent that summarises RSS feeds” or “show my agents”."
)

HELP = (
    "Here's what I can do:\n\n"
    "- **Find agents**: “find me something that summarises RSS feeds”, “search translator”.\n"
    "- **Run one**: “run the first one”, “run the Loan Calculator”, “run datasmith's keyword extractor”.\n"
    "- **Give inputs**: “the topic is AI”, “topic=AI, words=300”, or fill in the inputs card.\n"
    "- **Schedule it**: “run it every weekday at 8am”, “every Monday at 10:30 in Europe/Paris”, "
    "or a cron like “0 8 * * 1-5”.\n"
    "- **Check results**: “how did my last run go?”, “what did my last run produce?”.\n"
    "- **Your things**: “show my agents”, “show my schedules”, “tell me more about the second one”.\n\n"
    "I'm a simple offline planner: I can't send e-mails, browse the web or answer general questions myself, "
    "but agents can — ask me to find one."
)

#: What the copilot cannot do itself, by topic: said plainly, with what it can do instead.
CANNOT = {
    "email": (
        "I can't send e-mails myself. I can find an agent that drafts them — try “find an agent that drafts "
        "e-mail replies”."
    ),
    "message": "I can't make calls or send messages myself. I find, run and schedule agents.",
    "purchase": "I can't make purchases, bookings or payments. I find, run and schedule agents.",
    "web": (
        "I can't browse the web myself, but some agents fetch pages and feeds — try “find an agent that reads "
        "RSS feeds”."
    ),
    "social": (
        "I can't post on social media for you. I can find an agent that writes the posts — try “find an agent "
        "that writes social media posts”."
    ),
    "manage": (
        "I can't change, pause or delete schedules and runs from the chat. Open the Schedules page or the "
        "run's page to do that; here I can create schedules and show them (“show my schedules”)."
    ),
    "build": (
        "I can't build new agents in the chat. I can find existing ones in the marketplace and run them for you "
        "— tell me what you need, e.g. “find an agent that converts CSV to JSON”."
    ),
    "compare": (
        "I can't compare agents for you. Say “tell me more about the first one” (or the second…) to see what "
        "each one needs and does."
    ),
    "library_add": (
        "I can't add agents to your library from the chat. Use “Add to library” on the agent's card — or run it: "
        "running an agent adds it to your library."
    ),
    "question": (
        "I can't answer general questions — I'm an offline planner that finds, runs and schedules agents. "
        "Say “help” to see what I understand."
    ),
}

_SHOWN_OUTPUT_CHARS = 160
_SHOWN_OUTPUTS = 4


def quote(text: str) -> str:
    """``text`` in typographic quotes."""
    return f"“{text}”"


def _agents(count: int) -> str:
    return "1 agent" if count == 1 else f"{count} agents"


def describe_schedule(cron: str) -> str:
    """A cron expression in words ("At 08:00, Monday through Friday"), or the cron itself."""
    try:
        return describe(cron)
    except InvalidInput:
        return f"cron {cron}"


def _field_list(fields: list[dict[str, Any]]) -> str:
    names = [str(f.get("title") or f.get("name") or "") for f in fields]
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _example(fields: list[dict[str, Any]]) -> str:
    """An example sentence giving the first missing input ("the topic is …")."""
    if not fields:
        return ""
    first = fields[0]
    name = str(first.get("name") or "")
    options = first.get("options") or first.get("enum") or []
    sample = (
        options[0] if options else {"number": "10", "integer": "10", "boolean": "yes"}.get(str(first.get("type")), "…")
    )
    return f" or tell me, e.g. {quote(f'{name}={sample}')}"


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN_OUTPUT_CHARS else text[: _SHOWN_OUTPUT_CHARS - 1] + "…"


def _carousel(result: dict[str, Any]) -> str:
    agents = [a for a in result.get("agents") or [] if isinstance(a, dict)]
    query = str(result.get("query") or "")
    if result.get("source") == "library":
        if not query and len(agents) == 1:
            return f"You have one agent: {agents[0].get('name') or 'it'}. Say “run it” or “tell me more about it”."
        if not query:
            return (
                f"Here are your {_agents(len(agents))}, most recent first. Say “run the first one” or "
                "“tell me more about the second one”."
            )
        return f"{_agents(len(agents)).capitalize()} in your library match {quote(query)}. Say “run the first one”."
    if len(agents) == 1:
        agent = agents[0]
        by = f" by {agent.get('creator')}" if agent.get("creator") else ""
        return f"I found one agent for {quote(query)}: {agent.get('name')}{by}. Say “run it” or click Run."
    return (
        f"Here are {_agents(len(agents))} for {quote(query)}. Say “run the first one”, “tell me more about the "
        "second one”, or click Run."
    )


def _no_results(result: dict[str, Any]) -> str:
    query = str(result.get("query") or "")
    suggestions = [str(s) for s in result.get("suggestions") or [] if s]
    where = "in your library" if result.get("source") == "library" else "in the marketplace"
    text = f"I couldn't find an agent for {quote(query)} {where}." if query else f"Nothing {where} yet."
    if suggestions:
        text += " Try " + ", ".join(quote(s) for s in suggestions[:4]) + "."
    elif result.get("source") == "library":
        text += " Ask me to find one in the marketplace, e.g. “find an agent that converts CSV to JSON”."
    else:
        text += " Try other words, e.g. what the agent should produce."
    return text


def _details(result: dict[str, Any]) -> str:
    agent = result.get("agent") or {}
    name = str(agent.get("name") or "This agent")
    by = f" by {agent.get('creator')}" if agent.get("creator") else ""
    inputs = [i for i in agent.get("inputs") or [] if isinstance(i, dict)]
    required = [i for i in inputs if i.get("required")]
    credentials = [c for c in agent.get("credentials") or [] if isinstance(c, dict)]
    text = f"{name}{by}."
    if required:
        text += f" It needs {_field_list(required)}."
    elif inputs:
        text += f" Its inputs ({_field_list(inputs)}) all have defaults."
    else:
        text += " It needs no inputs."
    if credentials:
        providers = sorted({str(c.get("provider") or "a service") for c in credentials})
        text += f" It uses a {', '.join(providers)} credential."
    return text + " Say “run it” (you can add inputs, e.g. “run it with topic=AI”) or “run it every weekday at 8am”."


def _inputs_needed(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "This agent")
    fields = [i for i in result.get("inputs") or [] if isinstance(i, dict)]
    return f"{name} needs {_field_list(fields) or 'a few inputs'}. Fill in the card{_example(fields)}."


def _credentials_needed(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "This agent")
    providers = sorted(
        {provider_label(str(c.get("provider") or "")) or "a service" for c in result.get("credentials") or []}
    )
    which = ", ".join(providers) or "a service"
    return (
        f"{name} needs a credential for {which}. Add it in the card — the secret is stored encrypted and "
        "never shown in the chat — and it runs right after (or say “run it” once it is added)."
    )


def _execution_started(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "The agent")
    return (
        f"Started {name}. Its card shows how the run goes and what it produces; ask “how did my last run go?” any time."
    )


def _schedule_created(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "The agent")
    if result.get("kind") == "once":
        zone = str(result.get("timezone") or "UTC")
        at = readable_time(str(result.get("run_at") or ""), zone)
        return (
            f"Scheduled {name} to run once, on {at} ({zone}). Nothing runs before then; say “show my schedules” "
            "to see it, or change or delete it on the Schedules page."
        )
    words = str(result.get("description") or describe_schedule(str(result.get("cron") or "")))
    zone = str(result.get("timezone") or "UTC")
    text = f"Scheduled {name}: {words[:1].lower() + words[1:]} ({zone})."
    runs = [str(r) for r in result.get("next_runs") or []]
    if runs:
        text += f" Next run: {readable_time(runs[0], zone)}."
    return text + " Say “show my schedules” to see them all."


def _trigger_created(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "The agent")
    when = str(result.get("description") or "whenever something new appears")
    gives = "; ".join(str(line) for line in result.get("mapping") or [])
    interval = str(result.get("interval") or "")
    text = f"Done: {name} will run {when[:1].lower() + when[1:]}"
    text += f" (I look {interval})." if interval else "."
    if gives:
        text += f" Each time: {gives}."
    if result.get("kind") == "feed":
        text += " Items already in the feed don't count: only new ones start a run."
    return text + " Its page lists what it received and the runs it started; you can pause or delete it there."


def _execution_update(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "Your run")
    status = str(result.get("status") or "unknown").lower()
    if status in ("terminated", "cancelled", "canceled"):
        return f"{name} was stopped before it finished."
    if status == "failed":
        reason = f": {result.get('error')}" if result.get("error") else "."
        return f"{name} failed{reason}"
    if status not in ("completed", "succeeded", "success"):
        return f"{name} was {status} when I looked; its card keeps its status up to date."
    outputs = result.get("outputs") or {}
    shown = []
    for key, values in list(outputs.items())[:_SHOWN_OUTPUTS]:
        items = values if isinstance(values, list) else [values]
        if items:
            shown.append(f"**{key}**: {_short(items[-1])}")
    if not shown:
        return f"{name} completed, with no outputs."
    more = " (more on the run page)" if len(outputs) > _SHOWN_OUTPUTS else ""
    return f"{name} completed. " + "; ".join(shown) + more + "."


def _schedules(result: dict[str, Any]) -> str:
    schedules = [s for s in result.get("schedules") or [] if isinstance(s, dict)]
    if not schedules:
        return "You have no schedules yet. Say e.g. “run the first one every weekday at 8am”."
    active = [s for s in schedules if s.get("active", True)]
    text = f"You have {len(schedules)} schedule{'s' if len(schedules) != 1 else ''}"
    if len(active) != len(schedules):
        text += f" ({len(active)} active)"
    upcoming = [s for s in active if s.get("next_run")]
    if upcoming:
        first = min(upcoming, key=lambda s: str(s["next_run"]))
        zone = f" ({first['timezone']})" if first.get("timezone") else ""
        when = readable_time(str(first["next_run"]), first.get("timezone"))
        text += f". Next: {first.get('agent_name') or first.get('name')} on {when}{zone}"
    return text + "."


def _need_login(result: dict[str, Any]) -> str:
    reason = str(result.get("reason") or "").strip()
    lead = reason if reason else "You need to log in for that."
    return f"{lead.rstrip('.')}. Log in (or sign up) and this chat comes with you: I'll carry on with it right after."


def _error(result: dict[str, Any]) -> str:
    message = str(result.get("message") or "Something went wrong.").strip()
    return f"That didn't work: {message.rstrip('.')}."


def _ready_to_run(result: dict[str, Any]) -> str:
    name = str(result.get("agent_name") or "The agent")
    inputs = result.get("inputs") or {}
    used = ", ".join(f"{k} = {v}" for k, v in inputs.items()) if isinstance(inputs, dict) else ""
    when = str(result.get("when") or "now")
    return (
        f"{name} can do that. I'd run it {'now' if when == 'now' else when}{f' with {used}' if used else ''}. "
        "Nothing has started: say “yes” (or click the button) to run it, or tell me what to change."
    )


_REPLIES = {
    "agent_carousel": _carousel,
    "no_results": _no_results,
    "agent_details": _details,
    "inputs_needed": _inputs_needed,
    "credentials_needed": _credentials_needed,
    "ready_to_run": _ready_to_run,
    "execution_started": _execution_started,
    "schedule_created": _schedule_created,
    "trigger_created": _trigger_created,
    "execution_update": _execution_update,
    "schedules": _schedules,
    "need_login": _need_login,
    "error": _error,
}


def reply_to(result: dict[str, Any]) -> str:
    """The short text that follows a tool result card."""
    handler = _REPLIES.get(str(result.get("type") or ""))
    return handler(result) if handler else "Done."
