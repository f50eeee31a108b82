"""The built-in catalogue: every seed agent and creator, in the order they are seeded."""

from __future__ import annotations

from autogpt_app.store.seed.ai_agents import AI_AGENTS
from autogpt_app.store.seed.creators import CREATORS
from autogpt_app.store.seed.data_agents import DATA_AGENTS
from autogpt_app.store.seed.finance_agents import FINANCE_AGENTS
from autogpt_app.store.seed.messaging_agents import MESSAGING_AGENTS
from autogpt_app.store.seed.model import SeedAgent
from autogpt_app.store.seed.research_agents import RESEARCH_AGENTS
from autogpt_app.store.seed.text_agents import TEXT_AGENTS
from autogpt_app.store.seed.time_agents import TIME_AGENTS
from autogpt_app.store.seed.web_agents import WEB_AGENTS

CATALOGUE: tuple[SeedAgent, ...] = (
    *WEB_AGENTS,
    *RESEARCH_AGENTS,
    *MESSAGING_AGENTS,
    *TEXT_AGENTS,
    *DATA_AGENTS,
    *FINANCE_AGENTS,
    *TIME_AGENTS,
    *AI_AGENTS,
)

__all__ = ["CATALOGUE", "CREATORS"]
