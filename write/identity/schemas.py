"""Request and response bodies of identity's endpoints."""

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field

from write.schemas import RequestBody, ResponseBody
from write.text_fields import single_line

PersonName = single_line(max_length=100)


def _password_is_clean(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains invalid unicode (lone surrogate)") from None
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


Email = Annotated[EmailStr, Field(max_length=254)]
NewPassword = Annotated[str, Field(min_length=10, max_length=256), AfterValidator(_password_is_clean)]
# Logging in with an over-long or odd password is simply a wrong password, never a hashing of 1 MB.
GivenPassword = Annotated[str, Field(min_length=1, max_length=256), AfterValidator(_password_is_clean)]


class RegisterIn(RequestBody):
    email: Email
    password: NewPassword
    name: PersonName
    role: Literal["student", "teacher"]


class LoginIn(RequestBody):
    email: Email
    password: GivenPassword


class AdminIn(RequestBody):
    """The input of ``edu admin create``, held to the same rules as a registration."""

    email: Email
    password: NewPassword
    name: PersonName | None = None


class RenameIn(RequestBody):
    """``PATCH /auth/me``: the one thing a user may change about themselves (for now)."""

    name: PersonName


class RefreshIn(RequestBody):
    refresh_token: str = Field(min_length=1, max_length=200)


class UserOut(ResponseBody):
    id: uuid.UUID
    email: str
    name: str
    role: str
    is_verified: bool


class UserList(ResponseBody):
    items: list[UserOut]
    next_cursor: str | None = None


class TokenPair(ResponseBody):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
