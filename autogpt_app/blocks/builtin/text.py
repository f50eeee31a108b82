"""Text blocks: templates, joining and splitting, replacing, counting, changing case, regular expressions.

Ids and pin names follow AutoGPT's blocks of the same purpose, so its agent exports import.

Regular expressions come from agent authors and can be catastrophic (ReDoS: ``(a|aa)+$`` on a long
run of ``a``). They run with the third-party ``regex`` module, whose matching takes a ``timeout`` and
stops by itself (a thread could not be killed), in a worker thread so the event loop stays free, on
capped pattern and text sizes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import regex
from pydantic import Field

from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.blocks.templates import TemplateError, render_template

MAX_PATTERN_CHARS = 1_000
MAX_TEXT_CHARS = 1_000_000
MAX_MATCHES = 10_000
MAX_MATCHED_CHARS = 10_000_000
REGEX_TIMEOUT_SECONDS = 5.0
TIMEOUT_MESSAGE = "The pattern took too long to match."

T = TypeVar("T")


class RegexProblem(Exception):
    """A user pattern cannot be used; the message is fit for the run page."""


def as_text(value: Any) -> str:
    """Text as is; anything else as JSON (what flows between blocks is JSON-like)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def compile_pattern(pattern: str, *, case_sensitive: bool, dot_all: bool) -> regex.Pattern:
    """Compile a user's pattern.

    Raises:
        RegexProblem: too long or not a valid regular expression.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexProblem(f"The pattern is longer than {MAX_PATTERN_CHARS:,} characters.")
    flags = regex.VERSION0
    if not case_sensitive:
        flags |= regex.IGNORECASE
    if dot_all:
        flags |= regex.DOTALL
    try:
        return regex.compile(pattern, flags)
    except regex.error as exc:
        raise RegexProblem(f"The pattern is not a valid regular expression: {exc}.") from None
    except (ValueError, OverflowError, RecursionError, MemoryError):
        raise RegexProblem("The pattern is not a valid regular expression (it is too complex).") from None


async def run_regex(work: Callable[[], T]) -> T:
    """Run pattern work off the event loop; a match past the time limit becomes a readable problem."""
    try:
        return await asyncio.to_thread(work)
    except TimeoutError:
        raise RegexProblem(TIMEOUT_MESSAGE) from None
    except (RecursionError, MemoryError):
        raise RegexProblem("The pattern used too many resources and was stopped.") from None


def _check_text_size(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise RegexProblem(f"The text is longer than {MAX_TEXT_CHARS:,} characters.")


class FillTextTemplateBlock(Block):
    """Renders a sandboxed Jinja2 template with the given values."""

    id = "db7d8f02-2f44-4c55-ab7a-eae0941f0c30"
    name = "Fill text template"
    autogpt_name = "FillTextTemplateBlock"
    description = "Builds a text from a template, putting values where the template has {{ name }}."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        values: dict[str, Any] = Field(
            default_factory=dict, description="Values for the template, used by name, e.g. {{ name }}"
        )
        format: str = Field(description="The template (Jinja2), e.g. 'Hello {{ name }}!'")
        escape_html: bool = Field(default=False, description="Make inserted values safe to show in a web page")

    class Output(BlockOutput):
        output: str = Field(description="The finished text")

    examples = (
        BlockExample(
            input={"values": {"name": "Alice", "hello": "Hello"}, "format": "{{hello}}, {{ name }}!"},
            output=[("output", "Hello, Alice!")],
        ),
        BlockExample(
            input={"values": {"items": ["tea", "cake"]}, "format": "{% for i in items %}[{{ i }}]{% endfor %}"},
            output=[("output", "[tea][cake]")],
        ),
        BlockExample(
            input={"values": {"v": "<b>"}, "format": "{{ v }}", "escape_html": True},
            output=[("output", "&lt;b&gt;")],
        ),
        BlockExample(
            input={"values": {}, "format": "Hello {{ name "},
            output=[("error", lambda e: e.startswith("Template syntax error on line 1"))],
            description="a broken template gives a readable error",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            yield (
                "output",
                await render_template(
                    input.format, input.values, autoescape=input.escape_html, owner=context.user_id or None
                ),
            )
        except TemplateError as exc:
            yield "error", str(exc)


class CombineTextsBlock(Block):
    """Joins texts into one, with an optional delimiter between them."""

    id = "e30a4d42-7b7d-4e6a-b36e-1f9b8e3b7d85"
    name = "Combine texts"
    autogpt_name = "CombineTextsBlock"
    description = "Joins several texts into one, optionally with something (like a comma) between them."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        input: list[Any] = Field(
            default_factory=list, description="The texts to join, in order (numbers and other values become text)"
        )
        delimiter: str = Field(default="", description="What to put between the texts, e.g. ', '")
        # Older AutoGPT versions of this block joined two texts given apart; their exports still link them.
        input1: Any = Field(
            default=None, description="A first text, before the list (older agents)", json_schema_extra=ADVANCED
        )
        input2: Any = Field(
            default=None, description="A second text, after the first (older agents)", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        output: str = Field(description="The joined text")

    examples = (
        BlockExample(input={"input": ["Hello world I like ", "cake"]}, output=[("output", "Hello world I like cake")]),
        BlockExample(
            input={"input1": "Asked: ", "input2": "why?"},
            output=[("output", "Asked: why?")],
            description="the two texts of an older AutoGPT agent",
        ),
        BlockExample(input={"input": ["a", "b", 3], "delimiter": ", "}, output=[("output", "a, b, 3")]),
        BlockExample(input={"input": []}, output=[("output", "")], description="nothing to join"),
    )

    async def run(self, input: Input, context: RunContext):
        texts = [*(t for t in (input.input1, input.input2) if t is not None), *input.input]
        yield "output", input.delimiter.join("" if v is None else as_text(v) for v in texts)


class TextSplitBlock(Block):
    """Splits a text into a list at each delimiter."""

    id = "d5ea33c8-a575-477a-b42f-2fe3be5055ec"
    name = "Split text"
    autogpt_name = "TextSplitBlock"
    description = "Cuts a text into a list of pieces wherever a separator (like a comma) appears."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(description="The text to split")
        delimiter: str = Field(default=",", description="Where to cut, e.g. ',' or a line break")
        strip: bool = Field(default=True, description="Remove spaces around each piece")

    class Output(BlockOutput):
        texts: list[str] = Field(description="The pieces, in order")

    examples = (
        BlockExample(input={"text": "Hello, World!", "delimiter": ","}, output=[("texts", ["Hello", "World!"])]),
        BlockExample(
            input={"text": "Hello, World!", "delimiter": ",", "strip": False}, output=[("texts", ["Hello", " World!"])]
        ),
        BlockExample(input={"text": ""}, output=[("texts", [])], description="empty text gives no pieces"),
        BlockExample(
            input={"text": "a b", "delimiter": ""},
            output=[("error", "The delimiter cannot be empty.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if not input.delimiter:
            yield "error", "The delimiter cannot be empty."
            return
        if not input.text:
            yield "texts", []
            return
        pieces = input.text.split(input.delimiter)
        yield "texts", [p.strip() for p in pieces] if input.strip else pieces


class TextReplaceBlock(Block):
    """Replaces every occurrence of one text with another."""

    id = "7e7c87ab-3469-4bcc-9abe-67705091b713"
    name = "Replace text"
    autogpt_name = "TextReplaceBlock"
    description = "Replaces every place a text appears with another text."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(description="The text to change")
        old: str = Field(description="What to look for (when empty, nothing is replaced)")
        new: str = Field(default="", description="What to put in its place")

    class Output(BlockOutput):
        output: str = Field(description="The changed text")

    examples = (
        BlockExample(input={"text": "Hello, World!", "old": "Hello", "new": "Hi"}, output=[("output", "Hi, World!")]),
        BlockExample(input={"text": "a-b-c", "old": "-", "new": ""}, output=[("output", "abc")]),
        BlockExample(
            input={"text": "abc", "old": "", "new": "x"}, output=[("output", "abc")], description="empty 'old'"
        ),
    )

    async def run(self, input: Input, context: RunContext):
        yield "output", input.text.replace(input.old, input.new) if input.old else input.text


class WordCharacterCountBlock(Block):
    """Counts the words (separated by spaces or line breaks) and characters of a text."""

    id = "ab2a782d-22cf-4587-8a70-55b59b3f9f90"
    name = "Count words and characters"
    autogpt_name = "WordCharacterCountBlock"
    description = "Counts how many words and how many characters a text has."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(description="The text to count")

    class Output(BlockOutput):
        word_count: int = Field(description="Number of words")
        character_count: int = Field(description="Number of characters, spaces included")

    examples = (
        BlockExample(input={"text": "Hello, how are you?"}, output=[("word_count", 4), ("character_count", 19)]),
        BlockExample(input={"text": ""}, output=[("word_count", 0), ("character_count", 0)]),
        BlockExample(input={"text": "  two\n words  "}, output=[("word_count", 2), ("character_count", 14)]),
    )

    async def run(self, input: Input, context: RunContext):
        yield "word_count", len(input.text.split())
        yield "character_count", len(input.text)


_WORDS = regex.compile(r"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+")
_SENTENCE_START = regex.compile(r"(^\s*|[.!?]\s+)(\p{L})")

Case = Literal["upper", "lower", "title", "sentence", "snake", "kebab", "camel"]


def change_case(text: str, case: str) -> str:
    """Return ``text`` in ``case`` (one of :data:`Case`)."""
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    if case == "title":  # unlike str.title, "they're" stays "They're"
        return regex.sub(r"\S+", lambda m: m[0][:1].upper() + m[0][1:].lower(), text)
    if case == "sentence":
        return _SENTENCE_START.sub(lambda m: m[1] + m[2].upper(), text.lower())
    words = [w.lower() for w in _WORDS.findall(text)]
    if case == "snake":
        return "_".join(words)
    if case == "kebab":
        return "-".join(words)
    return "".join(w if i == 0 else w[:1].upper() + w[1:] for i, w in enumerate(words))  # camel


class ChangeCaseBlock(Block):
    """Changes the letter case of a text, or rewrites it as an identifier (snake_case, kebab-case, camelCase)."""

    id = "b223af6b-8fcc-4476-98cd-f1f45b5e81c4"
    name = "Change case"
    description = "Changes a text to capitals, small letters, Title Case, Sentence case, snake_case and so on."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(description="The text to change")
        case: Case = Field(
            default="lower", description="upper, lower, title, sentence, snake (a_b), kebab (a-b) or camel (aB)"
        )

    class Output(BlockOutput):
        output: str = Field(description="The text in the chosen case")

    examples = (
        BlockExample(input={"text": "hello world", "case": "upper"}, output=[("output", "HELLO WORLD")]),
        BlockExample(input={"text": "they're HERE", "case": "title"}, output=[("output", "They're Here")]),
        BlockExample(
            input={"text": "HELLO. how ARE you?", "case": "sentence"}, output=[("output", "Hello. How are you?")]
        ),
        BlockExample(
            input={"text": "Parse HTTPResponse now!", "case": "snake"}, output=[("output", "parse_http_response_now")]
        ),
        BlockExample(input={"text": "user id 2", "case": "kebab"}, output=[("output", "user-id-2")]),
        BlockExample(input={"text": "first-name of user", "case": "camel"}, output=[("output", "firstNameOfUser")]),
        BlockExample(input={"text": "", "case": "camel"}, output=[("output", "")], description="empty text"),
    )

    async def run(self, input: Input, context: RunContext):
        yield "output", change_case(input.text, input.case)


class MatchTextPatternBlock(Block):
    """Routes data to 'positive' or 'negative' depending on whether a text matches a regular expression."""

    id = "3060088f-6ed9-4928-9ba7-9c92823a7ccd"
    name = "Match text pattern"
    autogpt_name = "MatchTextPatternBlock"
    description = "Checks whether a text fits a pattern and sends the data down the 'yes' or the 'no' path."
    categories = (BlockCategory.TEXT, BlockCategory.LOGIC)

    class Input(BlockInput):
        text: Any = Field(description="The text to check (other values are checked as JSON)")
        match: str = Field(description="The pattern (a regular expression), e.g. '^order-\\d+$'")
        data: Any = Field(default=None, description="What to pass on (the text itself when empty)")
        case_sensitive: bool = Field(default=True, description="Treat capitals and small letters as different")
        dot_all: bool = Field(default=True, description="Let '.' match line breaks too")

    class Output(BlockOutput):
        positive: Any = Field(description="The data, when the text matches")
        negative: Any = Field(description="The data, when the text does not match")

    examples = (
        BlockExample(
            input={"text": "ABC", "match": "ab", "data": "X", "case_sensitive": False}, output=[("positive", "X")]
        ),
        BlockExample(input={"text": "ABC", "match": "ab", "data": "Y"}, output=[("negative", "Y")]),
        BlockExample(input={"text": "Hello World!", "match": ".orld.+"}, output=[("positive", "Hello World!")]),
        BlockExample(input={"text": {"n": 42}, "match": '"n": 4\\d', "data": 1}, output=[("positive", 1)]),
        BlockExample(
            input={"text": "abc", "match": "(a"},
            output=[("error", "The pattern is not a valid regular expression: missing ) at position 2.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        data = input.data if input.data is not None else input.text
        text = as_text(input.text)

        def work() -> bool:
            _check_text_size(text)
            compiled = compile_pattern(input.match, case_sensitive=input.case_sensitive, dot_all=input.dot_all)
            return compiled.search(text, timeout=REGEX_TIMEOUT_SECONDS, concurrent=True) is not None

        try:
            matched = await run_regex(work)
        except RegexProblem as exc:
            yield "error", str(exc)
            return
        yield ("positive" if matched else "negative"), data


class ExtractTextInformationBlock(Block):
    """Pulls the parts of a text that match a regular expression (or one group of it)."""

    id = "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0"
    name = "Extract text information"
    autogpt_name = "ExtractTextInformationBlock"
    description = "Finds the parts of a text that fit a pattern, like every e-mail address or an order number."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: Any = Field(description="The text to search (other values are searched as JSON)")
        pattern: str = Field(description="The pattern (a regular expression), e.g. 'Order (\\d+)'")
        group: int = Field(default=0, description="Which bracketed group to take (0: the whole match)")
        case_sensitive: bool = Field(default=True, description="Treat capitals and small letters as different")
        dot_all: bool = Field(default=True, description="Let '.' match line breaks too")
        find_all: bool = Field(default=False, description="Take every match, not only the first")

    class Output(BlockOutput):
        positive: str = Field(description="A match (one output per match when 'find all' is on)")
        negative: Any = Field(description="The original text, when nothing matches")
        matched_results: list[str] = Field(description="Every match taken")
        matched_count: int = Field(description="How many matches were taken")

    examples = (
        BlockExample(
            input={"text": "Hello, World!", "pattern": "Hello, (.+)", "group": 1},
            output=[("positive", "World!"), ("matched_results", ["World!"]), ("matched_count", 1)],
        ),
        BlockExample(
            input={"text": "Hello, World!! Hello, Earth!!", "pattern": "Hello, (\\S+)", "group": 1, "find_all": True},
            output=[
                ("positive", "World!!"),
                ("positive", "Earth!!"),
                ("matched_results", ["World!!", "Earth!!"]),
                ("matched_count", 2),
            ],
        ),
        BlockExample(
            input={"text": "Hello, World!", "pattern": "Hello, (.+)", "group": 2},
            output=[("negative", "Hello, World!"), ("matched_results", []), ("matched_count", 0)],
            description="a group the pattern does not have: no match",
        ),
        BlockExample(
            input={"text": "x", "pattern": "a" * 1001},
            output=[("error", "The pattern is longer than 1,000 characters.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if input.group < 0:
            yield "error", "The group number cannot be negative."
            return
        text = as_text(input.text)

        def work() -> list[str]:
            _check_text_size(text)
            compiled = compile_pattern(input.pattern, case_sensitive=input.case_sensitive, dot_all=input.dot_all)
            if input.group > compiled.groups:
                return []
            found: list[str] = []
            size = 0
            for match in compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS, concurrent=True):
                part = match.group(input.group) or ""
                size += len(part)
                if size > MAX_MATCHED_CHARS:
                    raise RegexProblem(f"The matches are longer than {MAX_MATCHED_CHARS:,} characters in all.")
                found.append(part)
                if not input.find_all or len(found) >= MAX_MATCHES:
                    break
            return found

        try:
            matches = await run_regex(work)
        except RegexProblem as exc:
            yield "error", str(exc)
            return
        for match in matches:
            yield "positive", match
        if not matches:
            yield "negative", input.text
        yield "matched_results", matches
        yield "matched_count", len(matches)
