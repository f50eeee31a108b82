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


class ApiKeyCreate(BaseModel):
    name: str = Field(max_length=200)


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
