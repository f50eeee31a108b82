"""The block SDK: what a block declares and what it receives when it runs.

A block is a class with a fixed UUID, a name, a description, categories, a pydantic ``Input``
and ``Output`` schema, optional credential requirements, example cases, and an async ``run``
that yields ``(pin, value)`` pairs::

    class UpperCaseBlock(Block):
        id = "0b6d3a52-…"
        name = "Upper case"
        description = "Turns text into upper case."
        categories = (BlockCategory.TEXT,)

        class Input(BlockInput):
            text: str = Field(description="Text to change")

        class Output(BlockOutput):
            result: str = Field(description="The text in upper case")

        examples = (BlockExample(input={"text": "hi"}, output=[("result", "HI")]),)

        async def run(self, input: Input, context: RunContext):
            yield "result", input.text.upper()

Blocks never import Reflex, never touch the database directly, and reach the network only
through ``context.http`` (the SSRF-guarded client), so the engine can run them anywhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from autogpt_app.timeutil import utcnow


class BlockCategory(StrEnum):
    """Shelves of the block catalogue."""

    INPUT = "input"
    OUTPUT = "output"
    BASIC = "basic"
    TEXT = "text"
    DATA = "data"
    LOGIC = "logic"
    MATH = "math"
    TIME = "time"
    WEB = "web"
    AI = "ai"
    COMMUNICATION = "communication"
    AGENT = "agent"


class BlockInput(BaseModel):
    """Base of every block's input schema. Unknown keys are ignored (AutoGPT exports carry UI-only
    fields such as ``advanced``); validation of links to unknown pins happens at graph level."""

    model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)


class BlockOutput(BaseModel):
    """Base of every block's output schema. ``error`` is the conventional failure pin."""

    model_config = ConfigDict(extra="forbid")

    error: str = Field(default="", description="Why the block failed, if it did")


class CredentialsRef(BaseModel):
    """What a graph stores for a credential input: which of the user's credentials to use."""

    id: str
    provider: str = ""
    type: str = ""
    title: str = ""


@dataclass(frozen=True)
class CredentialRequirement:
    """A block's need for one credential, bound to the input field that holds its reference."""

    field: str
    provider: str
    types: tuple[str, ...]
    description: str = ""
    optional: bool = False


@dataclass(frozen=True)
class BlockExample:
    """One example case: inputs and the outputs expected, in order.

    ``output`` items are ``(pin, value)``; a value may be a callable taking the produced value and
    returning whether it is acceptable (for outputs such as the current time).
    ``secrets`` supplies credential fields by input field name, for blocks that need one.
    """

    input: dict[str, Any]
    output: list[tuple[str, Any]]
    description: str = ""
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)


class CredentialSecret(BaseModel):
    """A decrypted credential, given to a block run only. Its secret fields never print."""

    id: str
    provider: str
    type: str
    api_key: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    host: str | None = None
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)
    #: OAuth 2.0 credentials (type ``oauth2``): the app's client and the person's refresh token.
    client_id: str | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None


class SubgraphResult(BaseModel):
    """What a sub-agent run produced."""

    execution_id: str
    status: str
    outputs: dict[str, list[Any]] = Field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class ToolNode:
    """A step wired to a decision maker's tool pins: the decision maker may run it, filling ``pins``.

    Attributes:
        node_id: the step's node.
        block_id: its block.
        pins: the inputs the decision maker fills (the others keep ``input_default``).
        input_default: the step's fixed inputs.
        title: the name the person gave the step in the builder ("" if none).
    """

    node_id: str
    block_id: str
    pins: tuple[str, ...]
    input_default: dict[str, Any] = field(default_factory=dict)
    title: str = ""


class ToolRun(BaseModel):
    """What one run of a tool step produced: its ``(pin, value)`` outputs and its error, if any."""

    outputs: list[tuple[str, Any]] = Field(default_factory=list)
    error: str | None = None


#: At most this many notes are kept per node run, each at most this many characters.
MAX_NOTES = 20
MAX_NOTE_CHARS = 500


class ValueStore(Protocol):
    """Values an agent keeps between its runs, for the run's owner (see ``RunContext.store``).

    ``across_agents`` False: the value belongs to the running agent; True: to every agent of the owner.
    Both methods raise :class:`BlockError` with a readable reason (a value too large, too many keys).
    """

    async def get(self, key: str, *, across_agents: bool) -> Any:
        """The value kept under ``key``, or None when there is none."""
        ...

    async def put(self, key: str, value: Any, *, across_agents: bool) -> None:
        """Keep ``value`` under ``key`` (None forgets the key)."""
        ...


@dataclass(frozen=True)
class ReviewDecision:
    """A person's decision on a *Human review* step, given by the engine once it is made.

    Attributes:
        approved: True to continue on the approve path, False for the reject path (also when nobody
            decided in time).
        data: the data to pass on (the reviewer's edited version, if they changed it).
        comment: what the reviewer wrote ("" if nothing).
    """

    approved: bool
    data: Any = None
    comment: str = ""


class BlockError(Exception):
    """A block failure with a message fit for the run page (no secrets, no tracebacks)."""


@dataclass
class RunContext:
    """What the engine gives a running block.

    Attributes:
        user_id: owner of the run; blocks act on this user's behalf only.
        graph_exec_id: the execution this node run belongs to ("" outside the engine).
        node_id: the node being run.
        credentials: decrypted credentials by input field name (see ``Block.credentials``).
        http: factory of the SSRF-guarded HTTP client; the only way a block may reach the network.
        notify: records a notification for the run's owner (title, body, link).
        run_subgraph: runs another graph the user owns with inputs and returns its outputs.
        depth: how deep in sub-agent calls this run is (the engine caps it).
        started_at: when this node run began.
        notes: what the block or the engine wants the person to know about this node run (a model
            that was replaced, a retry); kept with the node run and shown on the run page.
        tools: the steps wired to this node's tool pins (a decision maker's; empty for others).
        run_tool: runs one of ``tools`` with values for its pins, as a node run of this execution.
        store: values kept between runs for the owner (None outside the engine).
        review: the person's decision, for a *Human review* step the engine paused at (None otherwise).
    """

    user_id: str = ""
    graph_exec_id: str = ""
    node_id: str = ""
    credentials: dict[str, CredentialSecret] = field(default_factory=dict)
    http: Callable[[], Any] | None = None
    notify: Callable[[str, str, str], Awaitable[None]] | None = None
    run_subgraph: Callable[[str, int | None, dict[str, Any]], Awaitable[SubgraphResult]] | None = None
    depth: int = 0
    started_at: datetime = field(default_factory=utcnow)
    notes: list[str] = field(default_factory=list)
    tools: tuple[ToolNode, ...] = ()
    run_tool: Callable[[str, dict[str, Any]], Awaitable[ToolRun]] | None = None
    store: ValueStore | None = None
    review: ReviewDecision | None = None

    def note(self, text: str) -> None:
        """Add a sentence for the person to this node run's notes (at most ``MAX_NOTES``, each cut short)."""
        text = " ".join(str(text).split())
        if text and len(self.notes) < MAX_NOTES:
            self.notes.append(text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…")

    def secret(self, field_name: str) -> CredentialSecret:
        """Return the credential supplied for ``field_name`` or fail with a readable message."""
        try:
            return self.credentials[field_name]
        except KeyError:
            raise BlockError(f"No credential was provided for '{field_name}'.") from None


class Block:
    """Base class of every block. Subclasses set the class attributes and implement ``run``."""

    id: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    categories: ClassVar[tuple[BlockCategory, ...]] = (BlockCategory.BASIC,)
    Input: ClassVar[type[BlockInput]] = BlockInput
    Output: ClassVar[type[BlockOutput]] = BlockOutput
    credentials: ClassVar[tuple[CredentialRequirement, ...]] = ()
    examples: ClassVar[tuple[BlockExample, ...]] = ()
    disabled: ClassVar[bool] = False
    #: Names AutoGPT exports use for this block (its class name), for import reports.
    autogpt_name: ClassVar[str] = ""
    #: Seconds a single run may take before the engine cancels it (None: the engine default).
    timeout_seconds: ClassVar[float | None] = None
    #: Whether the block names its output pins at run time (e.g. a sub-agent's outputs).
    dynamic_outputs: ClassVar[bool] = False
    #: Output pins that are an answer, yet worth another try when the node has a ``retry`` count (e.g. an
    #: HTTP request's ``server_error``): the engine retries on them, and passes the last attempt's on.
    retry_pins: ClassVar[frozenset[str]] = frozenset()

    async def run(self, input: Any, context: RunContext) -> AsyncIterator[tuple[str, Any]]:
        """Do the work, yielding ``(output pin, value)`` pairs. Must be an async generator."""
        raise NotImplementedError
        yield  # pragma: no cover

    @classmethod
    def input_schema(cls) -> dict[str, Any]:
        """JSON Schema of the inputs."""
        return cls.Input.model_json_schema()

    @classmethod
    def output_schema(cls) -> dict[str, Any]:
        """JSON Schema of the outputs."""
        return cls.Output.model_json_schema()

    @classmethod
    def input_pins(cls) -> set[str]:
        """Names of the input pins."""
        return set(cls.Input.model_fields)

    @classmethod
    def output_pins(cls) -> set[str]:
        """Names of the output pins (``error`` included)."""
        return set(cls.Output.model_fields)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Everything a catalogue or an API client needs to know about the block."""
        return {
            "id": cls.id,
            "name": cls.name,
            "description": cls.description,
            "categories": [c.value for c in cls.categories],
            "input_schema": cls.input_schema(),
            "output_schema": cls.output_schema(),
            "credentials": [
                {
                    "field": r.field,
                    "provider": r.provider,
                    "types": list(r.types),
                    "description": r.description,
                    "optional": r.optional,
                }
                for r in cls.credentials
            ],
            "disabled": cls.disabled,
        }


async def run_block(block: Block, inputs: dict[str, Any], context: RunContext | None = None) -> list[tuple[str, Any]]:
    """Validate ``inputs``, run ``block`` to completion and return every ``(pin, value)`` it yielded.

    Raises:
        pydantic.ValidationError: the inputs do not fit the block's input schema.
        BlockError: the block failed with a readable reason.
    """
    parsed = block.Input.model_validate(inputs)
    outputs: list[tuple[str, Any]] = []
    pins = block.output_pins()
    async for pin, value in block.run(parsed, context or RunContext()):
        if pin not in pins and not block.dynamic_outputs:
            raise BlockError(f"Block '{block.name}' produced an unknown output '{pin}'.")
        outputs.append((pin, value))
    return outputs
