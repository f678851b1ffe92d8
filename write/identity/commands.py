"""Identity's commands: register, log in, rotate and revoke refresh tokens, create admins, verify teachers,
rename oneself."""

import enum
import uuid
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from write import outbox
from write.context import CommandContext
from write.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from write.identity import events
from write.identity.models import RefreshFamily, RefreshToken, User
from write.identity.models import outbox as identity_outbox
from write.identity.schemas import AdminIn, RegisterIn, TokenPair
from write.identity.tokens import new_refresh_token, refresh_token_digest

DOMAIN = "identity"


async def register(ctx: CommandContext, body: RegisterIn, client_ip: str) -> User:
    settings = ctx.settings
    await ctx.attempts.hit(
        "register:ip",
        client_ip,
        limit=settings.register_attempts_per_ip,
        window_seconds=settings.register_window_seconds,
    )
    password_hash = await ctx.passwords.hash(body.password)
    user = User(
        id=uuid.uuid4(),
        email=body.email.lower(),
        name=body.name,
        role=body.role,
        is_verified=False,
        password_hash=password_hash,
    )
    try:
        async with ctx.databases.transaction(DOMAIN) as session:
            session.add(user)
            await session.flush()
            await outbox.record(session, identity_outbox, _registered(user))
    except IntegrityError as error:
        raise Conflict("An account with this email already exists.", code="email_taken") from error
    return user


def _registered(user: User) -> events.UserRegistered:
    return events.UserRegistered(
        aggregate_id=user.id, email=user.email, name=user.name, role=user.role, is_verified=user.is_verified
    )


async def create_or_reset_admin(ctx: CommandContext, email: str, password: str, name: str | None) -> tuple[User, bool]:
    """``edu admin create``: the only way to make an admin. Returns (admin, created)."""
    try:
        body = AdminIn(email=email, password=password, name=name)
    except ValidationError as error:
        problem = error.errors()[0]
        raise InvalidInput(f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}") from None
    email, password, name = body.email.lower(), body.password, body.name
    password_hash = await ctx.passwords.hash(password)
    async with ctx.databases.transaction(DOMAIN) as session:
        user = await session.scalar(select(User).where(User.email == email).with_for_update())
        if user is None:
            user = User(
                id=uuid.uuid4(),
                email=email,
                name=name or email.split("@")[0],
                role="admin",
                is_verified=True,
                password_hash=password_hash,
            )
            session.add(user)
            await session.flush()
            await outbox.record(session, identity_outbox, _registered(user))
            return user, True
        if user.role != "admin":
            raise Conflict(f"{email} belongs to a {user.role}, not an admin.", code="not_an_admin")
        user.password_hash = password_hash
        user.name = name or user.name
        user.updated_at = datetime.now(UTC)
        # A reset password also ends every session of that admin.
        await _revoke_all_families(session, user.id, reason="password_reset")
        await outbox.record(session, identity_outbox, events.AdminPasswordReset(aggregate_id=user.id))
        return user, False


async def _revoke_all_families(session, user_id: uuid.UUID, reason: str) -> None:
    await session.execute(
        update(RefreshFamily)
        .where(RefreshFamily.user_id == user_id, RefreshFamily.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC), revoked_reason=reason)
    )


async def login(ctx: CommandContext, email: str, password: str, client_ip: str) -> TokenPair:
    settings = ctx.settings
    email = email.lower()
    window = settings.login_window_seconds
    await ctx.attempts.hit("login:ip", client_ip, limit=settings.login_attempts_per_ip, window_seconds=window)
    await ctx.attempts.hit("login:account", email, limit=settings.login_attempts_per_account, window_seconds=window)
    async with ctx.databases.transaction(DOMAIN) as session:
        user = await session.scalar(select(User).where(User.email == email))
    # Unknown email and wrong password cost the same and answer the same.
    if not await ctx.passwords.verify(user.password_hash if user else None, password) or user is None:
        raise Unauthenticated("Wrong email or password.", code="invalid_credentials")
    new_hash = await ctx.passwords.hash(password) if ctx.passwords.needs_rehash(user.password_hash) else None
    async with ctx.databases.transaction(DOMAIN) as session:
        if new_hash:
            await session.execute(update(User).where(User.id == user.id).values(password_hash=new_hash))
        family = RefreshFamily(id=uuid.uuid4(), user_id=user.id)
        session.add(family)
        await session.flush()
        refresh_token = await _add_refresh_token(ctx, session, family.id)
        await outbox.record(session, identity_outbox, events.UserLoggedIn(aggregate_id=user.id, family_id=family.id))
    return _token_pair(ctx, user, refresh_token)


async def _add_refresh_token(ctx: CommandContext, session, family_id: uuid.UUID) -> str:
    token = new_refresh_token()
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            family_id=family_id,
            token_hash=refresh_token_digest(token),
            expires_at=datetime.now(UTC) + timedelta(seconds=ctx.settings.refresh_token_ttl_seconds),
        )
    )
    await session.flush()
    return token


def _token_pair(ctx: CommandContext, user: User, refresh_token: str) -> TokenPair:
    return TokenPair(
        access_token=ctx.tokens.issue(user.id, user.role),
        refresh_token=refresh_token,
        expires_in=ctx.settings.access_token_ttl_seconds,
    )


class _Refresh(enum.Enum):
    ROTATED = "rotated"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REUSED = "reused"


async def refresh(ctx: CommandContext, presented: str) -> TokenPair:
    """Rotates a refresh token. A token works once: the row update below is the single winner under
    concurrency; any later presentation is reuse, and reuse revokes the whole family."""
    digest = refresh_token_digest(presented)
    now = datetime.now(UTC)
    async with ctx.databases.transaction(DOMAIN) as session:
        claimed = (
            await session.execute(
                update(RefreshToken)
                .where(RefreshToken.token_hash == digest, RefreshToken.used_at.is_(None))
                .values(used_at=now)
                .returning(RefreshToken.family_id, RefreshToken.expires_at)
            )
        ).one_or_none()
        outcome, user, new_token = await _after_claim(ctx, session, digest, claimed, now)
    if outcome is _Refresh.REUSED:
        raise Unauthenticated(
            "This refresh token was already used; every session of it is now revoked.", code="refresh_token_reused"
        )
    if outcome is not _Refresh.ROTATED:
        raise Unauthenticated("The refresh token is not valid.", code="invalid_refresh_token")
    return _token_pair(ctx, user, new_token)


async def _after_claim(ctx, session, digest, claimed, now):
    if claimed is None:
        family_id = await session.scalar(select(RefreshToken.family_id).where(RefreshToken.token_hash == digest))
        if family_id is None:
            return _Refresh.UNKNOWN, None, None
        family = await session.get(RefreshFamily, family_id, with_for_update=True)
        if family.revoked_at is None:
            family.revoked_at, family.revoked_reason = now, "reuse"
        await outbox.record(
            session,
            identity_outbox,
            events.RefreshTokenReuseDetected(aggregate_id=family.user_id, family_id=family.id),
        )
        return _Refresh.REUSED, None, None
    family_id, expires_at = claimed
    family = await session.get(RefreshFamily, family_id)
    if family.revoked_at is not None or expires_at <= now:
        return _Refresh.EXPIRED, None, None
    user = await session.get(User, family.user_id)
    new_token = await _add_refresh_token(ctx, session, family.id)
    await outbox.record(session, identity_outbox, events.RefreshTokenRotated(aggregate_id=user.id, family_id=family.id))
    return _Refresh.ROTATED, user, new_token


async def logout(ctx: CommandContext, user_id: uuid.UUID, presented: str) -> None:
    """Revokes the session (family) of this refresh token; a token that is not the caller's is ignored."""
    digest = refresh_token_digest(presented)
    async with ctx.databases.transaction(DOMAIN) as session:
        family = await session.scalar(
            select(RefreshFamily)
            .join(RefreshToken, RefreshToken.family_id == RefreshFamily.id)
            .where(RefreshToken.token_hash == digest, RefreshFamily.user_id == user_id)
            .with_for_update(of=RefreshFamily)
        )
        if family is None or family.revoked_at is not None:
            return
        family.revoked_at, family.revoked_reason = datetime.now(UTC), "logout"
        await outbox.record(session, identity_outbox, events.UserLoggedOut(aggregate_id=user_id, family_id=family.id))


async def verify_teacher(ctx: CommandContext, admin_id: uuid.UUID, user_id: uuid.UUID) -> User:
    async with ctx.databases.transaction(DOMAIN) as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None or user.role != "teacher":
            raise NotFound("No teacher with this id.")
        if user.is_verified:
            return user  # verifying twice changes nothing and records nothing
        now = datetime.now(UTC)
        user.is_verified, user.verified_at, user.verified_by, user.updated_at = True, now, admin_id, now
        await outbox.record(
            session,
            identity_outbox,
            events.TeacherVerified(aggregate_id=user.id, name=user.name, verified_by=admin_id),
        )
        return user


async def rename_user(ctx: CommandContext, user_id: uuid.UUID, name: str) -> User:
    """Changes the caller's display name; the same name again changes nothing and records nothing."""
    async with ctx.databases.transaction(DOMAIN) as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            raise Unauthenticated("This account no longer exists.", code="invalid_token")
        if user.name == name:
            return user
        user.name, user.updated_at = name, datetime.now(UTC)
        await outbox.record(
            session, identity_outbox, events.UserRenamed(aggregate_id=user.id, name=name, role=user.role)
        )
        return user
