"""Values an agent keeps between runs: "Persist information" and "Retrieve information".

They keep AutoGPT's ids and pins (``PersistInformationBlock``, ``RetrieveInformationBlock``) so its
exports import. A value is kept under a key for the run's owner, either for the running agent only
(``within_agent``, the default) or for all of the owner's agents (``across_agents``), and a later
run reads it back. The blocks reach the values only through ``context.store``, which the engine
provides (see :mod:`autogpt_app.executions.agent_memory` for the limits); run anywhere else they
answer a readable error.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    RunContext,
    ValueStore,
)

StorageScope = Literal["within_agent", "across_agents"]

NO_STORE = "Kept values are only available while an agent runs on the platform."
_SCOPE_HELP = "within_agent: kept for this agent, across all its runs; across_agents: shared by all your agents"


def _store(context: RunContext) -> ValueStore:
    if context.store is None:
        raise BlockError(NO_STORE)
    return context.store


class PersistInformationBlock(Block):
    """Keeps a value under a key so later runs (of this agent, or of any of the owner's) can read it."""

    id = "1d055e55-a2b9-4547-8311-907d05b0304d"
    name = "Persist information"
    autogpt_name = "PersistInformationBlock"
    description = (
        "Keeps a value under a key for later runs, e.g. the id of a table the agent created the first "
        "time. Read it back with 'Retrieve information'. Up to 100 KB per value."
    )
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        key: str = Field(description="The name to keep the value under")
        value: Any = Field(description="The value to keep (text, number, list or dictionary); nothing forgets the key")
        scope: StorageScope = Field(default="within_agent", description=_SCOPE_HELP)

    class Output(BlockOutput):
        value: Any = Field(description="The value kept")

    examples = (
        BlockExample(
            input={"key": "favourite_colour", "value": "teal"},
            output=[("error", NO_STORE)],
            description="values are kept only by the engine",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            await _store(context).put(input.key, input.value, across_agents=input.scope == "across_agents")
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "value", input.value


class RetrieveInformationBlock(Block):
    """Reads the value kept under a key by an earlier step or run, or passes on a default."""

    id = "d8710fc9-6e29-481e-a7d5-165eb16f8471"
    name = "Retrieve information"
    autogpt_name = "RetrieveInformationBlock"
    description = (
        "Reads the value kept under a key by 'Persist information' in this or an earlier run, "
        "or passes on the default when nothing is kept under it."
    )
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        key: str = Field(description="The name the value was kept under")
        scope: StorageScope = Field(default="within_agent", description=_SCOPE_HELP)
        default_value: Any = Field(default=None, description="What to pass on when nothing is kept under the key")

    class Output(BlockOutput):
        value: Any = Field(description="The value kept, or the default")

    examples = (
        BlockExample(
            input={"key": "favourite_colour", "default_value": "grey"},
            output=[("error", NO_STORE)],
            description="values are kept only by the engine",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            stored = await _store(context).get(input.key, across_agents=input.scope == "across_agents")
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "value", input.default_value if stored is None else stored
