"""The language-model client of the LLM blocks: endpoint from the credential, retries, readable failures.

It speaks the OpenAI chat-completions API, so any compatible server works (OpenAI, Ollama, vLLM,
LM Studio, ...). The credential (provider ``openai``, an API key) may carry ``meta.base_url`` and
``meta.model``; a block's ``model`` input wins over the credential's, and the platform's
``OPENAI_MODEL`` is the last default. The base URL defaults to ``OPENAI_BASE_URL``, then OpenAI.

Model names of other providers (AutoGPT exports carry ``claude-3-5-sonnet-latest``,
``google/gemini-2.5-pro``, ``llama3.3``, ...) are asked of the person's endpoint as they are when it
serves them: its ``GET /models`` list is read once per credential and kept for
``MODEL_LIST_TTL_SECONDS``, and a name matches an entry exactly or, failing that, without a
``provider/`` prefix and case (``llama3.3-70b`` also finds Ollama's ``llama3.3:70b``). A name the
endpoint does not serve is replaced by the credential's ``meta.model`` or the platform's default,
with a note on the node run; an endpoint without a models list is asked for the name, and if it
answers "model not found" the call is made once more with that replacement (again with a note).

Connections go through the SSRF-guarded client (:func:`~autogpt_app.net.safe_client`), so a base URL
on a private or local address is refused. Rate limits, 5xx answers, time-outs and dropped
connections are retried with exponential back-off by the ``openai`` client (``MAX_RETRIES``).
Failures are raised as :class:`LLMError` in plain words; the API key never appears in messages
or logs.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx
import openai

from autogpt_app.blocks.sdk import RunContext
from autogpt_app.net import OutboundRequestError, checked_url, safe_client
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: Retries of one call on 408/409/429/5xx, time-outs and dropped connections (exponential back-off).
MAX_RETRIES = 3
#: Seconds one model call may take (a long answer from a slow local model takes a while).
REQUEST_TIMEOUT_SECONDS = 120.0
_MASK = "****"

NO_CREDENTIAL = "No API key was given: choose an OpenAI (or OpenAI-compatible) credential for this block."


class LLMError(Exception):
    """A model call failed; the message is fit for the run page (no key, no traceback)."""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to call the model."""

    api_key: str = field(repr=False)
    base_url: str
    model: str
    #: The model to use when the endpoint does not serve ``model`` ("" when ``model`` is already
    #: the person's configured one and needs no check).
    fallback: str = ""
    #: Which credential this is (the cache of served models is kept per credential and address).
    credential_id: str = ""
    #: Other names the endpoint may serve ``model`` under (image models: ``flux-schnell``, ...).
    aliases: tuple[str, ...] = ()
    #: The name the person chose, for notes ("" : ``model``).
    label: str = ""
    #: What is called, in failure messages ("language model", "image model").
    kind: str = "language model"

    @property
    def host(self) -> str:
        return httpx.URL(self.base_url).host

    def scrub(self, text: str) -> str:
        """``text`` without the API key."""
        return text.replace(self.api_key, _MASK) if len(self.api_key) >= 4 else text


def endpoint_for(context: RunContext, model: str = "") -> Endpoint:
    """The endpoint from the run's credential, the block's ``model`` and the settings.

    Raises:
        LLMError: no credential or key, or a base URL that is not a public http(s) address.
    """
    credential = context.credentials.get("credentials")
    key = credential.api_key.get_secret_value() if credential and credential.api_key else ""
    if not key:
        raise LLMError(NO_CREDENTIAL)
    settings = get_settings()
    base_url = str(credential.meta.get("base_url") or settings.openai_base_url or DEFAULT_BASE_URL).strip()
    try:
        base_url = str(checked_url(base_url))
    except OutboundRequestError as exc:
        raise LLMError(f"The language model address is refused: {exc.message}") from None
    configured = str(credential.meta.get("model") or "").strip() or settings.openai_model
    chosen = model.strip()
    if not chosen or chosen == configured:
        return Endpoint(api_key=key, base_url=base_url, model=configured, credential_id=credential.id)
    return Endpoint(api_key=key, base_url=base_url, model=chosen, fallback=configured, credential_id=credential.id)


# ---------------------------------------------------------------------------------------------
# Which models the endpoint serves
# ---------------------------------------------------------------------------------------------

#: Seconds a credential's list of served models is trusted before it is read again.
MODEL_LIST_TTL_SECONDS = 300.0
_MODEL_LIST_TIMEOUT_SECONDS = 10.0
_MODEL_LIST_CACHE_SIZE = 256
#: (credential id, base URL) → (read at, served model ids; None when the endpoint has no list).
_served_cache: dict[tuple[str, str], tuple[float, frozenset[str] | None]] = {}
_NOT_FOUND = re.compile(
    r"model.{0,40}(not found|not exist|does not exist|not available|not supported|unknown|invalid)"
    r"|(no such|unknown|invalid) model",
    re.IGNORECASE,
)


def _plain(name: str) -> str:
    """A model name without provider prefix, case, and with ``:``/``_`` read as ``-``."""
    return re.sub(r"[:_]", "-", name.rsplit("/", 1)[-1].strip().lower())


def match_model(wanted: str, served: frozenset[str]) -> str | None:
    """The id in ``served`` that names ``wanted`` (exactly, else without prefix and case), or None."""
    if wanted in served:
        return wanted
    plain = _plain(wanted)
    matches = sorted(m for m in served if _plain(m) == plain)
    return matches[0] if matches else None


def forget_served_models() -> None:
    """Drop every cached list of served models (tests; a person who changed their endpoint)."""
    _served_cache.clear()


async def served_models(client: openai.AsyncOpenAI, endpoint: Endpoint) -> frozenset[str] | None:
    """The model ids the endpoint lists (cached per credential), or None when it has no usable list."""
    key = (endpoint.credential_id, endpoint.base_url)
    cached = _served_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < MODEL_LIST_TTL_SECONDS:
        return cached[1]
    served: frozenset[str] | None
    try:
        quick = client.with_options(max_retries=0, timeout=_MODEL_LIST_TIMEOUT_SECONDS)
        served = frozenset([model.id async for model in quick.models.list() if getattr(model, "id", None)]) or None
    except openai.APIStatusError as exc:
        if exc.status_code not in (404, 405, 501):  # a refused key or a hiccup: ask again next time
            return None
        served = None  # the endpoint has no list: the name is tried as it is
    except (openai.OpenAIError, OutboundRequestError, httpx.HTTPError):
        return None
    except (ValueError, TypeError):
        served = None  # a list we cannot read
    if len(_served_cache) >= _MODEL_LIST_CACHE_SIZE:
        _served_cache.pop(next(iter(_served_cache)))
    _served_cache[key] = (time.monotonic(), served)
    return served


def replaced_note(wanted: str, used: str) -> str:
    """The note a node run gets when ``wanted`` was replaced by ``used``."""
    return f"The model '{wanted}' is not served by your endpoint; used '{used}' instead."


def is_model_not_found(exc: BaseException) -> bool:
    """Whether a provider error says the requested model does not exist there."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 404):
        return False
    return bool(_NOT_FOUND.search(_provider_message(exc) or str(exc)))


def _provider_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)
    return ""


def readable_failure(exc: BaseException, endpoint: Endpoint) -> str:
    """A short, key-free description of a failed model call."""
    host, kind = endpoint.host, endpoint.kind
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (401, 403):
            message = f"The {kind} at {host} refused the API key (HTTP {status})."
        elif status == 429:
            message = f"The {kind} at {host} is rate limiting requests (HTTP 429); try again later."
        else:
            detail = " ".join(_provider_message(exc).split())[:300]
            message = f"The {kind} at {host} answered with an error (HTTP {status})"
            message += f": {detail}" if detail else "."
    elif isinstance(exc, openai.APITimeoutError):
        message = f"The {kind} at {host} did not answer in time."
    elif isinstance(exc, OutboundRequestError):
        message = f"The language model address is refused: {exc.message}"
    elif isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, OutboundRequestError):
            message = f"The language model address is refused: {cause.message}"
        else:
            message = f"Could not connect to the {kind} at {host}."
    else:
        message = f"The call to the {kind} at {host} failed ({type(exc).__name__})."
    return endpoint.scrub(message)


@dataclass
class Answer:
    """An assistant message: its text and the tool calls it asks for (OpenAI's message shape)."""

    content: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)

    def as_message(self) -> dict[str, Any]:
        """The message as it goes back into the conversation."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = self.tool_calls
        return message


class ChatModel:
    """One OpenAI-compatible client for a block run (use as an async context manager).

    Args:
        endpoint: where and which model (see :func:`endpoint_for`).
        context: the node run, to note a replaced model on (optional outside the engine).
    """

    def __init__(self, endpoint: Endpoint, context: RunContext | None = None) -> None:
        self.endpoint = endpoint
        self.context = context
        self._model: str | None = None if endpoint.fallback else endpoint.model
        self._verified = not endpoint.fallback
        self._client = openai.AsyncOpenAI(
            api_key=endpoint.api_key,
            base_url=endpoint.base_url,
            http_client=safe_client(timeout=REQUEST_TIMEOUT_SECONDS),
            max_retries=MAX_RETRIES,
            timeout=REQUEST_TIMEOUT_SECONDS,
        )

    async def __aenter__(self) -> ChatModel:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.close()

    def _note(self, text: str) -> None:
        if self.context is not None:
            self.context.note(text)

    async def model(self) -> str:
        """The model to ask: the one chosen when the endpoint serves it, else the replacement (noted)."""
        if self._model is None:
            wanted, fallback = self.endpoint.model, self.endpoint.fallback
            label = self.endpoint.label or wanted
            served = await served_models(self._client, self.endpoint)
            found: str | None = wanted
            if served is not None:
                names = (wanted, *self.endpoint.aliases)
                found = next((m for m in (match_model(n, served) for n in names) if m is not None), None)
            self._verified = served is not None
            if found is None:
                self._note(replaced_note(label, fallback))
                found = fallback
            elif found not in (wanted, label):
                self._note(f"The model '{label}' is called '{found}' on your endpoint; used that.")
            self._model = found
        return self._model

    def _failure(self, exc: BaseException) -> LLMError:
        log.info("model call to %s failed: %s", self.endpoint.host, type(exc).__name__)
        return LLMError(readable_failure(exc, self.endpoint))

    async def _create(self, call: Any, **request: Any) -> Any:
        """``call`` (an SDK method) with the resolved model; an unlisted model the endpoint does not
        know is replaced once by the fallback."""
        model = await self.model()
        try:
            return await call(model=model, **request)
        except (openai.OpenAIError, OutboundRequestError, httpx.HTTPError) as exc:
            if self._verified or not self.endpoint.fallback or not is_model_not_found(exc):
                raise self._failure(exc) from None
        self._note(replaced_note(self.endpoint.label or model, self.endpoint.fallback))
        self._model, self._verified = self.endpoint.fallback, True
        try:
            return await call(model=self._model, **request)
        except (openai.OpenAIError, OutboundRequestError, httpx.HTTPError) as exc:
            raise self._failure(exc) from None

    async def image(self, prompt: str, *, size: str | None = None) -> str:
        """One image drawn for ``prompt`` by the endpoint's ``POST /images/generations``: its URL, or a
        ``data:`` URL when the endpoint answers with the image itself.

        Raises:
            LLMError: the provider failed after the retries, or answered no image.
        """
        result = await self._create(self._client.images.generate, prompt=prompt, n=1, size=size or openai.NOT_GIVEN)
        image = result.data[0] if getattr(result, "data", None) else None
        if image is not None and getattr(image, "url", None):
            return str(image.url)
        if image is not None and getattr(image, "b64_json", None):
            return f"data:image/png;base64,{image.b64_json}"
        raise LLMError(f"The {self.endpoint.kind} at {self.endpoint.host} returned no image.")

    async def complete(
        self, messages: list[dict[str, Any]], *, max_tokens: int | None = None, json_object: bool = False
    ) -> str:
        """The assistant's answer to ``messages`` (``json_object``: ask the endpoint for JSON only).

        Raises:
            LLMError: the provider failed after the retries, or answered nothing.
        """
        return (await self.answer(messages, max_tokens=max_tokens, json_object=json_object)).content

    async def answer(
        self,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int | None = None,
        tools: list[dict[str, Any]] | None = None,
        parallel_tool_calls: bool | None = None,
        json_object: bool = False,
    ) -> Answer:
        """The assistant's message in answer to ``messages``, offering it ``tools`` (function definitions).

        Raises:
            LLMError: the provider failed after the retries, or answered nothing.
        """
        request: dict[str, Any] = {
            "messages": messages,
            "max_tokens": max_tokens if max_tokens else openai.NOT_GIVEN,
        }
        if json_object:
            request["response_format"] = {"type": "json_object"}
        if tools:
            request["tools"] = tools
            if parallel_tool_calls is not None:
                request["parallel_tool_calls"] = parallel_tool_calls
        completion = await self._create(self._client.chat.completions.create, **request)
        if not completion.choices:
            raise LLMError(f"The {self.endpoint.kind} at {self.endpoint.host} returned no answer.")
        message = completion.choices[0].message
        calls = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments or ""},
            }
            for call in message.tool_calls or []
            if getattr(call, "function", None) is not None
        ]
        return Answer(content=message.content or "", tool_calls=calls)
