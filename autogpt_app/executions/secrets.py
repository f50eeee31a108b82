"""Keeps credential secrets out of everything a run records or publishes."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from autogpt_app.blocks.sdk import CredentialSecret

MASK = "********"
_MIN_SECRET = 4


class Scrubber:
    """Replaces every known secret value with a mask, in text and in nested JSON-like data."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, credential: CredentialSecret) -> None:
        """Remember the secret values of ``credential``."""
        values = (credential.api_key, credential.password, credential.client_secret, credential.refresh_token)
        for value in (*values, *credential.headers.values()):
            raw = value.get_secret_value() if isinstance(value, SecretStr) else value
            if raw and len(raw) >= _MIN_SECRET:
                self._secrets.add(raw)

    def scrub(self, value: Any) -> Any:
        """Return ``value`` with every secret masked (strings, lists, dicts; other values as they are)."""
        if not self._secrets:
            return value
        if isinstance(value, str):
            for secret in sorted(self._secrets, key=len, reverse=True):
                if secret in value:
                    value = value.replace(secret, MASK)
            return value
        if isinstance(value, list | tuple):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {self.scrub(k) if isinstance(k, str) else k: self.scrub(v) for k, v in value.items()}
        return value
