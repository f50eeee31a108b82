"""Which agent a person means: a card's position, a pronoun, an id or slug, a name, or a search match.

The offline planners (:mod:`autogpt_app.chat.providers.offline_plans`) ask :func:`resolve_target`
what "the second one", "it", "loan-calculator" or "datasmith's keyword extractor" points at in the
conversation so far; an agent never shown is looked up by a search, and :func:`pick_match` then
says which result is clearly the one named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autogpt_app.chat.providers.offline_history import AgentRef, Memory
from autogpt_app.chat.providers.offline_phrases import find_ordinal, name_score, split_creator, words

__all__ = ["Target", "agent_label", "pick_match", "resolve_target"]

_I = re.IGNORECASE
_PRONOUNS = frozenset(
    ["", "it", "this", "that", "one", "them", "same", "same one", "the same", "the same one", "agent", "him", "her"]
)
_SLUG_RE = re.compile(r"^[a-z0-9]{2,}(?:-[a-z0-9]{2,})+$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", _I)
_MY_RE = re.compile(r"^\s*my\s+|\s+(?:in|from)\s+my\s+library\b", _I)


@dataclass
class Target:
    """What a phrase points at: a known ``agent``, a name to ``lookup``, or the ``problem`` to say."""

    agent: AgentRef | None = None
    lookup: tuple[str, str | None] | None = None
    library: bool = False
    problem: str | None = None


def agent_label(agent: AgentRef) -> str:
    """How replies name an agent: its name, else its id."""
    return agent.name or agent.id


def _same_creator(said: str, creator: str) -> bool:
    """Whether a creator as said ("datasmith") names ``creator`` ("DataSmith Labs")."""
    said_key, creator_key = "".join(words(said)), "".join(words(creator))
    return bool(said_key) and bool(creator_key) and (said_key == creator_key or said_key in creator_key)


def _which_one(memory: Memory) -> str:
    agents = memory.carousel_agents()
    if len(agents) > 1:
        return (
            f"Which one? The last list has {len(agents)} agents — say “run the first one”, “the second”, "
            "or click Run on a card."
        )
    return "Which agent? Tell me its name (“run the Loan Calculator”) or ask me to find one first."


def resolve_target(target_text: str, memory: Memory) -> Target:
    """The agent a phrase points at: by ordinal, pronoun, id or slug, a known name, or one to search for."""
    ordinal = find_ordinal(target_text)
    if ordinal is not None:
        agents = memory.carousel_agents()
        if not agents:
            return Target(
                problem="I haven't shown you a list of agents yet. Ask me to find some, e.g. “find an agent that "
                "summarises RSS feeds”."
            )
        if ordinal > len(agents) or ordinal == 0:
            count = "1 agent" if len(agents) == 1 else f"{len(agents)} agents"
            return Target(problem=f"The last list has only {count}. Say e.g. “run the first one”.")
        return Target(agent=agents[ordinal - 1 if ordinal > 0 else -1])
    library = bool(_MY_RE.search(target_text))
    name, creator = split_creator(_MY_RE.sub(" ", target_text))
    if name.lower() in _PRONOUNS:
        focus, ambiguous = memory.focus()
        if focus is not None:
            return Target(agent=focus)
        return Target(problem=_which_one(memory) if ambiguous else _which_one(Memory()))
    known = memory.known_agents()
    for agent in known:
        if agent.id == name or agent.id.lower() == name.lower():
            return Target(agent=agent)
    if _SLUG_RE.match(name) or _UUID_RE.match(name):
        return Target(agent=AgentRef(name, ""))
    best: tuple[float, AgentRef] | None = None
    for agent in known:
        if creator and not _same_creator(creator, agent.creator):
            continue
        score = name_score(name, agent.name, agent.id)
        if score >= 0.85 and (best is None or score > best[0]):
            best = (score, agent)
    if best is not None:
        return Target(agent=best[1])
    if not words(name):
        return Target(problem=_which_one(memory))
    return Target(lookup=(name, creator), library=library)


def pick_match(agents: list[AgentRef], name: str, creator: str | None) -> AgentRef | None:
    """The search result a looked-up ``name`` means: a clear best name match (by ``creator`` too, if named)."""
    candidates = [a for a in agents if not creator or _same_creator(creator, a.creator)]
    if creator and not candidates:
        return None
    scored = sorted(((name_score(name, a.name, a.id), i) for i, a in enumerate(candidates)), reverse=True)
    if not scored:
        return None
    best_score, best_index = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= 0.85 and best_score > runner_up:
        return candidates[best_index]
    if creator and len(candidates) == 1 and best_score >= 0.5:
        return candidates[0]
    return None
