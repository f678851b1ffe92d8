"""Identity's routes: /auth/* and /admin/teachers/*."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from write.cursors import decode_cursor, encode_cursor
from write.identity import commands, queries
from write.identity.auth import ClientIp, Context, CurrentAdmin, CurrentUser
from write.identity.schemas import LoginIn, RefreshIn, RegisterIn, RenameIn, TokenPair, UserList, UserOut

router = APIRouter()


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=UserOut, tags=["auth"])
async def register(body: RegisterIn, ctx: Context, ip: ClientIp) -> UserOut:
    """Create a student or teacher account (admins only come from `edu admin create`)."""
    return UserOut.model_validate(await commands.register(ctx, body, ip))


@router.post("/auth/login", response_model=TokenPair, tags=["auth"])
async def login(body: LoginIn, ctx: Context, ip: ClientIp) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    return await commands.login(ctx, body.email, body.password, ip)


@router.post("/auth/refresh", response_model=TokenPair, tags=["auth"])
async def refresh(body: RefreshIn, ctx: Context) -> TokenPair:
    """Rotate a refresh token; a used one is refused and revokes its whole family."""
    return await commands.refresh(ctx, body.refresh_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"])
async def logout(body: RefreshIn, ctx: Context, user: CurrentUser) -> Response:
    """End the session that this refresh token belongs to."""
    await commands.logout(ctx, user.id, body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", response_model=UserOut, tags=["auth"])
async def me(user: CurrentUser) -> UserOut:
    """The signed-in user."""
    return UserOut(id=user.id, email=user.email, name=user.name, role=user.role, is_verified=user.is_verified)


@router.patch("/auth/me", response_model=UserOut, tags=["auth"])
async def rename_me(body: RenameIn, ctx: Context, user: CurrentUser) -> UserOut:
    """Change your display name; the same name again changes nothing."""
    return UserOut.model_validate(await commands.rename_user(ctx, user.id, body.name))


@router.get("/admin/teachers", response_model=UserList, tags=["admin"])
async def list_teachers(
    ctx: Context,
    admin: CurrentAdmin,
    status: Literal["pending", "verified"] = "pending",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> UserList:
    """Teachers waiting for verification (or already verified), oldest first; follow `next_cursor` for more."""
    after = decode_cursor(cursor) if cursor else None
    users = await queries.teachers(ctx, verified=status == "verified", limit=limit + 1, after=after)
    next_cursor = encode_cursor(users[limit - 1].created_at, users[limit - 1].id) if len(users) > limit else None
    return UserList(items=[UserOut.model_validate(u) for u in users[:limit]], next_cursor=next_cursor)


@router.post("/admin/teachers/{user_id}/verify", response_model=UserOut, tags=["admin"])
async def verify_teacher(user_id: uuid.UUID, ctx: Context, admin: CurrentAdmin) -> UserOut:
    """Verify a teacher so they may author courses."""
    return UserOut.model_validate(await commands.verify_teacher(ctx, admin.id, user_id))
