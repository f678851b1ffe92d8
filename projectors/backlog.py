"""The projections' work list in Redis: which courses changed and still need projecting.

An event does not project anything itself; it *marks* the courses it touches (``mark``): their change
counter goes up, they join each lane's ``dirty`` sorted set, scored by the earliest unprojected change, and
each lane's refresher is woken (a token in the lane's ``wake`` list, which it waits on). A refresh round
*claims* the oldest dirty courses with the counters it saw, projects them from the source,
then *settles*: a course leaves the set only if its counter did not move meanwhile, otherwise it stays for
the next round. 100 events on one course within a round are one re-projection (coalescing), and no mark
is ever lost, whatever the order or the duplicates.

A course whose projection fails is retried after a growing delay (``delayed``), then parked with its
error (``parked``) where ``edu projections status`` shows it and ``edu projections requeue`` returns it.
"""

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from redis import Redis

# KEYS: counters, then each lane's dirty set and wake list in pairs. ARGV: score (ms), course ids...
# One wake token per lane at most: a refresher that wakes takes everything marked by then.
_MARK = """
for i = 2, #ARGV do
  redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
  for k = 2, #KEYS, 2 do redis.call('ZADD', KEYS[k], 'NX', ARGV[1], ARGV[i]) end
end
for k = 3, #KEYS, 2 do
  redis.call('LPUSH', KEYS[k], 1)
  redis.call('LTRIM', KEYS[k], 0, 0)
end
return #ARGV - 1
"""

# KEYS: the wake lists to push. A token in a list that already holds one adds nothing.
_WAKE = """
for k = 1, #KEYS do
  redis.call('LPUSH', KEYS[k], 1)
  redis.call('LTRIM', KEYS[k], 0, 0)
end
return #KEYS
"""

# KEYS: dirty, delayed. ARGV: now (ms). Moves the courses whose retry time has come back to dirty.
_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], 'NX', ARGV[1], id)
end
return #due
"""

# KEYS: dirty, counters. ARGV: now (ms), then pairs of (course id, counter seen at claim).
# Returns the ids that were settled (their counter had not moved).
_SETTLE = """
local settled = {}
for i = 2, #ARGV, 2 do
  local id, seen = ARGV[i], ARGV[i + 1]
  if (redis.call('HGET', KEYS[2], id) or '0') == seen then
    redis.call('ZREM', KEYS[1], id)
    settled[#settled + 1] = id
  else
    redis.call('ZADD', KEYS[1], 'XX', ARGV[1], id)
  end
end
return settled
"""

# KEYS: lock. ARGV: token, ttl ms.
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: lease, paused. ARGV: token, ttl ms. Takes (or renews) the lease unless a pause is asked for.
_TAKE_LEASE = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: lease, paused. ARGV: token, ttl ms. Renews the lease while the token holds it; gives it up (and
# returns 0) when a pause is asked for.
_HOLD_LEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""
# KEYS: key. ARGV: value. Deletes the key only if it still holds that value (a lock's token, a counter).
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Claimed:
    course_id: uuid.UUID
    counter: int  # the change counter when claimed: the stamp of what this round writes
    since_ms: int  # the earliest change not yet projected


READ_MODEL = "read_model"  # the Redis projections: cards, curricula, listings, reviews, categories
SEARCH_LANE = "search"  # the search index
# Each lane keeps its own work list, lock and failures, and is refreshed by its own jobs: a search commit
# (tens of milliseconds on a large index) never holds back the cards, and each lane batches at its pace.
LANES = (READ_MODEL, SEARCH_LANE)


class BacklogKeys:
    """The projectors' own bookkeeping keys (not read by the read API), for one lane."""

    def __init__(self, prefix: str, lane: str = READ_MODEL) -> None:
        base = f"{prefix}proj:"
        own = base if lane == READ_MODEL else f"{base}{lane}:"
        self.base = base
        self.counters = base + "counters"  # hash: course id -> change counter (shared by the lanes)
        self.categories_dirty = base + "categories-dirty"  # the category counts' change counter
        self.rebuilding = base + "rebuilding"  # the rebuild's lock
        self.paused = base + "paused"  # set while someone acts as every lane's refresher (``Runtime.as_refresher``)
        self.dirty = own + "dirty"  # sorted set: course id -> earliest unprojected change (ms)
        self.delayed = own + "delayed"  # sorted set: course id -> retry time (ms)
        self.attempts = own + "attempts"  # hash: course id -> failed attempts so far
        self.parked = own + "parked"  # hash: course id -> JSON {error, attempts, parked_at_ms}
        self.wake = own + "wake"  # list: at most one token, pushed when there is new work
        self.refresher = own + "refresher"  # the lane's refresher lease (``projectors.refresher``)

    def lag(self, projection: str) -> str:
        return f"{self.base}lag:{projection}"


class Backlog:
    """One lane's work list (``lane``); marking marks every lane."""

    def __init__(self, redis: Redis, prefix: str, lane: str = READ_MODEL) -> None:
        self.redis = redis
        self.lane = lane
        self.keys = BacklogKeys(prefix, lane)
        self._lanes = [BacklogKeys(prefix, other) for other in LANES]
        self._mark = redis.register_script(_MARK)
        self._wake = redis.register_script(_WAKE)
        self._promote = redis.register_script(_PROMOTE)
        self._settle = redis.register_script(_SETTLE)
        self._extend = redis.register_script(_EXTEND)
        self._take_lease = redis.register_script(_TAKE_LEASE)
        self._hold_lease = redis.register_script(_HOLD_LEASE)
        self._delete_if = redis.register_script(_DELETE_IF)

    # -- marking ----------------------------------------------------------------------------------------

    def mark(self, course_ids: Iterable[uuid.UUID], changed_at_ms: int) -> int:
        ids = sorted({str(i) for i in course_ids})
        if not ids:
            return 0
        lanes = [key for lane in self._lanes for key in (lane.dirty, lane.wake)]
        return int(self._mark(keys=[self.keys.counters, *lanes], args=[changed_at_ms, *ids]))

    def mark_categories(self) -> None:
        """The category counts need a recount (the read model's refresher does it)."""
        self.redis.incr(self.keys.categories_dirty)
        self._wake(keys=[self._lanes[LANES.index(READ_MODEL)].wake])

    def wake_all(self) -> None:
        """Wakes every lane's refresher (after a pause, or for work a wake-up did not announce)."""
        self._wake(keys=[lane.wake for lane in self._lanes])

    def wait_for_work(self, timeout_seconds: float) -> bool:
        """Blocks until this lane is woken or ``timeout_seconds`` pass; True if it was woken."""
        return self.redis.blpop([self.keys.wake], timeout=timeout_seconds) is not None

    def categories_pending(self) -> bytes | None:
        """The category counts' change counter if a recount is due (settle it with ``categories_done``);
        like a course's, it is cleared only if nothing marked it again meanwhile, and a refresher that dies
        mid-recount leaves it set."""
        return self.redis.get(self.keys.categories_dirty)

    def categories_done(self, seen: bytes) -> None:
        self._delete_if(keys=[self.keys.categories_dirty], args=[seen])

    def counters(self, course_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not course_ids:
            return {}
        values = self.redis.hmget(self.keys.counters, [str(i) for i in course_ids])
        return {course_id: int(v or 0) for course_id, v in zip(course_ids, values, strict=True)}

    # -- claiming and settling ----------------------------------------------------------------------------

    def claim(self, limit: int) -> list[Claimed]:
        now = now_ms()
        self._promote(keys=[self.keys.dirty, self.keys.delayed], args=[now])
        entries = self.redis.zrange(self.keys.dirty, 0, limit - 1, withscores=True)
        if not entries:
            return []
        ids = [uuid.UUID(member.decode()) for member, _ in entries]
        counters = self.counters(ids)
        return [Claimed(i, counters[i], int(score)) for i, (_, score) in zip(ids, entries, strict=True)]

    def settle(self, claimed: list[Claimed]) -> set[uuid.UUID]:
        """Drops the claimed courses that did not change again since they were claimed."""
        if not claimed:
            return set()
        args: list = [now_ms()]
        for entry in claimed:
            args += [str(entry.course_id), entry.counter]
        settled = self._settle(keys=[self.keys.dirty, self.keys.counters], args=args)
        return {uuid.UUID(s.decode()) for s in settled}

    def has_work(self) -> bool:
        """Anything for this lane to project now: changed courses, due retries, the category counts."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcard(self.keys.dirty)
        pipe.zcount(self.keys.delayed, "-inf", now_ms())
        if self.lane == READ_MODEL:
            pipe.exists(self.keys.categories_dirty)
        return any(pipe.execute())

    def dirty_count(self) -> int:
        return int(self.redis.zcard(self.keys.dirty))

    def pending(self, *, every_lane: bool = True) -> set[uuid.UUID]:
        """Courses marked but not yet projected (dirty or waiting for a retry), in any lane or this one."""
        found = set()
        for lane in self._lanes if every_lane else [self.keys]:
            for key in (lane.dirty, lane.delayed):
                found |= {uuid.UUID(m.decode()) for m, _ in self.redis.zscan_iter(key)}
        return found

    # -- failures -----------------------------------------------------------------------------------------

    def park(self, course_id: uuid.UUID, error: str, attempts: int = 1) -> None:
        """Sets a course aside with its error until ``requeue`` (a rebuild parks what it cannot read)."""
        key = str(course_id)
        record = {"error": error[:2000], "attempts": attempts, "parked_at_ms": now_ms()}
        pipe = self.redis.pipeline()
        pipe.zrem(self.keys.dirty, key)
        pipe.zrem(self.keys.delayed, key)
        pipe.hset(self.keys.parked, key, json.dumps(record))
        pipe.hdel(self.keys.attempts, key)
        pipe.execute()

    def fail(self, course_id: uuid.UUID, error: str, *, max_attempts: int, base_seconds: float) -> bool:
        """Schedules a retry with exponential backoff; parks the course after ``max_attempts``.
        Returns True when it was parked."""
        key = str(course_id)
        attempts = int(self.redis.hincrby(self.keys.attempts, key, 1))
        if attempts >= max_attempts:
            self.park(course_id, error, attempts)
            return True
        retry_at = now_ms() + int(base_seconds * 1000 * 2 ** (attempts - 1))
        pipe = self.redis.pipeline()
        pipe.zrem(self.keys.dirty, key)
        pipe.zadd(self.keys.delayed, {key: retry_at})
        pipe.execute()
        return False

    def succeeded(self, course_ids: Iterable[uuid.UUID]) -> None:
        ids = [str(i) for i in course_ids]
        if ids:
            self.redis.hdel(self.keys.attempts, *ids)

    def parked(self) -> dict[uuid.UUID, dict]:
        return {uuid.UUID(k.decode()): json.loads(v) for k, v in self.redis.hgetall(self.keys.parked).items()}

    def requeue(self, course_ids: Iterable[uuid.UUID] | None = None) -> int:
        """Returns parked courses (all when ``course_ids`` is None) to the work list of every lane (a
        course fails in each lane that reads it); returns how many courses were parked."""
        wanted = None if course_ids is None else {str(i) for i in course_ids}
        found: set[str] = set()
        for lane in self._lanes:
            parked = {k.decode() for k in self.redis.hkeys(lane.parked)}
            chosen = parked if wanted is None else parked & wanted
            if chosen:
                self.redis.hdel(lane.parked, *chosen)
                found |= chosen
        if found:
            self.mark([uuid.UUID(i) for i in found], now_ms())
        return len(found)

    # -- one refresher at a time (a lease: the loop's, or a one-off drain's) ------------------------------

    def take_lease(self, token: str, ttl_ms: int) -> bool:
        """The refresher loop's way in: like ``acquire``, but never while a pause is asked for."""
        return bool(self._take_lease(keys=[self.keys.refresher, self.keys.paused], args=[token, ttl_ms]))

    def hold_lease(self, token: str, ttl_ms: int) -> bool:
        """Renews the loop's lease; False (and the lease freed) if a pause is asked for or it was lost."""
        return bool(self._hold_lease(keys=[self.keys.refresher, self.keys.paused], args=[token, ttl_ms]))

    def acquire(self, token: str, ttl_ms: int) -> bool:
        return bool(self.redis.set(self.keys.refresher, token, nx=True, px=ttl_ms))

    def extend(self, token: str, ttl_ms: int) -> bool:
        return self.extend_lock(self.keys.refresher, token, ttl_ms)

    def release(self, token: str) -> None:
        self.release_lock(self.keys.refresher, token)

    def extend_lock(self, key: str, token: str, ttl_ms: int) -> bool:
        """Renews a lock only while ``token`` still holds it."""
        return bool(self._extend(keys=[key], args=[token, ttl_ms]))

    def release_lock(self, key: str, token: str) -> None:
        """Releases a lock only if ``token`` still holds it (never another holder's)."""
        self._delete_if(keys=[key], args=[token])

    # -- pausing every lane's refresher ------------------------------------------------------------------

    def pause(self, token: str, ttl_ms: int) -> None:
        """Asks every lane's refresher to let go of its lease (and search writer) until ``resume``; the
        pause ends by itself after ``ttl_ms`` if its holder dies."""
        self.redis.set(self.keys.paused, token, px=ttl_ms)
        self.wake_all()

    def is_paused(self) -> bool:
        return bool(self.redis.exists(self.keys.paused))

    def resume(self, token: str) -> None:
        self.release_lock(self.keys.paused, token)
        self.wake_all()

    # -- lag samples for ``edu projections status`` ----------------------------------------------------

    def record_lag(self, projection: str, samples_ms: list[int], keep: int) -> None:
        if not samples_ms:
            return
        stamp = now_ms()
        key = self.keys.lag(projection)
        pipe = self.redis.pipeline(transaction=False)
        pipe.lpush(key, *(f"{stamp}:{lag}" for lag in samples_ms))
        pipe.ltrim(key, 0, keep - 1)
        pipe.execute()

    def recent_lags(self, projection: str, window_seconds: int) -> list[int]:
        oldest = now_ms() - window_seconds * 1000
        lags = []
        for entry in self.redis.lrange(self.keys.lag(projection), 0, -1):
            at, lag = entry.decode().split(":")
            if int(at) >= oldest:
                lags.append(int(lag))
        return lags
