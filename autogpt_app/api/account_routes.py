"""``/me``: the calling user's profile, password and API keys."""

from __future__ import annotations

from fastapi import APIRouter, status

from autogpt_app.api.deps import ClientIp, CurrentUser, LoginUser, ReadUser, SessionDep
from autogpt_app.api.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    MessageResponse,
    PasswordChange,
    ProfileUpdate,
    TokenResponse,
)
from autogpt_app.auth import api_keys, email_links, service
from autogpt_app.auth.models import ApiKeyPublic, UserPublic

router = APIRouter(prefix="/me", tags=["account"])


@router.get("", response_model=UserPublic)
async def me(user: ReadUser) -> UserPublic:
    """Return the calling user."""
    return UserPublic.model_validate(user, from_attributes=True)


@router.patch("", response_model=UserPublic)
async def update_me(body: ProfileUpdate, user: CurrentUser, session: SessionDep) -> UserPublic:
    """Change the calling user's display name."""
    await service.update_profile(session, user, display_name=body.display_name)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/password", response_model=TokenResponse)
async def change_password(body: PasswordChange, user: LoginUser, session: SessionDep) -> TokenResponse:
    """Change the password (a login only); every older token stops working and a new one is returned.

    With ``revoke_api_keys`` every API key of the account is revoked too.
    """
    token = await service.change_password(
        session, user, current=body.current_password, new=body.new_password, revoke_api_keys=body.revoke_api_keys
    )
    return TokenResponse(access_token=token, user=UserPublic.model_validate(user, from_attributes=True))


@router.get("/api-keys", response_model=list[ApiKeyPublic])
async def list_keys(user: ReadUser, session: SessionDep) -> list[ApiKeyPublic]:
    """List the calling user's API keys (secrets are never shown again)."""
    return await api_keys.list_api_keys(session, user)


@router.post("/api-keys", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_key(body: ApiKeyCreate, user: LoginUser, session: SessionDep) -> ApiKeyCreated:
    """Create an API key (a login only: no key can make keys); the response holds the secret, shown this once."""
    record, secret = await api_keys.create_api_key(
        session, user, name=body.name, scopes=body.scopes, expires_in_days=body.expires_in_days
    )
    return ApiKeyCreated(key=secret, api_key=record)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyPublic)
async def revoke_key(key_id: str, user: CurrentUser, session: SessionDep) -> ApiKeyPublic:
    """Revoke one of the calling user's API keys."""
    return await api_keys.revoke_api_key(session, user, key_id)


@router.post("/verify-email/resend", status_code=status.HTTP_202_ACCEPTED, response_model=MessageResponse)
async def resend_verification(user: CurrentUser, session: SessionDep, client_ip: ClientIp) -> MessageResponse:
    """Send a new link that verifies the calling user's e-mail address (nothing when already verified)."""
    if user.email_verified_at is not None:
        return MessageResponse(message="Your e-mail address is already verified.")
    await email_links.resend_verification(session, user, client_ip=client_ip)
    return MessageResponse(message=f"We sent a new link to {user.email}. It may take a minute to arrive.")
