"""Language-model blocks: text generation, structured (JSON) answers and summaries of long texts.

They speak the OpenAI chat-completions API through :mod:`~autogpt_app.blocks.builtin._llm_client`
(which describes how the credential, base URL and model are chosen, and the retries), so any
compatible server works (OpenAI, Ollama, vLLM, LM Studio, ...). Failures come out on the ``error`` pin in
plain words; the API key never appears in outputs, errors or logs.

Ids and pin names follow AutoGPT's ``AITextGeneratorBlock``, ``AIStructuredResponseGeneratorBlock``
and ``AITextSummarizerBlock`` so its agent exports import. ``model`` takes any name (AutoGPT's exports
name models of many providers); the client asks the person's endpoint for it or replaces it, with a
note. AutoGPT's ``ollama_host`` and ``compress_prompt_to_fit`` are accepted and have no effect: the
credential's base URL decides where the model runs.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Coroutine, Iterable
from typing import Any, Literal, TypeVar

from pydantic import Field

from autogpt_app.blocks.builtin._llm_client import NO_CREDENTIAL, ChatModel, LLMError, endpoint_for
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)

T = TypeVar("T")

MAX_PROMPT_CHARS = 500_000
MAX_SUMMARY_TEXT_CHARS = 1_000_000
MAX_SUMMARY_CHUNKS = 100
SUMMARY_PARALLEL_CALLS = 4

CREDENTIALS = (
    CredentialRequirement(
        field="credentials",
        provider="openai",
        types=("api_key",),
        description="An API key for OpenAI or any OpenAI-compatible server (its base_url and model in the settings)",
    ),
)

EXAMPLE_SECRETS = {
    "credentials": {
        "provider": "openai",
        "type": "api_key",
        "api_key": "sk-test-xxxxxxxx",
        "meta": {"base_url": "http://10.0.0.1/v1"},  # type: ignore[dict-item]
    }
}
EXAMPLE_SECRETS_FILE = {
    "credentials": {
        "provider": "openai",
        "type": "api_key",
        "api_key": "sk-test-xxxxxxxx",
        "meta": {"base_url": "file:///etc/passwd"},  # type: ignore[dict-item]
    }
}
BLOCKED_BASE_URL = (
    "The language model address is refused: Requests to private or local addresses are not allowed (10.0.0.1)."
)
FILE_BASE_URL = "The language model address is refused: Only http:// and https:// URLs are allowed (scheme: file:)."


def fill_prompt(prompt: str, values: dict[str, Any]) -> str:
    """Put ``values`` where the prompt has ``{{ name }}`` (names not given stay as they are)."""
    if not values:
        return prompt

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)

    return re.sub(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", replace, prompt)


def _messages(sys_prompt: str, prompt: str) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": sys_prompt}] if sys_prompt.strip() else []
    messages.append({"role": "user", "content": prompt})
    return messages


ADVANCED = {"advanced": True}


class _LLMInput(BlockInput):
    model: str = Field(
        default="",
        description="Model name, of any provider (empty: the credential's model, then the platform's); "
        "a model your endpoint does not serve is replaced by the credential's, with a note on the run",
    )
    credentials: CredentialsRef | None = Field(default=None, description="API key of the model provider")
    ollama_host: str = Field(
        default="localhost:11434",
        description="Kept for AutoGPT agents; unused: the credential's base URL says where the model runs",
        json_schema_extra=ADVANCED,
    )


class AITextGeneratorBlock(Block):
    """Asks a language model a question and passes on its answer."""

    id = "1f292d4a-41a4-4977-9684-7c8d560b9f91"
    name = "AI text generator"
    autogpt_name = "AITextGeneratorBlock"
    description = "Sends a prompt to a language model (OpenAI or any compatible server) and passes on its answer."
    categories = (BlockCategory.AI, BlockCategory.TEXT)
    credentials = CREDENTIALS

    class Input(_LLMInput):
        prompt: str = Field(max_length=MAX_PROMPT_CHARS, description="What to ask; {{ name }} takes prompt_values")
        sys_prompt: str = Field(default="", max_length=MAX_PROMPT_CHARS, description="Instructions for the model")
        max_tokens: int | None = Field(default=None, ge=1, description="Longest answer, in tokens (empty: no limit)")
        prompt_values: dict[str, Any] = Field(default_factory=dict, description="Values for {{ name }} in the prompt")
        retry: int = Field(
            default=3, ge=1, le=10, description="How often to ask when the answer is empty", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        response: str = Field(description="The model's answer")
        prompt: list[dict[str, str]] = Field(description="The messages sent to the model")

    examples = (
        BlockExample(
            input={"prompt": "Hello"}, output=[("error", BLOCKED_BASE_URL)], secrets=EXAMPLE_SECRETS
        ),  # a base_url on a private address is refused before any connection
        BlockExample(input={"prompt": "Hello"}, output=[("error", FILE_BASE_URL)], secrets=EXAMPLE_SECRETS_FILE),
        BlockExample(input={"prompt": "Hello"}, output=[("error", NO_CREDENTIAL)], description="no credential"),
    )

    async def run(self, input: Input, context: RunContext):
        messages = _messages(input.sys_prompt, fill_prompt(input.prompt, input.prompt_values))
        try:
            async with ChatModel(endpoint_for(context, input.model), context) as model:
                answer = ""
                for _attempt in range(input.retry):
                    answer = await model.complete(messages, max_tokens=input.max_tokens)
                    if answer.strip():
                        break
        except LLMError as exc:
            yield "error", str(exc)
            return
        yield "response", answer
        yield "prompt", messages


# ---------------------------------------------------------------------------------------------
# Structured answers
# ---------------------------------------------------------------------------------------------


def format_instructions(expected: dict[str, str], *, as_list: bool = False) -> str:
    """What the model is told about the shape of its answer."""
    fields = "\n".join(f'- "{key}": {description}' for key, description in expected.items())
    shape = (
        "one JSON array of objects and nothing else (no code fences, no text around it). Each object"
        if as_list
        else "one JSON object and nothing else (no code fences, no text around it). It"
    )
    blank = 'If you cannot give a value, use an empty string "".'
    return f"Answer with {shape} must have exactly these keys:\n{fields}\n{blank}"


def _json_in(text: str, opener: str, closer: str) -> Any:
    candidate = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", candidate, re.DOTALL)
    if fenced:
        candidate = fenced.group(1).strip()
    try:
        return json.loads(candidate)
    except ValueError:
        start, end = candidate.find(opener), candidate.rfind(closer)
        try:
            return json.loads(candidate[start : end + 1]) if 0 <= start < end else None
        except ValueError:
            return None


def _with_keys(data: dict[str, Any], expected: dict[str, str]) -> dict[str, Any]:
    missing = [key for key in expected if key not in data]
    if missing:
        raise ValueError(f"Your answer is missing the keys: {', '.join(missing)}.")
    return {key: data[key] for key in expected}


def parse_structured(text: str, expected: dict[str, str]) -> dict[str, Any]:
    """The JSON object in a model's answer, reduced to the expected keys.

    Raises:
        ValueError: no JSON object, or keys missing (the message tells the model what to fix).
    """
    data = _json_in(text, "{", "}")
    if not isinstance(data, dict):
        raise ValueError("Your answer did not contain a valid JSON object.")
    return _with_keys(data, expected)


def parse_structured_list(text: str, expected: dict[str, str]) -> list[dict[str, Any]]:
    """The JSON array of objects in a model's answer, each reduced to the expected keys.

    Raises:
        ValueError: no JSON array of objects, or keys missing (the message tells the model what to fix).
    """
    data = _json_in(text, "[", "]")
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"items": [...]}: the array inside
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("Your answer did not contain a valid JSON array of objects.")
    return [_with_keys(item, expected) for item in data]


class AIStructuredResponseGeneratorBlock(Block):
    """Asks a language model for an answer with named fields (a JSON object)."""

    id = "ed55ac19-356e-4243-a6cb-bc599e9b716f"
    name = "AI structured response"
    autogpt_name = "AIStructuredResponseGeneratorBlock"
    description = (
        "Asks a language model for an answer with the fields you name, checks it, and asks again "
        "when the answer is not valid JSON or misses a field."
    )
    categories = (BlockCategory.AI, BlockCategory.DATA)
    credentials = CREDENTIALS

    class Input(_LLMInput):
        prompt: str = Field(max_length=MAX_PROMPT_CHARS, description="What to ask; {{ name }} takes prompt_values")
        expected_format: dict[str, str] = Field(
            description="The fields of the answer: name → what it should hold, e.g. {'city': 'the capital'}"
        )
        sys_prompt: str = Field(default="", max_length=MAX_PROMPT_CHARS, description="Instructions for the model")
        retry: int = Field(default=3, ge=1, le=10, description="How many times to ask before giving up")
        max_tokens: int | None = Field(default=None, ge=1, description="Longest answer, in tokens (empty: no limit)")
        prompt_values: dict[str, Any] = Field(default_factory=dict, description="Values for {{ name }} in the prompt")
        list_result: bool = Field(default=False, description="Ask for a list of answers, each with those fields")
        conversation_history: list[dict[str, Any]] | None = Field(
            default_factory=list, description="Earlier messages of the conversation, sent before the prompt"
        )
        force_json_output: bool = Field(
            default=False,
            description="Ask the endpoint for JSON only (its json_object mode; not every server has it)",
            json_schema_extra=ADVANCED,
        )
        compress_prompt_to_fit: bool = Field(
            default=True, description="Kept for AutoGPT agents; unused here", json_schema_extra=ADVANCED
        )

    class Output(BlockOutput):
        response: dict[str, Any] | list[dict[str, Any]] = Field(
            description="The answer, with exactly the fields asked for (a list of them with list_result)"
        )
        prompt: list[dict[str, Any]] = Field(description="The messages sent to the model")

    examples = (
        BlockExample(
            input={"prompt": "Capital of France?", "expected_format": {"city": "the capital"}},
            output=[("error", BLOCKED_BASE_URL)],
            secrets=EXAMPLE_SECRETS,
        ),
        BlockExample(
            input={"prompt": "Capital of France?", "expected_format": {}},
            output=[("error", "Name at least one field in expected_format.")],
            secrets=EXAMPLE_SECRETS,
        ),
        BlockExample(
            input={"prompt": "Capital of France?", "expected_format": {"city": "the capital"}},
            output=[("error", NO_CREDENTIAL)],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        if not input.expected_format:
            yield "error", "Name at least one field in expected_format."
            return
        shape = format_instructions(input.expected_format, as_list=input.list_result)
        system = "\n\n".join(p for p in (input.sys_prompt.strip(), shape) if p)
        messages = _messages(system, fill_prompt(input.prompt, input.prompt_values))
        history = [m for m in input.conversation_history or [] if isinstance(m, dict) and m.get("role") != "system"]
        messages[-1:-1] = history
        parse = parse_structured_list if input.list_result else parse_structured
        json_only = input.force_json_output and not input.list_result  # json_object mode answers objects only
        problem = ""
        try:
            async with ChatModel(endpoint_for(context, input.model), context) as model:
                for _attempt in range(input.retry):
                    answer = await model.complete(messages, max_tokens=input.max_tokens, json_object=json_only)
                    try:
                        result = parse(answer, input.expected_format)
                    except ValueError as exc:
                        problem = str(exc)
                        messages = [
                            *messages,
                            {"role": "assistant", "content": answer},
                            {"role": "user", "content": f"{problem} {shape}"},
                        ]
                        continue
                    yield "response", result
                    yield "prompt", messages
                    return
        except LLMError as exc:
            yield "error", str(exc)
            return
        tries = "once" if input.retry == 1 else f"{input.retry} times"
        yield "error", f"The model did not give a valid answer after being asked {tries}: {problem}"


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------

SummaryStyle = Literal["concise", "detailed", "bullet points", "numbered list"]


def split_words(text: str, size: int, overlap: int) -> list[str]:
    """``text`` in pieces of ``size`` words, each sharing ``overlap`` words with the one before."""
    words = text.split()
    overlap = min(max(overlap, 0), size // 2)  # a large overlap would make pieces of almost the same text
    step = max(1, size - overlap)
    chunks = []
    for start in range(0, len(words), step):
        chunks.append(" ".join(words[start : start + size]))
        if start + size >= len(words):
            break
    return chunks


async def _all(coroutines: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Run ``coroutines`` together; the first failure cancels the others and is raised as is."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coroutines]
    except BaseExceptionGroup as failures:
        first: BaseException = failures
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None
    return [task.result() for task in tasks]


def group_words(texts: list[str], size: int) -> list[list[str]]:
    """Consecutive ``texts`` in groups of at most ``size`` words (at least two texts per group)."""
    groups: list[list[str]] = []
    current: list[str] = []
    words = 0
    for text in texts:
        count = len(text.split())
        if len(current) >= 2 and words + count > size:
            groups.append(current)
            current, words = [], 0
        current.append(text)
        words += count
    if len(current) == 1 and groups:
        groups[-1].append(current[0])
    elif current:
        groups.append(current)
    return groups


class AITextSummarizerBlock(Block):
    """Summarises a text of any length with a language model."""

    id = "a0a69be1-4528-491c-a85a-a4ab6873e3f0"
    name = "AI text summarizer"
    autogpt_name = "AITextSummarizerBlock"
    description = (
        "Summarises a text of any length with a language model: long texts are cut into pieces, each "
        "piece is summarised, and the summaries are combined."
    )
    categories = (BlockCategory.AI, BlockCategory.TEXT)
    credentials = CREDENTIALS
    timeout_seconds = 900.0

    class Input(_LLMInput):
        text: str = Field(max_length=MAX_SUMMARY_TEXT_CHARS, description="The text to summarise")
        focus: str = Field(default="general information", max_length=1_000, description="What the summary is about")
        style: SummaryStyle = Field(default="concise", description="How the summary is written")
        max_tokens: int = Field(
            default=4096, ge=16, le=200_000, description="Size of each piece of text (in words) and longest summary"
        )
        chunk_overlap: int = Field(default=100, ge=0, description="Words each piece shares with the one before")

    class Output(BlockOutput):
        summary: str = Field(description="The summary")
        prompt: list[dict[str, str]] = Field(description="The messages of the last request to the model")

    examples = (
        BlockExample(input={"text": "A long story."}, output=[("error", BLOCKED_BASE_URL)], secrets=EXAMPLE_SECRETS),
        BlockExample(
            input={"text": "   "}, output=[("error", "There is no text to summarise.")], secrets=EXAMPLE_SECRETS
        ),
        BlockExample(input={"text": "A long story."}, output=[("error", NO_CREDENTIAL)]),
    )

    def _prompt(self, input: Input, text: str, *, combine: bool) -> list[dict[str, str]]:
        what = "these partial summaries of one text into a single summary" if combine else "the following text"
        system = (
            f"You write {input.style} summaries focused on {input.focus}. "
            "Keep the facts, leave out filler, and answer with the summary only."
        )
        return _messages(system, f"Summarise {what}:\n\n{text}")

    async def run(self, input: Input, context: RunContext):
        if not input.text.strip():
            yield "error", "There is no text to summarise."
            return
        chunks = split_words(input.text, input.max_tokens, input.chunk_overlap)
        if len(chunks) > MAX_SUMMARY_CHUNKS:
            problem = (
                f"The text is too long to summarise in pieces of {input.max_tokens} words "
                f"({len(chunks)} pieces; the limit is {MAX_SUMMARY_CHUNKS}). Raise max_tokens or shorten the text."
            )
            yield "error", problem
            return
        try:
            async with ChatModel(endpoint_for(context, input.model), context) as model:
                gate = asyncio.Semaphore(SUMMARY_PARALLEL_CALLS)

                async def summarise(text: str, combine: bool) -> tuple[str, list[dict[str, str]]]:
                    messages = self._prompt(input, text, combine=combine)
                    async with gate:
                        return await model.complete(messages, max_tokens=input.max_tokens), messages

                results = await _all(summarise(chunk, False) for chunk in chunks)
                for round_ in range(3):
                    if len(results) == 1:
                        break
                    summaries = [text.strip() for text, _ in results]
                    if sum(len(s.split()) for s in summaries) <= input.max_tokens or round_ == 2:
                        results = [await summarise("\n\n".join(summaries), True)]
                    else:  # too long to combine at once: combine neighbours first
                        groups = group_words(summaries, input.max_tokens)
                        results = await _all(summarise("\n\n".join(g), True) for g in groups)
                summary, messages = results[0]
        except LLMError as exc:
            yield "error", str(exc)
            return
        yield "summary", summary.strip()
        yield "prompt", messages
