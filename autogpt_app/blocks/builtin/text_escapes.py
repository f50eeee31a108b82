"""Turning escape sequences (``\\n``, ``\\t``, ``\\"``, ``\\u00e9``…) into the characters they stand for.

AutoGPT's TextDecoderBlock, with its id and pins. Unlike Python's ``unicode_escape`` codec, letters
outside ASCII that are already in the text are left as they are (``café`` stays ``café``).
"""

from __future__ import annotations

import re

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

_SIMPLE = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "0": "\0",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
}
# A surrogate pair (how JSON writes an emoji: \ud83d\ude00) first, then single escapes.
_ESCAPE = re.compile(
    r"\\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\(?P<code>U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)",
    re.DOTALL,
)


def _replace(match: re.Match[str]) -> str:
    if match.group("high"):
        high, low = int(match.group("high"), 16), int(match.group("low"), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    code = match.group("code")
    if code[0] in "uUx" and len(code) > 1:
        number = int(code[1:], 16)
        # A lone surrogate or a number past Unicode is no character: keep the escape as written.
        return chr(number) if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else match.group(0)
    return _SIMPLE.get(code, match.group(0))


def decode_escapes(text: str) -> str:
    """Replace the escape sequences in ``text``; an unknown one (``\\q``) is kept as written."""
    return _ESCAPE.sub(_replace, text)


class TextDecoderBlock(Block):
    """Turns escape sequences such as \\n and \\" in text into real new lines, quotes and letters."""

    id = "2570e8fe-8447-43ed-84c7-70d657923231"
    name = "Decode escaped text"
    autogpt_name = "TextDecoderBlock"
    description = (
        'Turns written-out escapes like \\n, \\t, \\" or \\u00e9 into real new lines, tabs, quotes and letters.'
    )
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(description='The text with escapes, e.g. Hello\\nWorld or say \\"hi\\"')

    class Output(BlockOutput):
        decoded_text: str = Field(description="The text with the escapes turned into characters")

    examples = (
        BlockExample(
            input={"text": 'Hello\\nWorld!\\nThis is a \\"quoted\\" string.'},
            output=[("decoded_text", 'Hello\nWorld!\nThis is a "quoted" string.')],
        ),
        BlockExample(
            input={"text": "café \\u00e9t\\u00e9 \\U0001F600 \\ud83d\\ude00 \\ud83d \\q"},
            output=[("decoded_text", "café été 😀 😀 \\ud83d \\q")],
            description="letters already there stay; an unknown escape is kept",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        yield "decoded_text", decode_escapes(input.text)
