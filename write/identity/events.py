"""Identity's events (aggregate: user)."""

import dataclasses
import uuid
from typing import ClassVar

from write.outbox import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "user"


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserRegistered(UserEvent):
    email: str
    name: str
    role: str
    is_verified: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdminPasswordReset(UserEvent):
    pass


@dataclasses.dataclass(frozen=True, kw_only=True)
class TeacherVerified(UserEvent):
    name: str
    verified_by: uuid.UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserRenamed(UserEvent):
    """The user changed their display name (``PATCH /auth/me``); ``role`` lets a consumer skip students."""

    name: str
    role: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserLoggedIn(UserEvent):
    family_id: uuid.UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class RefreshTokenRotated(UserEvent):
    family_id: uuid.UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class RefreshTokenReuseDetected(UserEvent):
    """A used refresh token was presented again: its family was revoked (likely a stolen token)."""

    family_id: uuid.UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserLoggedOut(UserEvent):
    family_id: uuid.UUID
