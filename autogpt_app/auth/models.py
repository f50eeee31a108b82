"""Tables and public shapes of the auth domain.

Family as in SQLModel's template: ``UserBase`` → ``User`` (table, holds the hash) →
``UserPublic`` (what pages and the API see, never the hash).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from autogpt_app.timeutil import UTCDateTime, utcnow


def new_id() -> str:
    """Return a new random UUID as text (portable across SQLite and PostgreSQL)."""
    return str(uuid.uuid4())


class Role(StrEnum):
    """Roles a user can hold. Permissions per role live in ``auth.permissions``."""

    USER = "user"
    ADMIN = "admin"


class UserBase(SQLModel):
    email: str = Field(sa_column=Column(String(320), unique=True, index=True, nullable=False))
    display_name: str = Field(max_length=80)


class User(UserBase, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.USER.value, max_length=20)
    is_disabled: bool = Field(default=False)
    # Bumped on logout, password change, disable and role change: every token carrying
    # an older version stops working at once.
    token_version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: When the owner proved the address is theirs (a verification or reset link); None until then.
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserPublic(UserBase):
    """A user as shown to pages and API clients."""

    id: str
    role: str
    is_disabled: bool
    created_at: datetime
    last_login_at: datetime | None = None
    email_verified_at: datetime | None = None


class ApiKey(SQLModel, table=True):
    """A programmatic credential; only a SHA-256 of the key is stored."""

    __tablename__ = "api_keys"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE", max_length=36)
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    #: What the key may do: a comma-separated subset of ``read``, ``run``, ``manage`` (see ``auth.scopes``).
    scopes: str = Field(default="read,run", max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: After this moment the key is refused like a revoked one; None = never expires.
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Updated at most once a minute (``api_keys.LAST_USED_RESOLUTION``), not on every request.
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiKeyPublic(SQLModel):
    """An API key as listed to its owner (the secret itself is shown once, at creation)."""

    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """One counted attempt, kept for throttling (rows older than the window are pruned).

    ``kind`` is ``login`` (a failed login), ``signup`` (a sign-up) or ``email`` (a request for a
    verification or reset e-mail); ``client_ip`` is the address it came from ("" when unknown).
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_created", "email", "created_at"),
        Index("ix_login_failures_ip_kind_created", "client_ip", "kind", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    kind: str = Field(default="login", max_length=16)
    client_ip: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EmailToken(SQLModel, table=True):
    """A single-use link sent by e-mail: ``verify`` (the address is yours) or ``reset`` (a new password).

    Only a SHA-256 of the token is stored; the token itself exists only in the e-mail.
    """

    __tablename__ = "email_tokens"
    __table_args__ = (Index("ix_email_tokens_user_purpose_created", "user_id", "purpose", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    purpose: str = Field(max_length=16)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    #: The address the link was sent to (a verification only counts for that address).
    email: str = Field(max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
