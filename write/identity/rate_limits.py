"""Fixed-window attempt counters in Redis, shared by every command-API process."""

import math
import time

from redis.asyncio import Redis

from write.errors import RateLimited


class AttemptLimiter:
    def __init__(self, redis: Redis, key_prefix: str) -> None:
        self._redis = redis
        self._prefix = f"{key_prefix}ratelimit:"

    async def hit(self, scope: str, subject: str, *, limit: int, window_seconds: int) -> None:
        """Counts one attempt; raises RateLimited (with seconds until the window ends) past ``limit``."""
        now = time.time()
        window = int(now // window_seconds)
        key = f"{self._prefix}{scope}:{subject}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(key).expire(key, window_seconds + 1).execute()
        if count > limit:
            retry_after = max(1, math.ceil((window + 1) * window_seconds - now))
            raise RateLimited("Too many attempts; try again later.", retry_after=retry_after)
