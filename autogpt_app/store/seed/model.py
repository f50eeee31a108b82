"""What a seed agent is: listing text, a graph built from the built-in blocks, and sample runs.

A sample run is part of the definition, like a block's examples: the inputs a person might give,
what the local test server answers (for agents that read the web), what the fake language model
answers (for agents that need an OpenAI-compatible key), and a check of every result. The test
suite runs each agent end to end with its samples, so a catalogue entry that stops working fails
a test that names it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autogpt_app.graphs.schemas import credentials_input_schema
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.store import pictures
from autogpt_app.store.categories import CATEGORIES as STORE_CATEGORIES

#: The marketplace categories the catalogue uses (the store's one list).
CATEGORIES = frozenset(STORE_CATEGORIES)
#: Placeholder in sample inputs for the address of the local server that answers ``Sample.serve``.
SERVER = "{server}"


@dataclass(frozen=True)
class Expect:
    """A check of one agent result, with words saying what it expects (shown when it fails)."""

    description: str
    test: Callable[[Any], bool]

    def __call__(self, value: Any) -> bool:
        """Whether ``value`` passes; a check that raises counts as failed."""
        try:
            return bool(self.test(value))
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return False


def equals(expected: Any) -> Expect:
    """The result equals ``expected``."""
    return Expect(f"equals {expected!r}", lambda value: value == expected)


def approx(expected: float, tolerance: float = 0.005) -> Expect:
    """A number within ``tolerance`` of ``expected``."""
    return Expect(
        f"≈ {expected} (± {tolerance})",
        lambda value: not isinstance(value, bool) and math.isclose(float(value), expected, abs_tol=tolerance),
    )


def contains(*parts: str) -> Expect:
    """Text containing every one of ``parts``."""
    return Expect(f"contains {', '.join(map(repr, parts))}", lambda value: all(p in str(value) for p in parts))


def excludes(*parts: str) -> Expect:
    """Text containing none of ``parts``."""
    return Expect(f"does not contain {', '.join(map(repr, parts))}", lambda value: not any(p in value for p in parts))


def matches(pattern: str) -> Expect:
    """Text in which the regular expression ``pattern`` is found."""
    return Expect(f"matches /{pattern}/", lambda value: re.search(pattern, str(value)) is not None)


def all_of(*checks: Expect) -> Expect:
    """Every one of ``checks`` passes."""
    return Expect(" and ".join(c.description for c in checks), lambda value: all(c(value) for c in checks))


@dataclass(frozen=True)
class Served:
    """What the local test server answers at one path (``body`` may be built at request time;
    ``{server}`` in it stands for the server's own address)."""

    body: str | Callable[[], str]
    content_type: str = "text/html; charset=utf-8"
    status: int = 200

    def render(self) -> bytes:
        """The body as bytes."""
        return (self.body() if callable(self.body) else self.body).encode()


@dataclass(frozen=True)
class Sample:
    """One sample run of a seed agent and what it must produce.

    Attributes:
        inputs: Run inputs (missing ones take the agent's defaults). ``{server}`` in a text stands for
            the local server's address; a callable value is called when the sample runs (dates
            relative to today).
        expect: Output name → check of the one value the run must produce under that name.
        expect_all: Output name → check of the list of every value produced under that name (agents that
            produce one value per item).
        absent: Outputs the run must not produce.
        serve: Path → answer of the local HTTP server the run reads.
        llm_reply: What the OpenAI-compatible model answers (agents that need a key).
        prompt_contains: Texts the prompt sent to the model must contain (the inputs reached it).
        notification: Text the notification the run records must contain (title or body).
        credentials: Credentials input name → the credential a person would add for it (``provider``,
            ``type``, ``api_key``…, ``meta``); ``{server}`` in a text stands for the local server.
        settings: Platform settings for the run (a service's base URL pointed at the local server).
        posted: Path → texts the request the run sent there must contain (messages an agent posts).
        note: What this sample shows, for people reading the catalogue.
    """

    inputs: Mapping[str, Any]
    expect: Mapping[str, Expect]
    expect_all: Mapping[str, Expect] = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    serve: Mapping[str, Served] = field(default_factory=dict)
    llm_reply: str | None = None
    prompt_contains: tuple[str, ...] = ()
    notification: str | None = None
    credentials: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)
    posted: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""

    def resolved_inputs(self, server: str = "") -> dict[str, Any]:
        """The inputs with ``{server}`` replaced and callables called."""
        values: dict[str, Any] = {}
        for name, value in self.inputs.items():
            if callable(value):
                value = value()
            if isinstance(value, str):
                value = value.replace(SERVER, server.rstrip("/"))
            values[name] = value
        return values


@dataclass(frozen=True)
class SeedCreator:
    """A marketplace author of the catalogue (an account that cannot log in)."""

    username: str
    name: str
    description: str
    links: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        """The account's address, under the reserved ``.invalid`` domain: sign-up refuses it and no mail
        can reach it, so nobody can claim or sign in to the account."""
        return f"{self.username}@catalogue.invalid"

    @property
    def avatar_url(self) -> str:
        """Site path of the creator's avatar (a file under ``assets/``, see ``scripts/make_images.py``)."""
        return pictures.creator_image(self.username)


@dataclass(frozen=True)
class SeedAgent:
    """One agent of the catalogue: listing text, creator, graph and sample runs."""

    slug: str
    name: str
    subheading: str
    description: str
    categories: tuple[str, ...]
    creator: str
    graph: GraphSpec
    changelog: str
    samples: tuple[Sample, ...]
    featured: bool = False

    @property
    def needs_llm(self) -> bool:
        """Whether a run needs an OpenAI-compatible API key."""
        needs = credentials_input_schema(self.graph)["properties"].values()
        return any(n["provider"] == "openai" and n["required"] for n in needs)

    @property
    def image_url(self) -> str:
        """Site path of the agent's illustration (a file under ``assets/``, see ``scripts/make_images.py``)."""
        return pictures.agent_image(self.slug)

    @property
    def listing_fields(self) -> dict[str, Any]:
        """The listing text as submitted (checked by :func:`autogpt_app.store.validation.listing_text`)."""
        from autogpt_app.store import validation

        return validation.listing_text(
            self.name, self.subheading, self.description, list(self.categories), self.image_url
        )
