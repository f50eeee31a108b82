"""Which model answers the copilot: the OpenAI-compatible endpoint when a key is set, else offline.

``OPENAI_API_KEY`` set → :class:`~autogpt_app.chat.providers.openai_provider.OpenAIProvider` on
``OPENAI_BASE_URL`` with ``OPENAI_MODEL``; not set → the deterministic offline planner
(:class:`~autogpt_app.chat.providers.offline.OfflineCopilot`, streaming its words
``CHAT_OFFLINE_WORD_DELAY`` seconds apart), so the chat works out of the box.

OpenAI providers are kept per event loop and per configuration, so every turn reuses the open
connections of one client (a fresh client per turn would pay a new TCP/TLS handshake on the time
to first token) and a client is never used from a loop it was not created on.
"""

from __future__ import annotations

import asyncio
import weakref

from autogpt_app.chat.providers.base import LLMProvider
from autogpt_app.chat.providers.openai_provider import OpenAIProvider
from autogpt_app.settings import Settings, get_settings

_Key = tuple[str, str, str]
_providers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[_Key, OpenAIProvider]] = (
    weakref.WeakKeyDictionary()
)


def uses_openai(settings: Settings | None = None) -> bool:
    """Whether the copilot answers with the OpenAI-compatible endpoint (an API key is set)."""
    settings = settings or get_settings()
    return bool(settings.openai_api_key.strip())


def get_provider(settings: Settings | None = None) -> LLMProvider:
    """The copilot's model for ``settings`` (default: the platform's settings).

    Returns:
        An :class:`OpenAIProvider` when ``OPENAI_API_KEY`` is set (shared by every caller on the
        running event loop with the same key, base URL and model), else a new offline planner.
    """
    settings = settings or get_settings()
    if not uses_openai(settings):
        # Imported here so this module loads even where the offline planner is not needed.
        from autogpt_app.chat.providers.offline import OfflineCopilot

        return OfflineCopilot(delay=settings.chat_offline_word_delay)
    key: _Key = (settings.openai_api_key.strip(), settings.openai_base_url.strip(), settings.openai_model.strip())
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop yet: nothing to share the connections with
        return _new_provider(key)
    cached = _providers.setdefault(loop, {})
    provider = cached.get(key)
    if provider is None:
        provider = cached[key] = _new_provider(key)
    return provider


def _new_provider(key: _Key) -> OpenAIProvider:
    api_key, base_url, model = key
    return OpenAIProvider(api_key=api_key, base_url=base_url, model=model)
