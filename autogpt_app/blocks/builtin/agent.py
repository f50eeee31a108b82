"""Run another agent inside this one (AutoGPT's AgentExecutorBlock, same id and pins)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext


def _without_additional_properties(schema: dict[str, Any]) -> None:
    """Keep the published input schema to the declared pins (extra values are links by input name)."""
    schema.pop("additionalProperties", None)


class AgentExecutorBlock(Block):
    """Runs one of the user's agents with inputs and passes on each of its results.

    The sub-agent always runs as the owner of the current run: a ``user_id`` given as input (as
    AutoGPT exports carry) is ignored, so an agent can never act for someone else.

    As in AutoGPT, a link may feed one of the sub-agent's inputs by its name (``topic``) as well as
    through ``inputs_#_topic``: values under names that are none of this block's pins are passed on
    as the sub-agent's inputs (see :func:`subagent_inputs`).
    """

    id = "e189baac-8c20-45a1-94a7-55177ea42565"
    name = "Run sub-agent"
    autogpt_name = "AgentExecutorBlock"
    description = "Runs another of your agents and passes on each of its results."
    categories = (BlockCategory.AGENT,)
    dynamic_outputs = True
    timeout_seconds = 3600

    class Input(BlockInput):
        #: Keeps values under other names: links into the sub-agent's inputs by name.
        model_config = ConfigDict(extra="allow", json_schema_extra=_without_additional_properties)

        graph_id: str = Field(description="The agent to run")
        graph_version: int | None = Field(default=None, description="Its version (default: the active one)")
        inputs: dict[str, Any] = Field(default_factory=dict, description="Inputs for the agent, by name")
        agent_name: str | None = Field(default=None, description="Name shown in the editor")
        user_id: str = Field(default="", description="Ignored: sub-agents run as the owner of this run")
        input_schema: dict[str, Any] = Field(default_factory=dict, description="The agent's inputs (informative)")
        output_schema: dict[str, Any] = Field(default_factory=dict, description="The agent's outputs (informative)")

    class Output(BlockOutput):
        pass

    examples = (
        BlockExample(
            input={"graph_id": "0b5f6c52-0000-4000-8000-000000000000"},
            output=[("error", "Sub-agents can only run inside an agent run.")],
            description="outside the engine there is nothing to run it with",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if context.run_subgraph is None:
            yield "error", "Sub-agents can only run inside an agent run."
            return
        result = await context.run_subgraph(input.graph_id, input.graph_version, subagent_inputs(input))
        for name, values in result.outputs.items():
            for value in values:
                yield name, value
        if result.status != "COMPLETED":
            yield "error", f"The sub-agent {result.status.lower()}: {result.error or 'no reason given'}"


#: Values AutoGPT exports carry on this node that are no inputs of the sub-agent (``data`` is
#: added by AutoGPT's copy of an agent, ``retry`` is the node retry policy).
_NOT_INPUTS = frozenset({"retry", "data", "nodes_input_masks"})


def subagent_inputs(input: AgentExecutorBlock.Input) -> dict[str, Any]:
    """The inputs to run the sub-agent with: ``inputs`` plus the values linked in by input name —
    those its carried ``input_schema`` lists when it lists them, else all but AutoGPT's own fields."""
    schema = input.input_schema if isinstance(input.input_schema, dict) else {}
    listed = schema.get("properties")
    extra = {
        name: value
        for name, value in (input.model_extra or {}).items()
        if (name in listed if isinstance(listed, dict) else name not in _NOT_INPUTS)
    }
    return {**input.inputs, **extra}
