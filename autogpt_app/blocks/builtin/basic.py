"""Basic blocks: hold a value for later, sticky notes on the canvas, and showing a value on the run page.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext


class StoreValueBlock(Block):
    """Passes on a fixed value each time it is triggered (or the trigger itself when no value is set)."""

    id = "1ff065e9-88e8-4358-9d82-8dc91f622ba9"
    name = "Store value"
    autogpt_name = "StoreValueBlock"
    description = "Keeps a value and passes it on every time something arrives at its input."
    categories = (BlockCategory.BASIC,)

    class Input(BlockInput):
        input: Any = Field(description="Triggers the block; also the value passed on when 'data' is empty")
        data: Any = Field(default=None, description="The value to keep and pass on (optional)")

    class Output(BlockOutput):
        output: Any = Field(description="The kept value, or the trigger when no value is kept")

    examples = (
        BlockExample(input={"input": "Hello, World!"}, output=[("output", "Hello, World!")]),
        BlockExample(
            input={"input": "go", "data": {"city": "Paris"}},
            output=[("output", {"city": "Paris"})],
            description="a kept value wins over the trigger",
        ),
        BlockExample(
            input={"input": "go", "data": 0},
            output=[("output", 0)],
            description="zero and empty text are real values, not 'nothing'",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        yield "output", input.data if input.data is not None else input.input


class NoteBlock(Block):
    """A sticky note on the canvas; it documents the agent and passes its text on if linked."""

    id = "cc10ff7b-7753-4ff2-9af6-9399b1a7eddc"
    name = "Note"
    autogpt_name = "NoteBlock"
    description = "A sticky note for explaining part of the agent to people reading it."
    categories = (BlockCategory.BASIC,)

    class Input(BlockInput):
        text: str = Field(default="", description="The text of the note")

    class Output(BlockOutput):
        output: str = Field(description="The text of the note")

    examples = (
        BlockExample(
            input={"text": "Fetches the news, then summarises it."},
            output=[("output", "Fetches the news, then summarises it.")],
        ),
        BlockExample(input={}, output=[("output", "")], description="an empty note"),
    )

    async def run(self, input: Input, context: RunContext):
        yield "output", input.text


class PrintToConsoleBlock(Block):
    """Shows a value on the run page while building an agent, and passes it on unchanged."""

    id = "f3b1c1b2-4c4f-4f0d-8d2f-4c4f0d8d2f4c"
    name = "Print to console"
    autogpt_name = "PrintToConsoleBlock"
    description = (
        "Shows a value in this step's results on the run page, to check what flows through an agent, "
        "and passes it on. Nothing is written to the server's logs."
    )
    categories = (BlockCategory.BASIC,)

    class Input(BlockInput):
        text: Any = Field(description="The value to show")

    class Output(BlockOutput):
        output: Any = Field(description="The same value, passed on")
        status: str = Field(description="'printed' once the value is shown")

    examples = (
        BlockExample(input={"text": "Hello, World!"}, output=[("output", "Hello, World!"), ("status", "printed")]),
        BlockExample(
            input={"text": {"count": 3}},
            output=[("output", {"count": 3}), ("status", "printed")],
            description="any data",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        yield "output", input.text
        yield "status", "printed"
