"""``/credentials``: the calling user's credentials vault. Secrets go in once and never come out."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field, SecretStr, StringConstraints

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.credentials import service
from autogpt_app.credentials.models import CredentialPublic

router = APIRouter(prefix="/credentials", tags=["credentials"])

HeaderName = Annotated[str, StringConstraints(max_length=service.MAX_HEADER_NAME)]
MetaValue = Annotated[str, StringConstraints(max_length=service.MAX_META_VALUE)] | int | float | bool | None
MetaKey = Annotated[str, StringConstraints(max_length=64)]
CredentialId = Annotated[str, Path(max_length=64)]


class CredentialCreate(BaseModel):
    """A new credential. Send only the secret fields of its ``type``."""

    provider: str = Field(max_length=64, description="e.g. openai, smtp, http")
    type: Literal["api_key", "user_password", "host_scoped", "oauth2"]
    title: str = Field(max_length=200, description="Your label for it")
    api_key: SecretStr | None = Field(default=None, max_length=service.MAX_API_KEY, description="type api_key")
    username: str | None = Field(default=None, max_length=service.MAX_USERNAME, description="type user_password")
    password: SecretStr | None = Field(default=None, max_length=service.MAX_PASSWORD, description="type user_password")
    headers: dict[HeaderName, SecretStr] | None = Field(
        default=None, max_length=service.MAX_HEADERS, description="type host_scoped: header name → value"
    )
    host: str | None = Field(default=None, max_length=253, description="type host_scoped: where the headers may go")
    client_id: str | None = Field(default=None, max_length=service.MAX_CLIENT_ID, description="type oauth2")
    client_secret: SecretStr | None = Field(
        default=None, max_length=service.MAX_CLIENT_SECRET, description="type oauth2"
    )
    refresh_token: SecretStr | None = Field(
        default=None, max_length=service.MAX_REFRESH_TOKEN, description="type oauth2: the person's refresh token"
    )
    meta: dict[MetaKey, MetaValue] | None = Field(
        default=None,
        max_length=service.MAX_META_KEYS,
        description='Non-secret settings, e.g. {"base_url": …, "model": …} or {"host", "port", "tls"}',
    )


def _reveal(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CredentialPublic)
async def create_credential(body: CredentialCreate, user: CurrentUser, session: SessionDep) -> CredentialPublic:
    """Store a credential, encrypted. The response is masked; the secret is never returned."""
    return await service.create_credential(
        session,
        user,
        provider=body.provider,
        type=body.type,
        title=body.title,
        api_key=_reveal(body.api_key),
        username=body.username,
        password=_reveal(body.password),
        headers={k: v.get_secret_value() for k, v in body.headers.items()} if body.headers is not None else None,
        host=body.host,
        meta=body.meta,
        client_id=body.client_id,
        client_secret=_reveal(body.client_secret),
        refresh_token=_reveal(body.refresh_token),
    )


@router.get("", response_model=list[CredentialPublic])
async def list_credentials(
    user: ReadUser,
    session: SessionDep,
    provider: Annotated[str | None, Query(max_length=64)] = None,
) -> list[CredentialPublic]:
    """List the calling user's credentials (masked), newest first, optionally for one provider."""
    return await service.list_credentials(session, user, provider=provider)


@router.get("/{credential_id}", response_model=CredentialPublic)
async def get_credential(credential_id: CredentialId, user: ReadUser, session: SessionDep) -> CredentialPublic:
    """Return one of the calling user's credentials (masked)."""
    return await service.get_credential(session, user, credential_id)


@router.delete("/{credential_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_credential(credential_id: CredentialId, user: CurrentUser, session: SessionDep) -> None:
    """Delete one of the calling user's credentials."""
    await service.delete_credential(session, user, credential_id)
