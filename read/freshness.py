"""Read-your-writes: a request with ``min_version`` waits until the course's projection reaches that
version, without polling Redis in a loop.

One subscriber per process listens on the projectors' change channel (``ReadModelKeys.changes``: the ids
each refresh round rewrote) and wakes the requests waiting for those courses; a woken request reads its
document once more. A safety re-read every ``RECHECK_SECONDS`` covers a message lost while the subscriber
reconnects (pub/sub delivers at most once) and a rebuild's switch (which announces nothing).
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

from read import metrics
from read.errors import ProjectionLagging

log = logging.getLogger("edu.read.freshness")

RECHECK_SECONDS = 0.5
RECONNECT_SECONDS = 1.0


class ChangeFeed:
    def __init__(self, redis: Redis, channel: str) -> None:
        self.redis = redis
        self.channel = channel
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="change-feed")

    async def stop(self) -> None:
        """Ends the listener. A cancellation alone may not: when it lands as a Redis read times out,
        redis-py can turn it into its own timeout error, which the listener takes for a lost connection
        and reconnects (seen with a Redis that does not answer: the shutdown then hung forever). So the
        listener also checks a flag, and the cancellation is repeated until it has ended."""
        if self._task is None:
            return
        self._stopping = True
        while not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=RECHECK_SECONDS)
        if not self._task.cancelled() and self._task.exception() is not None:
            log.warning("change feed ended with %r", self._task.exception())

    async def _listen(self) -> None:
        while not self._stopping:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                while not self._stopping:
                    # A timeout, so a Redis that went away is noticed (and the socket timeout never hits).
                    message = await pubsub.get_message(timeout=RECHECK_SECONDS * 4)
                    if message is not None and message["type"] == "message":
                        self._wake(message["data"])
            except (RedisError, OSError) as error:
                if self._stopping:
                    break
                log.warning("change feed lost (%s); reconnecting in %.0f s", error, RECONNECT_SECONDS)
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _wake(self, data: bytes) -> None:
        if not self._waiters:
            return
        for course_id in data.decode().split():
            for event in self._waiters.get(course_id, ()):
                event.set()

    @contextlib.contextmanager
    def watch(self, course_id: uuid.UUID) -> Iterator[asyncio.Event]:
        key, event = str(course_id), asyncio.Event()
        self._waiters[key].add(event)
        try:
            yield event
        finally:
            waiting = self._waiters[key]
            waiting.discard(event)
            if not waiting:
                del self._waiters[key]


async def wait_for_version(
    feed: ChangeFeed,
    course_id: uuid.UUID,
    min_version: int,
    read: Callable[[], Awaitable[tuple[bytes | None, int | None]]],
    timeout_seconds: float,
) -> bytes | None:
    """Reads until the document's version reaches ``min_version``; returns it (or None when the course has
    no document by the deadline: it is not published). ``read`` returns (document, its version)."""
    started = time.monotonic()
    deadline = started + timeout_seconds
    with feed.watch(course_id) as changed:
        while True:
            changed.clear()  # before the read: a change announced after it wakes the wait below
            document, version = await read()
            if document is not None and version is not None and version >= min_version:
                metrics.MIN_VERSION_WAITS.observe(time.monotonic() - started)
                return document
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, RECHECK_SECONDS))
    metrics.MIN_VERSION_WAITS.observe(time.monotonic() - started)
    if document is None:
        return None
    retry_after = max(1, round(timeout_seconds))
    raise ProjectionLagging(
        f"The projection has version {version}, not yet {min_version}; try again shortly.",
        details={"version": version, "min_version": min_version},
        headers={"Retry-After": str(retry_after)},
    )
