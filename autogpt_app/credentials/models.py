"""Table and shapes of the credentials vault.

``Credential`` (table) holds the secret fields only as Fernet ciphertext. ``CredentialPublic`` is
what pages and API clients see (masked, never the secret). ``CredentialSecret`` carries the
decrypted fields into a block run and nowhere else; its secret values are ``SecretStr`` so that
``repr``, ``str``, logging and JSON dumps show ``**********`` instead of them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr
from sqlalchemy import JSON, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow


class CredentialType(StrEnum):
    """Kinds of credential, each with its own secret fields."""

    API_KEY = "api_key"  # api_key
    USER_PASSWORD = "user_password"  # username, password
    HOST_SCOPED = "host_scoped"  # headers, sent only to ``host``
    OAUTH2 = "oauth2"  # client_id, client_secret, refresh_token; meta token_uri (and scopes)


#: How people know the providers whose name is not just a capitalised word.
PROVIDER_NAMES = {
    "openai": "OpenAI",
    "google": "Google",
    "smtp": "SMTP",
    "imap": "IMAP",
    "http": "HTTP",
    "github": "GitHub",
    "ollama": "Ollama",
    "openweathermap": "OpenWeatherMap",
    "brave": "Brave Search",
    "mcp": "MCP server",
}


def provider_label(provider: str) -> str:
    """A provider's name as people write it ("openai" → "OpenAI", "google_sheets" → "Google Sheets")."""
    key = str(provider or "").strip().lower()
    return PROVIDER_NAMES.get(key) or " ".join(w.capitalize() for w in key.replace("-", "_").split("_") if w)


class Credential(SQLModel, table=True):
    """One stored credential. The secret fields live only inside ``ciphertext``."""

    __tablename__ = "credentials"
    __table_args__ = (
        CheckConstraint("type IN ('api_key', 'user_password', 'host_scoped', 'oauth2')", name="ck_credentials_type"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE", max_length=36)
    provider: str = Field(max_length=64)
    type: str = Field(max_length=20)
    title: str = Field(max_length=120)
    host: str | None = Field(default=None, max_length=253)
    # Non-secret settings, e.g. {"base_url", "model"} or {"host", "port", "tls"}.
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Masked display, e.g. "sk-…7f3a"; never more than the last 4 characters of a secret.
    hint: str = Field(default="", max_length=64)
    ciphertext: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CredentialPublic(BaseModel):
    """A credential as its owner sees it in pages and API responses: never the secret."""

    id: str
    provider: str
    type: CredentialType
    title: str
    host: str | None = None
    meta: dict[str, Any] = {}
    hint: str = ""
    created_at: datetime


class CredentialSecret(BaseModel):
    """The decrypted credential, for a block run only.

    Never return it to a page or an API response, never log its values. The secret fields are
    ``SecretStr``: call ``.get_secret_value()`` at the moment of use (e.g. building a request).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    user_id: str
    provider: str
    type: CredentialType
    title: str
    host: str | None = None
    meta: dict[str, Any] = {}
    api_key: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    headers: dict[str, SecretStr] = {}
    client_id: str | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None

    def header_values(self) -> dict[str, str]:
        """Return the host-scoped headers in clear, to pass to the outbound HTTP client."""
        return {name: value.get_secret_value() for name, value in self.headers.items()}
