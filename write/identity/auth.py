"""Who is calling: FastAPI dependencies that turn a bearer token into a Principal, for every domain's API.

The token proves identity; role and verification are read fresh from identity's own table on each
command, so a teacher verified a second ago may author at once and a deleted user is refused at once.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from write.context import CommandContext
from write.errors import Forbidden, Unauthenticated
from write.identity import queries
from write.identity.tokens import InvalidAccessToken

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /auth/login")


def command_context(request: Request) -> CommandContext:
    return request.app.state.context


Context = Annotated[CommandContext, Depends(command_context)]


@dataclass(frozen=True)
class Principal:
    id: uuid.UUID
    email: str
    name: str
    role: str
    is_verified: bool


async def current_principal(
    ctx: Context, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Sign in first: send Authorization: Bearer <access token>.")
    try:
        claims = ctx.tokens.decode(credentials.credentials)
    except InvalidAccessToken as error:
        raise Unauthenticated("The access token is invalid or expired.", code="invalid_token") from error
    user = await queries.get_user(ctx, claims.user_id)
    if user is None:
        raise Unauthenticated("This account no longer exists.", code="invalid_token")
    return Principal(id=user.id, email=user.email, name=user.name, role=user.role, is_verified=user.is_verified)


CurrentUser = Annotated[Principal, Depends(current_principal)]


async def optional_principal(
    request: Request, ctx: Context, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    """The caller, or None for an anonymous request (no Authorization header at all).

    Credentials that were sent but do not hold are a 401, never a silent downgrade to anonymous: a client
    with an expired token must learn to refresh it rather than be shown the public view.
    """
    if "authorization" not in request.headers:
        return None
    if credentials is None:  # a header HTTPBearer could not read: "Basic ...", "Bearer" with no token
        raise Unauthenticated(
            "Send Authorization: Bearer <access token>, or no Authorization header.", code="invalid_token"
        )
    return await current_principal(ctx, credentials)


# For endpoints open to anyone that show more to some callers (a preview lesson vs. an enrolled student's).
OptionalUser = Annotated[Principal | None, Depends(optional_principal)]


def _require_role(role: str):
    async def dependency(principal: CurrentUser) -> Principal:
        if principal.role != role:
            raise Forbidden(f"Only a {role} may do this.")
        return principal

    return dependency


async def _require_verified_teacher(principal: CurrentUser) -> Principal:
    if principal.role != "teacher":
        raise Forbidden("Only teachers author courses.")
    if not principal.is_verified:
        raise Forbidden("An admin has not verified your teacher account yet.", code="teacher_not_verified")
    return principal


CurrentAdmin = Annotated[Principal, Depends(_require_role("admin"))]
CurrentStudent = Annotated[Principal, Depends(_require_role("student"))]
CurrentTeacher = Annotated[Principal, Depends(_require_role("teacher"))]
VerifiedTeacher = Annotated[Principal, Depends(_require_verified_teacher)]


def client_ip(request: Request) -> str:
    ctx: CommandContext = request.app.state.context
    if ctx.settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]
