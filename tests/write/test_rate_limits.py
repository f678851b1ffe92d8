"""Login and register attempt limits (Redis, fixed windows): 429 rate_limited with Retry-After."""

import asyncio
import time
import uuid

import pytest

from tests.actors import PASSWORD, unique_email
from tests.errors import assert_error
from tests.write.identity_helpers import app_with, context_of, fresh_redis_prefix, user_by_email
from write.errors import RateLimited
from write.identity.rate_limits import AttemptLimiter

# Windows that surely do not end during a test (the next boundary of a 10**9 s window is in 2033), so a count is
# never reset half-way; the boundary itself is tested below with a pinned clock.
LONG_WINDOW = 10**9
HIGH = 100_000


def limited(settings, **limits):
    return app_with(
        settings,
        redis_key_prefix=fresh_redis_prefix(settings),
        login_window_seconds=LONG_WINDOW,
        register_window_seconds=LONG_WINDOW,
        **(
            {"login_attempts_per_ip": HIGH, "login_attempts_per_account": HIGH, "register_attempts_per_ip": HIGH}
            | limits
        ),
    )


async def register(client, email: str):
    return await client.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "name": "R", "role": "student"}
    )


async def login(client, email: str, password: str = PASSWORD, **kwargs):
    return await client.post("/auth/login", json={"email": email, "password": password}, **kwargs)


def assert_rate_limited(response, window: int = LONG_WINDOW) -> int:
    error = assert_error(response, 429, "rate_limited")
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit(), retry_after
    assert 0 < int(retry_after) <= window
    assert error["details"] == {"retry_after": int(retry_after)}
    return int(retry_after)


async def test_the_fourth_login_of_one_account_is_429_even_with_the_right_password(settings):
    async with limited(settings, login_attempts_per_account=3) as app:
        email, other = unique_email(), unique_email()
        for address in (email, other):
            assert (await register(app, address)).status_code == 201

        attempts = [await login(app, email, "wrong password"), await login(app, email), await login(app, email)]
        fourth = await login(app, email)
        fifth = await login(app, email.upper())  # the same account in another case
        elsewhere = await login(app, other)

    assert [a.status_code for a in attempts] == [401, 200, 200]
    assert_rate_limited(fourth)
    assert "access_token" not in fourth.text
    assert_rate_limited(fifth)
    assert elsewhere.status_code == 200, elsewhere.text


async def test_a_rate_limited_login_does_no_password_hashing(settings, monkeypatch):
    async with limited(settings, login_attempts_per_account=1) as app:
        email = unique_email()
        await login(app, email)
        calls = []
        hasher = context_of(app).passwords
        real_verify = hasher.verify

        async def counting_verify(*args):
            calls.append(args)
            return await real_verify(*args)

        monkeypatch.setattr(hasher, "verify", counting_verify)
        response = await login(app, email)

    assert_rate_limited(response)
    assert calls == []


async def test_distinct_accounts_from_one_ip_hit_the_per_ip_limit(settings):
    async with limited(settings, login_attempts_per_ip=3) as app:
        responses = [await login(app, unique_email()) for _ in range(5)]

    assert [r.status_code for r in responses] == [401, 401, 401, 429, 429]
    assert_rate_limited(responses[3])


async def test_x_forwarded_for_is_ignored_unless_trusted(settings):
    async with limited(settings, login_attempts_per_ip=2) as app:
        responses = [await login(app, unique_email(), headers={"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(3)]
    assert [r.status_code for r in responses] == [401, 401, 429]

    async with limited(settings, login_attempts_per_ip=2, trust_forwarded_for=True) as proxied:
        spread = [await login(proxied, unique_email(), headers={"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(3)]
        same = [
            await login(proxied, unique_email(), headers={"X-Forwarded-For": "198.51.100.7, 10.0.0.1"})
            for _ in range(3)
        ]
    assert [r.status_code for r in spread] == [401, 401, 401]
    assert [r.status_code for r in same] == [401, 401, 429]


async def test_register_per_ip_limit(settings, ctx):
    emails = [unique_email() for _ in range(4)]
    async with limited(settings, register_attempts_per_ip=2) as app:
        responses = [await register(app, email) for email in emails]

    assert [r.status_code for r in responses] == [201, 201, 429, 429]
    assert_rate_limited(responses[2])
    assert await user_by_email(ctx, emails[2]) is None
    assert await user_by_email(ctx, emails[3]) is None


async def test_concurrent_attempts_cannot_slip_past_the_limit(settings):
    async with limited(settings, login_attempts_per_account=3) as app:
        email = unique_email()
        responses = await asyncio.gather(*(login(app, email) for _ in range(8)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401, 401, 401] + [429] * 5


# ---- the limiter itself, with a pinned clock ------------------------------------------------------------------


@pytest.fixture
def limiter(ctx, settings):
    return AttemptLimiter(ctx.redis, fresh_redis_prefix(settings))


async def test_retry_after_counts_down_to_the_end_of_the_window(limiter, monkeypatch):
    window = 60
    start = 1_000_000 * window  # the start of a window
    monkeypatch.setattr(time, "time", lambda: start + 15.2)
    subject = uuid.uuid4().hex
    for _ in range(2):
        await limiter.hit("test", subject, limit=2, window_seconds=window)

    with pytest.raises(RateLimited) as refused:
        await limiter.hit("test", subject, limit=2, window_seconds=window)

    assert refused.value.retry_after == 45  # ceil(60 - 15.2)
    assert refused.value.headers() == {"Retry-After": "45"}
    monkeypatch.setattr(time, "time", lambda: start + window + 0.5)
    await limiter.hit("test", subject, limit=2, window_seconds=window)  # a new window, a new count


async def test_retry_after_is_at_least_one_second(limiter, monkeypatch):
    window = 60
    monkeypatch.setattr(time, "time", lambda: 1_000_000 * window - 0.01)  # the last instant of a window
    subject = uuid.uuid4().hex
    await limiter.hit("test", subject, limit=1, window_seconds=window)

    with pytest.raises(RateLimited) as refused:
        await limiter.hit("test", subject, limit=1, window_seconds=window)

    assert refused.value.retry_after == 1


async def test_counts_are_kept_apart_by_scope_and_subject_and_expire(limiter, ctx):
    subject = uuid.uuid4().hex
    await limiter.hit("a", subject, limit=1, window_seconds=LONG_WINDOW)
    await limiter.hit("b", subject, limit=1, window_seconds=LONG_WINDOW)
    await limiter.hit("a", subject + "x", limit=1, window_seconds=LONG_WINDOW)
    with pytest.raises(RateLimited):
        await limiter.hit("a", subject, limit=1, window_seconds=LONG_WINDOW)

    keys = [key async for key in ctx.redis.scan_iter(match=f"{limiter._prefix}*{subject}*")]
    assert len(keys) == 3
    ttls = [await ctx.redis.ttl(key) for key in keys]
    assert all(0 < ttl <= LONG_WINDOW + 1 for ttl in ttls), ttls
