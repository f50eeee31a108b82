"""Agent inputs and outputs: how a graph receives values from a person and hands results back.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.blocks.templates import TemplateError, render_template

#: Marks a field the builder shows on a step only once it is used (AutoGPT's "advanced" fields).
ADVANCED = {"advanced": True}


class AgentInputBlock(Block):
    """A named input of the agent; its value comes from the run form (or its default)."""

    id = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b"
    name = "Agent input"
    autogpt_name = "AgentInputBlock"
    description = "Takes a value from the person running the agent and passes it on."
    categories = (BlockCategory.INPUT, BlockCategory.BASIC)

    class Input(BlockInput):
        name: str = Field(description="Name of the input, as the run form and the API call it")
        value: Any = Field(default=None, description="The value (the default when the run gives none)")
        title: str | None = Field(default=None, description="Label shown on the run form", json_schema_extra=ADVANCED)
        description: str | None = Field(
            default=None, description="Help text shown on the run form", json_schema_extra=ADVANCED
        )
        advanced: bool = Field(
            default=False, description="Show under 'advanced' on the run form", json_schema_extra=ADVANCED
        )
        secret: bool = Field(default=False, description="Hide the value as it is typed", json_schema_extra=ADVANCED)

    class Output(BlockOutput):
        result: Any = Field(description="The value given")

    examples = (
        BlockExample(input={"name": "topic", "value": "Hello, World!"}, output=[("result", "Hello, World!")]),
        BlockExample(input={"name": "count", "value": 42}, output=[("result", 42)]),
        BlockExample(input={"name": "empty"}, output=[], description="no value: nothing flows on"),
    )

    async def run(self, input: Input, context: RunContext):
        if input.value is not None:
            yield "result", input.value


class AgentShortTextInputBlock(AgentInputBlock):
    """A single-line text input."""

    id = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
    name = "Short text input"
    autogpt_name = "AgentShortTextInputBlock"
    description = "A single line of text from the person running the agent."

    class Input(AgentInputBlock.Input):
        value: str | None = Field(default=None, max_length=10_000, description="Default text")

    class Output(BlockOutput):
        result: str = Field(description="The text given")

    examples = (BlockExample(input={"name": "topic", "value": "AI"}, output=[("result", "AI")]),)


class AgentLongTextInputBlock(AgentInputBlock):
    """A multi-line text input."""

    id = "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba"
    name = "Long text input"
    autogpt_name = "AgentLongTextInputBlock"
    description = "Several lines of text (an article, notes, an e-mail) from the person running the agent."

    class Input(AgentInputBlock.Input):
        value: str | None = Field(default=None, max_length=1_000_000, description="Default text")

    class Output(BlockOutput):
        result: str = Field(description="The text given")

    examples = (
        BlockExample(input={"name": "article", "value": "Line 1\nLine 2"}, output=[("result", "Line 1\nLine 2")]),
    )


class AgentNumberInputBlock(AgentInputBlock):
    """A number input."""

    id = "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98"
    name = "Number input"
    autogpt_name = "AgentNumberInputBlock"
    description = "A number from the person running the agent."

    class Input(AgentInputBlock.Input):
        value: int | float | None = Field(default=None, description="Default number")

    class Output(BlockOutput):
        result: int | float = Field(description="The number given")

    examples = (
        BlockExample(input={"name": "n", "value": 42}, output=[("result", 42)]),
        BlockExample(input={"name": "rate", "value": "3.5"}, output=[("result", 3.5)], description="text is parsed"),
    )


class AgentDropdownInputBlock(AgentInputBlock):
    """A choice among fixed options."""

    id = "655d6fdf-a334-421c-b733-520549c07cd1"
    name = "Dropdown input"
    autogpt_name = "AgentDropdownInputBlock"
    description = "One option, chosen from a list, by the person running the agent."

    class Input(AgentInputBlock.Input):
        value: str | None = Field(default=None, description="Default option")
        placeholder_values: list[Any] = Field(default_factory=list, description="The options to choose from")

    class Output(BlockOutput):
        result: Any = Field(description="The option chosen")

    examples = (
        BlockExample(
            input={"name": "tone", "value": "formal", "placeholder_values": ["formal", "casual"]},
            output=[("result", "formal")],
        ),
        BlockExample(
            input={"name": "tone", "value": "rude", "placeholder_values": ["formal", "casual"]},
            output=[("error", "'rude' is not one of the options: formal, casual.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if input.value is None:
            return
        options = [str(o) for o in input.placeholder_values]
        if options and str(input.value) not in options:
            yield "error", f"{input.value!r} is not one of the options: {', '.join(options)}."
            return
        yield "result", input.value


class AgentToggleInputBlock(AgentInputBlock):
    """A yes/no input."""

    id = "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e"
    name = "Toggle input"
    autogpt_name = "AgentToggleInputBlock"
    description = "A yes/no switch set by the person running the agent."

    class Input(AgentInputBlock.Input):
        value: bool = Field(default=False, description="Default position")

    class Output(BlockOutput):
        result: bool = Field(description="Whether the switch is on")

    examples = (
        BlockExample(input={"name": "verbose", "value": True}, output=[("result", True)]),
        BlockExample(input={"name": "verbose"}, output=[("result", False)]),
    )


class AgentDateInputBlock(AgentInputBlock):
    """A calendar date input."""

    id = "7e198b09-4994-47db-8b4d-952d98241817"
    name = "Date input"
    autogpt_name = "AgentDateInputBlock"
    description = "A date (YYYY-MM-DD) from the person running the agent."

    class Input(AgentInputBlock.Input):
        value: date | None = Field(default=None, description="Default date")

    class Output(BlockOutput):
        result: str = Field(description="The date, as YYYY-MM-DD")

    examples = (BlockExample(input={"name": "deadline", "value": "2025-03-19"}, output=[("result", "2025-03-19")]),)

    async def run(self, input: Input, context: RunContext):
        if input.value is not None:
            yield "result", input.value.isoformat()


class AgentOutputBlock(Block):
    """A named result of the agent, optionally formatted with a template."""

    id = "363ae599-353e-4804-937e-b2ee3cef3da4"
    name = "Agent output"
    autogpt_name = "AgentOutputBlock"
    description = "Records a result of the agent for the person who ran it, optionally formatted."
    categories = (BlockCategory.OUTPUT, BlockCategory.BASIC)

    class Input(BlockInput):
        value: Any = Field(default=None, description="The value to record")
        name: str = Field(description="Name of the output")
        title: str | None = Field(default=None, description="Label shown with the result", json_schema_extra=ADVANCED)
        description: str | None = Field(default=None, description="What the result means", json_schema_extra=ADVANCED)
        format: str = Field(
            default="", description="Optional template, e.g. 'Summary: {{ summary }}'", json_schema_extra=ADVANCED
        )
        escape_html: bool = Field(
            default=False, description="Escape HTML in inserted values", json_schema_extra=ADVANCED
        )
        advanced: bool = Field(default=False, description="Show under 'advanced'", json_schema_extra=ADVANCED)
        secret: bool = Field(default=False, description="Hide the value on the run page", json_schema_extra=ADVANCED)

    class Output(BlockOutput):
        output: Any = Field(description="The recorded value")
        name: Any = Field(description="The name it was recorded under")

    examples = (
        BlockExample(input={"name": "greeting", "value": "Hi"}, output=[("output", "Hi"), ("name", "greeting")]),
        BlockExample(
            input={"name": "summary", "value": "short", "format": "Summary: {{ summary }}!"},
            output=[("output", "Summary: short!"), ("name", "summary")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        value = input.value
        if input.format:
            try:
                value = await render_template(
                    input.format, {input.name: input.value}, autoescape=input.escape_html, owner=context.user_id or None
                )
            except TemplateError as exc:
                yield "error", str(exc)
                return
        yield "output", value
        yield "name", input.name
