"""Taking the fenced code blocks (```python … ```) out of text, by language: AutoGPT's CodeExtractionBlock.

Typical use: an AI answer with code in it, whose code goes one way and explanation another. Code
blocks of one language are joined with a blank line between them; blocks in a language not listed
stay in the remaining text.
"""

from __future__ import annotations

import re

from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

#: Output pin → the fence tags that mean it (matched without regard to case).
LANGUAGES: dict[str, tuple[str, ...]] = {
    "html": ("html", "htm"),
    "css": ("css",),
    "javascript": ("javascript", "js"),
    "python": ("python", "py"),
    "sql": ("sql",),
    "java": ("java",),
    "cpp": ("cpp", "c++"),
    "csharp": ("csharp", "c#", "cs"),
    "json_code": ("json",),
    "bash": ("bash", "shell", "sh"),
    "php": ("php",),
    "ruby": ("ruby", "rb"),
    "yaml": ("yaml", "yml"),
    "markdown": ("markdown", "md"),
    "typescript": ("typescript", "ts"),
    "xml": ("xml",),
}
#: Longest text read, in characters.
MAX_TEXT_CHARS = 1_000_000
_PIN_OF_TAG = {tag: pin for pin, tags in LANGUAGES.items() for tag in tags}
# ```tag, optional spaces, a new line, the code (as little as possible), a new line, ```.
_FENCE = re.compile(r"```(?P<tag>[^\s`]*)[ \t]*\n(?P<code>.*?)\n?```", re.DOTALL)


def extract_code(text: str) -> tuple[dict[str, str], str]:
    """The code of each listed language in ``text``, and the text left without those code blocks."""
    found: dict[str, list[str]] = {}
    kept: list[str] = []
    last = 0
    for match in _FENCE.finditer(text):
        pin = _PIN_OF_TAG.get(match.group("tag").lower())
        if pin is None:
            continue
        found.setdefault(pin, []).append(match.group("code").strip())
        kept.append(text[last : match.start()])
        last = match.end()
    kept.append(text[last:])
    remaining = re.sub(r"\n\s*\n", "\n", "".join(kept).strip())
    return {pin: "\n\n".join(found[pin]) for pin in LANGUAGES if pin in found}, remaining


class CodeExtractionBlock(Block):
    """Sorts the fenced code blocks of a text by language and gives the text that is left."""

    id = "d3a7d896-3b78-4f44-8b4b-48fbf4f0bcd8"
    name = "Extract code"
    autogpt_name = "CodeExtractionBlock"
    description = (
        "Takes the code blocks (between ``` fences) out of a text, such as an AI answer, sorted by "
        "language, and gives the explanation that is left."
    )
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(description="The text with code blocks, e.g. an AI answer")

    class Output(BlockOutput):
        html: str = Field(description="The HTML code")
        css: str = Field(description="The CSS code")
        javascript: str = Field(description="The JavaScript code")
        python: str = Field(description="The Python code")
        sql: str = Field(description="The SQL code")
        java: str = Field(description="The Java code")
        cpp: str = Field(description="The C++ code")
        csharp: str = Field(description="The C# code")
        json_code: str = Field(description="The JSON")
        bash: str = Field(description="The shell (Bash) code")
        php: str = Field(description="The PHP code")
        ruby: str = Field(description="The Ruby code")
        yaml: str = Field(description="The YAML")
        markdown: str = Field(description="The Markdown")
        typescript: str = Field(description="The TypeScript code")
        xml: str = Field(description="The XML")
        remaining_text: str = Field(description="The text without those code blocks")

    examples = (
        BlockExample(
            input={
                "text": "Here's a Python example:\n```python\nprint('Hello World')\n```\n"
                "And some HTML:\n```HTML\n<h1>Title</h1>\n```"
            },
            output=[
                ("html", "<h1>Title</h1>"),
                ("python", "print('Hello World')"),
                ("remaining_text", "Here's a Python example:\nAnd some HTML:"),
            ],
        ),
        BlockExample(
            input={"text": "```py\na = 1\n```\n```python\nb = 2\n```\n```rust\nfn main() {}\n```"},
            output=[("python", "a = 1\n\nb = 2"), ("remaining_text", "```rust\nfn main() {}\n```")],
            description="blocks of one language are joined; an unlisted language stays in the text",
        ),
        BlockExample(input={"text": "No code here."}, output=[("remaining_text", "No code here.")]),
    )

    async def run(self, input: Input, context: RunContext):
        if len(input.text) > MAX_TEXT_CHARS:
            yield "error", f"The text is too long ({len(input.text):,} characters; the limit is {MAX_TEXT_CHARS:,})."
            return
        code, remaining = extract_code(input.text)
        for pin, text in code.items():
            yield pin, text
        if remaining:
            yield "remaining_text", remaining
