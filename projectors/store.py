"""Writing the read model in Redis (layout: ``projectors.layout``).

Two ways in. A refresh writes single courses through Lua scripts that compare stamps first, so a write
built from older source data than what is stored is refused (a projection never goes backwards, even if
two refreshers ever overlap). A rebuild fills a brand-new version that nothing else writes yet, so it
writes whole batches with plain multi-field commands (``bulk_*``).
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable

from redis import Redis

from projectors.layout import CARDS, CATEGORIES, CURRICULA, LISTINGS, REVIEWS, ReadModelKeys
from projectors.views import CourseViews

# KEYS: data hash, stamps hash. ARGV: course id, stamp, value ('' removes the course).
_PUT_DOCUMENT = """
local stored = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
if tonumber(ARGV[2]) < stored then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
"""

# KEYS: members hash, stamps hash. ARGV: listing key prefix, course id, stamp, JSON [[suffix, member], ...]
# ('' removes the course). The course's old entries are removed from their sorted sets, the new ones added.
# (Sorted-set keys are derived inside the script: fine on one Redis, not on Redis Cluster.)
_PUT_LISTING = """
local stored = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '-1')
if tonumber(ARGV[3]) < stored then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local previous = redis.call('HGET', KEYS[1], ARGV[2])
if previous == ARGV[4] then return 1 end
if previous then
  for _, entry in ipairs(cjson.decode(previous)) do redis.call('ZREM', ARGV[1] .. entry[1], entry[2]) end
end
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[1], ARGV[2])
else
  for _, entry in ipairs(cjson.decode(ARGV[4])) do redis.call('ZADD', ARGV[1] .. entry[1], 0, entry[2]) end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
end
return 1
"""

PER_COURSE = {CARDS: "card", CURRICULA: "curriculum", REVIEWS: "reviews"}


class ReadModelStore:
    def __init__(self, redis: Redis, keys: ReadModelKeys) -> None:
        self.redis = redis
        self.keys = keys
        self._put_document = redis.register_script(_PUT_DOCUMENT)
        self._put_listing = redis.register_script(_PUT_LISTING)

    # -- versions ---------------------------------------------------------------------------------------

    def active(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.redis.hgetall(self.keys.active).items()}

    def building(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.redis.hgetall(self.keys.building).items()}

    def new_version(self) -> int:
        return int(self.redis.incr(self.keys.version_counter))

    # -- guarded writes (refresh, repair) -----------------------------------------------------------------

    def put_courses(
        self,
        versions: dict[str, int],
        views: Iterable[CourseViews],
        removed: Iterable[uuid.UUID],
        stamps: dict[uuid.UUID, int],
    ) -> None:
        """Writes the views (and removes the ``removed`` courses) in the given projection versions."""
        pipe = self.redis.pipeline(transaction=False)
        entries = [(view.id, view) for view in views] + [(course_id, None) for course_id in removed]
        for projection, version in versions.items():
            data, stamp_key = self.keys.data(projection, version), self.keys.stamps(projection, version)
            for course_id, view in entries:
                stamp = stamps.get(course_id, 0)
                if projection == LISTINGS:
                    value = view.listing if view else b""
                    args = [self.keys.listing_prefix(version), str(course_id), stamp, value]
                    self._put_listing(keys=[data, stamp_key], args=args, client=pipe)
                elif projection in PER_COURSE:
                    value = getattr(view, PER_COURSE[projection]) if view else b""
                    self._put_document(keys=[data, stamp_key], args=[str(course_id), stamp, value], client=pipe)
        pipe.execute()

    def announce(self, course_ids: list[uuid.UUID]) -> None:
        """Tells readers waiting for these courses (``min_version``) to look again."""
        if course_ids:
            self.redis.publish(self.keys.changes, " ".join(str(i) for i in course_ids))

    def put_categories(self, versions: dict[str, int], value: bytes) -> None:
        if CATEGORIES in versions:
            self.redis.set(self.keys.data(CATEGORIES, versions[CATEGORIES]), value)

    # -- bulk writes into a version being built ----------------------------------------------------------

    def bulk_put(self, projection: str, version: int, views: list[CourseViews], stamps: dict[uuid.UUID, int]) -> None:
        if not views:
            return
        pipe = self.redis.pipeline(transaction=False)
        stamp_map = {str(view.id): stamps.get(view.id, 0) for view in views}
        pipe.hset(self.keys.stamps(projection, version), mapping=stamp_map)
        if projection == LISTINGS:
            pipe.hset(self.keys.data(LISTINGS, version), mapping={str(v.id): v.listing for v in views})
            by_key: dict[str, dict[str, int]] = defaultdict(dict)
            prefix = self.keys.listing_prefix(version)
            for view in views:
                for suffix, member in view.listing_entries:
                    by_key[prefix + suffix][member] = 0
            for key, members in by_key.items():
                pipe.zadd(key, members)
        else:
            attribute = PER_COURSE[projection]
            pipe.hset(self.keys.data(projection, version), mapping={str(v.id): getattr(v, attribute) for v in views})
        pipe.execute()

    # -- reading back (verify, status) ------------------------------------------------------------------------

    def count(self, projection: str, version: int) -> int:
        if projection == CATEGORIES:
            return int(self.redis.exists(self.keys.data(CATEGORIES, version)))
        return int(self.redis.hlen(self.keys.data(projection, version)))

    def categories(self, version: int) -> list[dict]:
        value = self.redis.get(self.keys.data(CATEGORIES, version))
        return json.loads(value) if value else []

    def get_many(self, projection: str, version: int, ids: list[uuid.UUID]) -> list[bytes | None]:
        if not ids:
            return []
        return self.redis.hmget(self.keys.data(projection, version), [str(i) for i in ids])

    def keys_of(self, projection: str, version: int) -> set[str]:
        """The fields of a per-course hash: course ids, unless something else wrote there."""
        return {k.decode() for k, _ in self.redis.hscan_iter(self.keys.data(projection, version), count=1000)}

    def listing_keys(self, version: int) -> list[str]:
        prefix = self.keys.listing_prefix(version)
        members_key, stamps_key = self.keys.data(LISTINGS, version), self.keys.stamps(LISTINGS, version)
        found = {k.decode() for k in self.redis.scan_iter(match=prefix + "*", count=1000)}
        return sorted(found - {members_key, stamps_key})

    def drop_version(self, projection: str, version: int) -> None:
        """Deletes every key of one version (UNLINK: Redis frees the memory in the background)."""
        keys = [self.keys.data(projection, version), self.keys.stamps(projection, version)]
        keys += [k.decode() for k in self.redis.scan_iter(match=self.keys.version_keys_pattern(projection, version))]
        for start in range(0, len(keys), 500):
            self.redis.unlink(*keys[start : start + 500])

    def stored_versions(self, projection: str) -> set[int]:
        """Every version of ``projection`` that has keys in Redis (to clear what an interrupted rebuild left)."""
        prefix = f"{self.keys.prefix}rm:{projection}:"
        versions = set()
        for key in self.redis.scan_iter(match=prefix + "*", count=1000):
            head = key.decode()[len(prefix) :].split(":", 1)[0]
            if head.isdigit():
                versions.add(int(head))
        return versions
