"""``/auth``: sign up, get a token, log out."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from pydantic import ValidationError

from autogpt_app.api.deps import ClientIp, LoginUser, SessionDep
from autogpt_app.api.schemas import (
    EmailRequest,
    LoginRequest,
    LogoutRequest,
    MessageResponse,
    PasswordReset,
    SignupRequest,
    TokenResponse,
    VerifyEmailRequest,
)
from autogpt_app.auth import email_links, service
from autogpt_app.auth.models import UserPublic
from autogpt_app.errors import InvalidInput

router = APIRouter(prefix="/auth", tags=["auth"])


def _token_response(user) -> TokenResponse:
    return TokenResponse(
        access_token=service.issue_token(user), user=UserPublic.model_validate(user, from_attributes=True)
    )


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=TokenResponse)
async def signup(body: SignupRequest, session: SessionDep, client_ip: ClientIp) -> TokenResponse:
    """Create an account, e-mail it a verification link, and return a token for it."""
    user = await service.signup(
        session, email=body.email, display_name=body.display_name, password=body.password, client_ip=client_ip
    )
    await email_links.send_verification(session, user)
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
async def token(request: Request, session: SessionDep, client_ip: ClientIp) -> TokenResponse:
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
    user = await service.authenticate(session, email=body.email, password=body.password, client_ip=client_ip)
    return _token_response(user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: LoginUser, session: SessionDep, body: LogoutRequest | None = None) -> None:
    """Revoke every token of the calling user (log out everywhere); ``revoke_api_keys`` revokes their keys too."""
    await service.log_out_everywhere(session, user, revoke_api_keys=bool(body and body.revoke_api_keys))


@router.post("/verify-email", response_model=UserPublic)
async def verify_email(body: VerifyEmailRequest, session: SessionDep) -> UserPublic:
    """Use the link from the verification e-mail: the account's address counts as verified."""
    user = await email_links.verify_email(session, body.token)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/forgot-password", status_code=status.HTTP_202_ACCEPTED, response_model=MessageResponse)
async def forgot_password(body: EmailRequest, session: SessionDep, client_ip: ClientIp) -> MessageResponse:
    """E-mail a password-reset link if an account has this address; the answer is the same either way."""
    await email_links.request_password_reset(session, body.email, client_ip=client_ip)
    return MessageResponse(message=email_links.SENT_IF_EXISTS)


@router.post("/reset-password", response_model=TokenResponse)
async def reset_password(body: PasswordReset, session: SessionDep) -> TokenResponse:
    """Use the link from the reset e-mail to set a new password; every older token stops working."""
    user = await email_links.reset_password(
        session, body.token, new_password=body.new_password, revoke_api_keys=body.revoke_api_keys
    )
    return _token_response(user)
