"""Request and response bodies of the accounts API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from autogpt_app.auth.models import ApiKeyPublic, UserPublic


class SignupRequest(BaseModel):
    email: str = Field(max_length=320)
    display_name: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class LoginRequest(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    user: UserPublic


class ProfileUpdate(BaseModel):
    display_name: str = Field(max_length=200)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)
    revoke_api_keys: bool = Field(default=False, description="Also revoke every API key of the account.")


class LogoutRequest(BaseModel):
    revoke_api_keys: bool = Field(default=False, description="Also revoke every API key of the account.")


class EmailRequest(BaseModel):
    email: str = Field(max_length=320)


class VerifyEmailRequest(BaseModel):
    token: str = Field(max_length=200)


class PasswordReset(BaseModel):
    token: str = Field(max_length=200)
    new_password: str = Field(max_length=1024)
    revoke_api_keys: bool = Field(default=False, description="Also revoke every API key of the account.")


class MessageResponse(BaseModel):
    message: str


class ApiKeyCreate(BaseModel):
    name: str = Field(max_length=200)
    scopes: list[str] | None = Field(
        default=None, max_length=3, description="Any of read, run, manage. Default: read and run."
    )
    expires_in_days: int | None = Field(default=None, description="1 to 3650; leave out for a key that never expires.")


class ApiKeyCreated(BaseModel):
    key: str = Field(description="The secret. It is shown only once; store it now.")
    api_key: ApiKeyPublic


class UserList(BaseModel):
    items: list[UserPublic]
    total: int
    offset: int
    limit: int


class UserAdminUpdate(BaseModel):
    role: Literal["user", "admin"] | None = None
    disabled: bool | None = None
