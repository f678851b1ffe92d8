"""Reading the projections in Redis (layout: ``projectors.layout``) the cheap way: documents come back as
the bytes the projectors wrote and are passed through, never parsed and re-serialised; a catalog page is
one round trip (a Lua script: the listing's range, then the cards of its members); a page of search hits
is one HMGET.

The active versions (``rm:active``) are cached in the process for ``read_active_cache_seconds``: after a
rebuild switches, a request may read the old version for that long, which the projectors keep for
``old_version_grace_seconds`` (longer) before dropping it.
"""

import asyncio
import time
import uuid

from redis.asyncio import BlockingConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from projectors.layout import CARDS, CATEGORIES, LISTINGS, ReadModelKeys
from read.errors import ProjectionUnavailable
from read.settings import ReadSettings

# KEYS: listing sorted set, cards hash. ARGV: range start ('-' or '(' .. member), how many.
# Returns member, card, member, card, ... ('' for a card not (yet) there).
_PAGE = """
local members = redis.call('ZRANGE', KEYS[1], ARGV[1], '+', 'BYLEX', 'LIMIT', 0, tonumber(ARGV[2]))
if #members == 0 then return {} end
local ids = {}
for i, member in ipairs(members) do ids[i] = string.sub(member, -36) end
local cards = redis.call('HMGET', KEYS[2], unpack(ids))
local out = {}
for i, member in ipairs(members) do
  out[2 * i - 1] = member
  out[2 * i] = cards[i] or ''
end
return out
"""


def connect(settings: ReadSettings) -> Redis:
    """A pooled client that fails fast: no retries, short timeouts (a Redis that is down is a quick 503).

    redis-py's blocking pool, although its checkout (a condition and a timeout) costs a tenth of a card's
    CPU: the plain pool opens connections while holding its lock, so with a Redis that accepts but never
    answers every request queued behind the one connecting (seen: 2 s for a catalog page, N s for the
    N-th of a burst) -- the hanging requests this must never give."""
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.read_redis_connections,
        timeout=settings.read_redis_pool_timeout_seconds,
        socket_timeout=settings.read_redis_timeout_seconds,
        socket_connect_timeout=settings.read_redis_connect_timeout_seconds,
        retry=Retry(NoBackoff(), 0),
    )
    return Redis(connection_pool=pool)


class ReadModel:
    def __init__(self, redis: Redis, settings: ReadSettings) -> None:
        self.redis = redis
        self.keys = ReadModelKeys(settings.redis_key_prefix)
        self._cache_seconds = settings.read_active_cache_seconds
        self._active: dict[str, int] = {}
        self._active_at = -1e9
        self._active_lock = asyncio.Lock()
        self._page = redis.register_script(_PAGE)

    async def active(self) -> dict[str, int]:
        """projection -> active version (cached briefly; one HGETALL at most per period and process)."""
        if time.monotonic() - self._active_at < self._cache_seconds:
            return self._active
        async with self._active_lock:  # one refresh for every request that found the cache stale
            if time.monotonic() - self._active_at >= self._cache_seconds:
                raw = await self.redis.hgetall(self.keys.active)
                self._active = {k.decode(): int(v) for k, v in raw.items()}
                self._active_at = time.monotonic()
        return self._active

    async def version(self, projection: str) -> int:
        version = (await self.active()).get(projection)
        if version is None:
            raise ProjectionUnavailable(
                f"The {projection} projection has no active version: an operator must run `edu projections rebuild`.",
                headers={"Retry-After": "30"},
            )
        return version

    async def document(self, projection: str, course_id: uuid.UUID) -> tuple[int, bytes | None]:
        """(active version, the course's document in it or None)."""
        version = await self.version(projection)
        return version, await self.redis.hget(self.keys.data(projection, version), str(course_id))

    async def cards(self, course_ids: list[uuid.UUID]) -> list[bytes | None]:
        if not course_ids:
            return []
        version = await self.version(CARDS)
        return await self.redis.hmget(self.keys.data(CARDS, version), [str(i) for i in course_ids])

    async def categories(self) -> tuple[int, bytes]:
        version = await self.version(CATEGORIES)
        return version, await self.redis.get(self.keys.data(CATEGORIES, version)) or b"[]"

    async def listing_page(
        self, category: str | None, level: str | None, sort: str, after: str | None, limit: int
    ) -> tuple[int, list[tuple[bytes, bytes]]]:
        """(listings version, up to ``limit`` (member, card) pairs after the member ``after``)."""
        active = await self.active()
        listings, cards = active.get(LISTINGS), active.get(CARDS)
        if listings is None or cards is None:
            await self.version(LISTINGS if listings is None else CARDS)  # raises ProjectionUnavailable
        key = self.keys.listing(listings, category, level, sort)
        start = "-" if after is None else "(" + after
        flat = await self._page(keys=[key, self.keys.data(CARDS, cards)], args=[start, limit])
        return listings, list(zip(flat[::2], flat[1::2], strict=True))

    async def ping(self) -> None:
        await self.redis.ping()
