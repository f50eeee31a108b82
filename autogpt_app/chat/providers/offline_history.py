"""What the offline copilot remembers: the tool calls and JSON results already in the conversation.

The planner keeps no state of its own. Like a remote model it reads the history it is given: the
assistant's tool calls, paired by id with the ``tool`` messages that answer them (the JSON shapes of
the chat contract), and from those it knows the last carousel, the agent being discussed, the inputs
still missing and the last run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from autogpt_app.chat.providers.base import ChatMessage
from autogpt_app.chat.providers.offline_phrases import name_score

__all__ = ["AgentRef", "Conversation", "Memory", "ToolEvent"]


@dataclass
class AgentRef:
    """An agent the conversation has mentioned: its id (listing slug or library id), name, creator."""

    id: str
    name: str
    creator: str = ""
    #: Its input fields when a result listed them (agent details, or the inputs still missing).
    inputs: list[dict[str, Any]] | None = None

    def same_as(self, other: AgentRef) -> bool:
        """Whether both refer to one agent (the id changes from slug to library id once it is added)."""
        return self.id == other.id or (bool(self.name) and name_score(self.name, other.name) == 1.0)


@dataclass
class ToolEvent:
    """One tool call and its result."""

    tool: str
    arguments: dict[str, Any]
    result: dict[str, Any]

    @property
    def kind(self) -> str:
        """The result's ``type`` (``agent_carousel``, ``inputs_needed``, …)."""
        return str(self.result.get("type") or "")


def _parse_result(content: str) -> dict[str, Any]:
    try:
        value = json.loads(content or "")
    except ValueError:
        return {"type": "error", "message": (content or "The tool gave no answer.")[:300]}
    return value if isinstance(value, dict) else {"type": "error", "message": str(value)[:300]}


def _carousel_agents(result: dict[str, Any]) -> list[AgentRef]:
    agents = []
    for item in result.get("agents") or []:
        if isinstance(item, dict) and item.get("id"):
            agents.append(AgentRef(str(item["id"]), str(item.get("name") or ""), str(item.get("creator") or "")))
    return agents


@dataclass
class Memory:
    """The tool events before the current user message, with the questions the planner asks of them."""

    events: list[ToolEvent] = field(default_factory=list)

    def last_carousel(self) -> ToolEvent | None:
        """The most recent agent carousel (marketplace or library)."""
        return next((e for e in reversed(self.events) if e.kind == "agent_carousel"), None)

    def carousel_agents(self) -> list[AgentRef]:
        """The agents of the most recent carousel, in the order shown."""
        carousel = self.last_carousel()
        return _carousel_agents(carousel.result) if carousel else []

    def _agent_of(self, event: ToolEvent) -> AgentRef | None:
        """The one agent an event is about (``None`` for lists, errors without an agent, schedules…)."""
        result, kind = event.result, event.kind
        if kind == "agent_details" and isinstance(result.get("agent"), dict):
            agent = result["agent"]
            return AgentRef(
                str(agent.get("id") or event.arguments.get("agent_id") or ""),
                str(agent.get("name") or ""),
                str(agent.get("creator") or ""),
                [i for i in agent.get("inputs") or [] if isinstance(i, dict)],
            )
        if kind == "inputs_needed":
            inputs = [i for i in result.get("inputs") or [] if isinstance(i, dict)]
            agent_id = str(result.get("agent_id") or event.arguments.get("agent_id") or "")
            return AgentRef(agent_id, str(result.get("agent_name") or ""), "", inputs)
        if kind in ("credentials_needed", "ready_to_run", "execution_started", "schedule_created", "trigger_created"):
            agent_id = str(result.get("agent_id") or event.arguments.get("agent_id") or "")
            return AgentRef(agent_id, str(result.get("agent_name") or self._name_of(agent_id)))
        if kind == "agent_carousel":
            agents = _carousel_agents(result)
            return agents[0] if len(agents) == 1 else None
        if kind == "execution_update":
            name = str(result.get("agent_name") or "")
            known = next((a for a in self.known_agents() if name and name_score(name, a.name) == 1.0), None)
            return known
        if event.tool in ("run_agent", "get_agent_details") and event.arguments.get("agent_id"):
            agent_id = str(event.arguments["agent_id"])
            return AgentRef(agent_id, self._name_of(agent_id))
        return None

    def _name_of(self, agent_id: str) -> str:
        return next((a.name for a in self.known_agents() if a.id == agent_id and a.name), "")

    def known_agents(self) -> list[AgentRef]:
        """Every agent the conversation has shown, most recent first (one entry per id)."""
        seen: dict[str, AgentRef] = {}
        for event in reversed(self.events):
            found: list[AgentRef] = []
            if event.kind == "agent_carousel":
                found = _carousel_agents(event.result)
            elif event.kind == "agent_details" and isinstance(event.result.get("agent"), dict):
                agent = event.result["agent"]
                found = [AgentRef(str(agent.get("id") or ""), str(agent.get("name") or ""), str(agent.get("creator")))]
            elif event.kind in ("inputs_needed", "credentials_needed", "execution_started"):
                found = [AgentRef(str(event.result.get("agent_id") or ""), str(event.result.get("agent_name") or ""))]
            for agent in found:
                if agent.id and agent.id not in seen:
                    seen[agent.id] = agent
        return list(seen.values())

    def focus(self) -> tuple[AgentRef | None, bool]:
        """The agent "it" means now, and whether "it" is ambiguous (the last thing shown was a list)."""
        for event in reversed(self.events):
            if event.kind == "agent_carousel" and len(_carousel_agents(event.result)) > 1:
                return None, True
            agent = self._agent_of(event)
            if agent is not None and agent.id:
                return agent, False
        return None, False

    def inputs_for(self, agent: AgentRef) -> list[dict[str, Any]] | None:
        """The agent's input fields as the conversation knows them (details first, then missing inputs)."""
        fields: dict[str, dict[str, Any]] = {}
        known = False
        for event in self.events:
            if event.kind not in ("agent_details", "inputs_needed"):
                continue
            about = self._agent_of(event)
            if about is None or not about.same_as(agent):
                continue
            known = True
            for item in about.inputs or []:
                if item.get("name"):
                    fields.setdefault(str(item["name"]), item)
        if agent.inputs:
            known = True
            for item in agent.inputs:
                if item.get("name"):
                    fields.setdefault(str(item["name"]), item)
        return list(fields.values()) if known else None

    def pending_inputs(self) -> ToolEvent | None:
        """The inputs card the person is answering: the last event, when it asked for inputs."""
        if self.events and self.events[-1].kind == "inputs_needed":
            return self.events[-1]
        return None

    def last_run(self, agent: AgentRef) -> ToolEvent | None:
        """The most recent ``run_agent`` call for ``agent`` (to carry its inputs and settings forward)."""
        for event in reversed(self.events):
            if event.tool != "run_agent":
                continue
            about = self._agent_of(event) or AgentRef(str(event.arguments.get("agent_id") or ""), "")
            if about.same_as(agent) or str(event.arguments.get("agent_id") or "") == agent.id:
                return event
        return None

    def last_execution_id(self) -> str | None:
        """The id of the most recent run started (or looked at) in this conversation."""
        for event in reversed(self.events):
            if event.kind in ("execution_started", "execution_update") and event.result.get("execution_id"):
                return str(event.result["execution_id"])
        return None


@dataclass
class Conversation:
    """The conversation split at the latest user message: what came before, and this turn's tool results."""

    user_text: str | None
    memory: Memory
    #: Tool results of the current turn (after the latest user message), oldest first.
    turn: list[ToolEvent]
    #: How many tool rounds the copilot already made in this turn.
    rounds: int
    #: The copilot's last words before the latest user message (what a bare "yes" answers).
    last_reply: str = ""

    @classmethod
    def read(cls, messages: list[ChatMessage]) -> Conversation:
        """Pair tool calls with their results and split at the latest user message."""
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
        calls: dict[str, tuple[str, dict[str, Any]]] = {}
        before: list[ToolEvent] = []
        turn: list[ToolEvent] = []
        rounds = 0
        for index, message in enumerate(messages):
            if message.role == "assistant":
                for call in message.tool_calls:
                    calls[call.id] = (call.name, dict(call.arguments or {}))
                if message.tool_calls and index > last_user:
                    rounds += 1
            elif message.role == "tool":
                tool, arguments = calls.get(message.tool_call_id or "", (message.name or "", {}))
                event = ToolEvent(tool or message.name or "", arguments, _parse_result(message.content))
                (turn if index > last_user else before).append(event)
        user_text = messages[last_user].content if last_user >= 0 else None
        said = [m.content for m in messages[: max(last_user, 0)] if m.role == "assistant" and m.content]
        return cls(
            user_text=user_text, memory=Memory(before), turn=turn, rounds=rounds, last_reply=said[-1] if said else ""
        )
