"""``/me``: the calling user's profile, password and API keys."""

from __future__ import annotations

from fastapi import APIRouter, status

from autogpt_app.api.deps import CurrentUser, SessionDep
from autogpt_app.api.schemas import ApiKeyCreate, ApiKeyCreated, PasswordChange, ProfileUpdate, TokenResponse
from autogpt_app.auth import api_keys, service
from autogpt_app.auth.models import ApiKeyPublic, UserPublic

router = APIRouter(prefix="/me", tags=["account"])


@router.get("", response_model=UserPublic)
async def me(user: CurrentUser) -> UserPublic:
    """Return the calling user."""
    return UserPublic.model_validate(user, from_attributes=True)


@router.patch("", response_model=UserPublic)
async def update_me(body: ProfileUpdate, user: CurrentUser, session: SessionDep) -> UserPublic:
    """Change the calling user's display name."""
    await service.update_profile(session, user, display_name=body.display_name)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/password", response_model=TokenResponse)
async def change_password(body: PasswordChange, user: CurrentUser, session: SessionDep) -> TokenResponse:
    """Change the password; every older token stops working and a new one is returned."""
    token = await service.change_password(session, user, current=body.current_password, new=body.new_password)
    return TokenResponse(access_token=token, user=UserPublic.model_validate(user, from_attributes=True))


@router.get("/api-keys", response_model=list[ApiKeyPublic])
async def list_keys(user: CurrentUser, session: SessionDep) -> list[ApiKeyPublic]:
    """List the calling user's API keys (secrets are never shown again)."""
    return await api_keys.list_api_keys(session, user)


@router.post("/api-keys", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_key(body: ApiKeyCreate, user: CurrentUser, session: SessionDep) -> ApiKeyCreated:
    """Create an API key; the response holds the secret, shown this once."""
    record, secret = await api_keys.create_api_key(session, user, name=body.name)
    return ApiKeyCreated(key=secret, api_key=record)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyPublic)
async def revoke_key(key_id: str, user: CurrentUser, session: SessionDep) -> ApiKeyPublic:
    """Revoke one of the calling user's API keys."""
    return await api_keys.revoke_api_key(session, user, key_id)
