"""``/auth``: sign up, get a token, log out."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from pydantic import ValidationError

from autogpt_app.api.deps import CurrentUser, SessionDep
from autogpt_app.api.schemas import LoginRequest, SignupRequest, TokenResponse
from autogpt_app.auth import service
from autogpt_app.auth.models import UserPublic
from autogpt_app.errors import InvalidInput

router = APIRouter(prefix="/auth", tags=["auth"])


def _token_response(user) -> TokenResponse:
    return TokenResponse(
        access_token=service.issue_token(user), user=UserPublic.model_validate(user, from_attributes=True)
    )


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=TokenResponse)
async def signup(body: SignupRequest, session: SessionDep) -> TokenResponse:
    """Create an account and return a token for it."""
    user = await service.signup(session, email=body.email, display_name=body.display_name, password=body.password)
    return _token_response(user)


@router.post(
    "/token",
    response_model=TokenResponse,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": LoginRequest.model_json_schema()},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                        "required": ["username", "password"],
                    }
                },
            },
            "required": True,
        }
    },
)
async def token(request: Request, session: SessionDep) -> TokenResponse:
    """Exchange e-mail and password for an access token.

    Accepts JSON ``{"email", "password"}`` or the OAuth2 password form (``username``, ``password``).
    """
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("application/x-www-form-urlencoded") or content_type.startswith("multipart/"):
            form = await request.form()
            body = LoginRequest(email=str(form.get("username", "")), password=str(form.get("password", "")))
        else:
            body = LoginRequest.model_validate_json(await request.body())
    except (ValidationError, ValueError):
        raise InvalidInput('Send JSON {"email", "password"} or a form with username and password.') from None
    user = await service.authenticate(session, email=body.email, password=body.password)
    return _token_response(user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: CurrentUser, session: SessionDep) -> None:
    """Revoke every token of the calling user (log out everywhere)."""
    await service.revoke_tokens(session, user)
