"""The *Smart decision maker*: a language model that calls the steps wired to it as tools.

AutoGPT's ``SmartDecisionMakerBlock`` (same id and pins). Its output pins
``tools_^_<node id>_~_<input>`` (AutoGPT exports) or its ``tools`` pin (the builder) are linked to
the inputs of the steps it may call. Each wired step
becomes one function for the model: its name (the step's title or its block's name), its block's
description, and one parameter per wired input with that input's schema. The model's calls run
those steps through the engine (``RunContext.run_tool``): each is a recorded node run of this
execution, with the run's credentials, shown on the run page. Their outputs go back to the model,
and the loop goes on until the model answers without calling a tool (``finished``), at most
``agent_mode_max_iterations`` model calls (``DEFAULT_STEPS`` when 0, as AutoGPT exports carry;
``MAX_STEPS`` at most). On the last step no tools are offered, so the model must answer.

Limits, said plainly: the block always loops inside its own step (AutoGPT's "traditional mode",
where each call travels along the links and comes back, is run the same way, and the links that
fed results back are ignored, see :mod:`autogpt_app.graphs.tool_links`); a tool step's outputs go
to the model only, not further along its own links.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._llm_client import ChatModel, LLMError, endpoint_for
from autogpt_app.blocks.builtin.llm import ADVANCED, CREDENTIALS, MAX_PROMPT_CHARS, _LLMInput, fill_prompt
from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockError, BlockExample, BlockOutput, RunContext, ToolNode
from autogpt_app.graphs.spec import base_pin
from autogpt_app.graphs.validation import block_schema, field_schema

DEFAULT_STEPS = 10
MAX_STEPS = 50
MAX_RESULT_CHARS = 20_000
NO_TOOLS = "Link at least one step to this block's tool pins: it has no tool to call."
NO_PROMPT = "Say in the prompt what the model should do."
LAST_STEP = (
    "This is your last step: no more tools can be called. Give your final answer now with what you have; "
    "if the task is not done, say what is left."
)
DEFAULT_SYSTEM = (
    "Work step by step towards the objective. When a tool helps, call it with every required argument of the "
    "type its schema asks for. When the objective is reached, answer with the result instead of calling a tool."
)


def tool_name(text: str) -> str:
    """A function name models accept: letters, digits, ``_`` and ``-``, lower case, at most 64 characters."""
    return (re.sub(r"[^a-zA-Z0-9_-]", "_", text).lower().strip("_") or "tool")[:64]


def tool_function(tool: ToolNode, name: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The function definition of a wired step, and its parameter → input pin mapping.

    Raises:
        BlockError: the step's block does not exist here.
    """
    block = find_block(tool.block_id)
    if block is None:
        raise BlockError(f"A step wired as a tool uses an unknown block ({tool.block_id}).")
    required = set(block_schema(type(block), output=False).get("required", []))
    properties: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    needed: list[str] = []
    for pin in tool.pins:
        param = tool_name(pin)
        mapping[param] = pin
        if base_pin(pin) == pin:
            schema = {k: v for k, v in field_schema(block, pin, output=False).items() if k != "title"}
        else:  # a dynamic pin (values_#_topic) fills one key of a dictionary or list input
            schema = {"description": f"The value for '{pin.rsplit('_', 1)[-1]}'"}
        properties[param] = schema or {"description": pin}
        if pin in required:
            needed.append(param)
    parameters = {"type": "object", "properties": properties, "required": needed}
    description = (block.description if not tool.title else f"{tool.title}: {block.description}")[:1024]
    definition = {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}
    return definition, mapping


def tool_result(outputs: list[tuple[str, Any]], error: str | None) -> str:
    """What a tool step produced, as the text the model reads (cut short when long)."""
    grouped: dict[str, Any] = {}
    for pin, value in outputs:
        if pin == "error":
            continue
        grouped.setdefault(pin, []).append(value)
    result: dict[str, Any] = {pin: values[0] if len(values) == 1 else values for pin, values in grouped.items()}
    if error:
        result["error"] = error
    text = json.dumps(result, ensure_ascii=False, default=str) if result else "The step ran and produced nothing."
    return text if len(text) <= MAX_RESULT_CHARS else text[: MAX_RESULT_CHARS - 1] + "…"


def earlier_messages(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plain messages of an earlier conversation (tool calls and their results are left out)."""
    kept = []
    for message in history:
        if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant"):
            continue
        if message.get("tool_calls") or not isinstance(message.get("content"), str):
            continue
        kept.append({"role": message["role"], "content": message["content"]})
    return kept


class SmartDecisionMakerBlock(Block):
    """A language model that reaches an objective by calling the steps wired to it, then answers."""

    id = "3b191d9f-356f-482d-8238-ba04b6d18381"
    name = "Smart decision maker"
    autogpt_name = "SmartDecisionMakerBlock"
    description = (
        "A language model that works towards the prompt's objective by calling the steps linked to its tool pins "
        "(each linked step is one tool), reads their results, and passes on its final answer."
    )
    categories = (BlockCategory.AI, BlockCategory.AGENT)
    credentials = CREDENTIALS
    dynamic_outputs = True  # the tool pins tools_^_<node>_~_<input> are named by the links
    timeout_seconds = 1800.0

    class Input(_LLMInput):
        prompt: str = Field(max_length=MAX_PROMPT_CHARS, description="The objective; {{ name }} takes prompt_values")
        sys_prompt: str = Field(default=DEFAULT_SYSTEM, max_length=MAX_PROMPT_CHARS, description="How to work")
        prompt_values: dict[str, Any] = Field(default_factory=dict, description="Values for {{ name }} in the prompt")
        agent_mode_max_iterations: int = Field(
            default=0,
            ge=-1,
            description=f"Most model calls (0: {DEFAULT_STEPS}; -1: {MAX_STEPS}, the most allowed)",
            json_schema_extra=ADVANCED,
        )
        multiple_tool_calls: bool = Field(
            default=False, description="Let the model call several tools at once", json_schema_extra=ADVANCED
        )
        conversation_history: list[dict[str, Any]] = Field(
            default_factory=list, description="Earlier messages to start from", json_schema_extra=ADVANCED
        )
        last_tool_output: Any = Field(
            default=None, description="Kept for AutoGPT agents; tools are run by this step", json_schema_extra=ADVANCED
        )
        retry: int = Field(default=3, ge=1, le=10, description="Kept for AutoGPT agents", json_schema_extra=ADVANCED)
        max_tokens: int | None = Field(
            default=None, ge=1, description="Longest answer per call, in tokens", json_schema_extra=ADVANCED
        )
        conversation_compaction: bool = Field(
            default=True, description="Kept for AutoGPT agents; unused", json_schema_extra=ADVANCED
        )
        execution_mode: str = Field(
            default="built_in", description="Kept for AutoGPT agents; unused", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        tools: Any = Field(
            default=None, description="Link to the inputs of each step the model may call (carries no value itself)"
        )
        finished: str = Field(description="The model's final answer")
        conversations: list[dict[str, Any]] = Field(description="The whole conversation, tool calls and results")

    examples = (
        BlockExample(input={"prompt": "Find the weather"}, output=[("error", NO_TOOLS)], description="nothing wired"),
    )

    @staticmethod
    def steps(requested: int) -> int:
        """How many model calls the loop may make."""
        if requested == 0:
            return DEFAULT_STEPS
        return MAX_STEPS if requested < 0 else min(requested, MAX_STEPS)

    async def run(self, input: Input, context: RunContext):
        if not context.tools or context.run_tool is None:
            yield "error", NO_TOOLS
            return
        if not input.prompt.strip():
            yield "error", NO_PROMPT
            return
        functions: list[dict[str, Any]] = []
        wired: dict[str, tuple[ToolNode, dict[str, str]]] = {}
        for tool in context.tools:
            name = tool_name(tool.title or (find_block(tool.block_id) or self).name)
            name = name if name not in wired else f"{name[:58]}_{len(wired) + 1}"
            definition, mapping = tool_function(tool, name)
            functions.append(definition)
            wired[name] = (tool, mapping)
        messages = earlier_messages(input.conversation_history)
        if input.sys_prompt.strip():
            messages.insert(0, {"role": "system", "content": input.sys_prompt})
        messages.append({"role": "user", "content": fill_prompt(input.prompt, input.prompt_values)})
        limit = self.steps(input.agent_mode_max_iterations)
        try:
            async with ChatModel(endpoint_for(context, input.model), context) as model:
                for step in range(1, limit + 1):
                    last = step == limit
                    asked = [*messages, {"role": "system", "content": LAST_STEP}] if last else messages
                    answer = await model.answer(
                        asked,
                        max_tokens=input.max_tokens,
                        tools=None if last else functions,
                        parallel_tool_calls=input.multiple_tool_calls,
                    )
                    messages.append(answer.as_message())
                    if not answer.tool_calls:
                        yield "finished", answer.content
                        yield "conversations", messages
                        return
                    if last:  # tools were not offered; a model that calls one anyway gave no answer
                        break
                    for call in answer.tool_calls:
                        content = await self._call(call, wired, context)
                        messages.append({"role": "tool", "tool_call_id": call["id"], "content": content})
        except LLMError as exc:
            yield "error", str(exc)
            return
        yield "error", f"The model kept calling tools after {limit} steps and gave no answer."

    @staticmethod
    async def _call(
        call: dict[str, Any], wired: dict[str, tuple[ToolNode, dict[str, str]]], context: RunContext
    ) -> str:
        """Run one tool call and return what the model reads: the step's results or what was wrong."""
        name = call["function"]["name"]
        if name not in wired:
            return f"There is no tool called '{name}'. The tools are: {', '.join(sorted(wired))}."
        tool, mapping = wired[name]
        try:
            arguments = json.loads(call["function"]["arguments"] or "{}")
        except ValueError:
            return "The arguments were not valid JSON; call the tool again with a JSON object."
        if not isinstance(arguments, dict):
            return "The arguments must be a JSON object."
        unknown = sorted(set(arguments) - set(mapping))
        if unknown:
            return f"Unknown arguments: {', '.join(unknown)}. The arguments are: {', '.join(sorted(mapping))}."
        values = {mapping[param]: value for param, value in arguments.items()}
        assert context.run_tool is not None
        try:
            run = await context.run_tool(tool.node_id, values)
        except BlockError as exc:
            return f"The tool could not run: {exc}"
        return tool_result(run.outputs, run.error)
