"""The language-model client of the LLM blocks: endpoint from the credential, retries, readable failures.

It speaks the OpenAI chat-completions API, so any compatible server works (OpenAI, Ollama, vLLM,
LM Studio, ...). The credential (provider ``openai``, an API key) may carry ``meta.base_url`` and
``meta.model``; a block's ``model`` input wins over the credential's, and the platform's
``OPENAI_MODEL`` is the last default. The base URL defaults to ``OPENAI_BASE_URL``, then OpenAI.

Connections go through the SSRF-guarded client (:func:`~autogpt_app.net.safe_client`), so a base URL
on a private or local address is refused. Rate limits, 5xx answers, time-outs and dropped
connections are retried with exponential back-off by the ``openai`` client (``MAX_RETRIES``).
Failures are raised as :class:`LLMError` in plain words; the API key never appears in messages
or logs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import TracebackType

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
    chosen = model.strip() or str(credential.meta.get("model") or "").strip() or settings.openai_model
    return Endpoint(api_key=key, base_url=base_url, model=chosen)


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
    host = endpoint.host
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (401, 403):
            message = f"The language model at {host} refused the API key (HTTP {status})."
        elif status == 429:
            message = f"The language model at {host} is rate limiting requests (HTTP 429); try again later."
        else:
            detail = " ".join(_provider_message(exc).split())[:300]
            message = f"The language model at {host} answered with an error (HTTP {status})"
            message += f": {detail}" if detail else "."
    elif isinstance(exc, openai.APITimeoutError):
        message = f"The language model at {host} did not answer in time."
    elif isinstance(exc, OutboundRequestError):
        message = f"The language model address is refused: {exc.message}"
    elif isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, OutboundRequestError):
            message = f"The language model address is refused: {cause.message}"
        else:
            message = f"Could not connect to the language model at {host}."
    else:
        message = f"The call to the language model at {host} failed ({type(exc).__name__})."
    return endpoint.scrub(message)


class ChatModel:
    """One OpenAI-compatible client for a block run (use as an async context manager)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
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

    async def complete(self, messages: list[dict[str, str]], *, max_tokens: int | None = None) -> str:
        """The assistant's answer to ``messages``.

        Raises:
            LLMError: the provider failed after the retries, or answered nothing.
        """
        try:
            completion = await self._client.chat.completions.create(
                model=self.endpoint.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens if max_tokens else openai.NOT_GIVEN,
            )
        except (openai.OpenAIError, OutboundRequestError, httpx.HTTPError) as exc:
            message = readable_failure(exc, self.endpoint)
            log.info("model call to %s failed: %s", self.endpoint.host, type(exc).__name__)
            raise LLMError(message) from None
        if not completion.choices:
            raise LLMError(f"The language model at {self.endpoint.host} returned no answer.")
        return completion.choices[0].message.content or ""
