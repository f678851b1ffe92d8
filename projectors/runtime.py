"""The long-lived parts one projection process works with: settings, Redis, the search engine, the
source reader, the backlog, the store and the projector. Built once per process (an RQ SimpleWorker runs
every job in its own process) and shared by its jobs; the CLI builds its own."""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from redis import Redis

from projectors.backlog import LANES, READ_MODEL, SEARCH_LANE, Backlog
from projectors.layout import ReadModelKeys
from projectors.queues import enqueue_refresh, refresh_queue, rq_redis
from projectors.refresh import Projector
from projectors.settings import ProjectorSettings, get_projector_settings
from projectors.source import SourceReader
from projectors.store import ReadModelStore
from search import SearchEngine
from search.settings import SearchSettings, open_engine
from write.settings import WriteSettings, get_settings


@dataclass
class Runtime:
    settings: WriteSettings
    projector_settings: ProjectorSettings
    search_settings: SearchSettings

    @classmethod
    def from_environment(cls) -> "Runtime":
        return cls(get_settings(), get_projector_settings(), SearchSettings())

    @cached_property
    def redis(self) -> Redis:
        return rq_redis(self.settings)

    @cached_property
    def keys(self) -> ReadModelKeys:
        return ReadModelKeys(self.settings.redis_key_prefix)

    @cached_property
    def engine(self) -> SearchEngine:
        return open_engine(self.search_settings)

    @cached_property
    def source(self) -> SourceReader:
        return SourceReader(self.settings)

    @cached_property
    def backlog(self) -> Backlog:
        return Backlog(self.redis, self.settings.redis_key_prefix)

    @cached_property
    def store(self) -> ReadModelStore:
        return ReadModelStore(self.redis, self.keys)

    @cached_property
    def search_backlog(self) -> Backlog:
        return Backlog(self.redis, self.settings.redis_key_prefix, SEARCH_LANE)

    @cached_property
    def projector(self) -> Projector:
        """The read model's refresher (every Redis projection)."""
        return Projector(self.projector_settings, self.source, self.store, self.backlog, self.engine)

    @cached_property
    def search_projector(self) -> Projector:
        return Projector(self.projector_settings, self.source, self.store, self.search_backlog, self.engine)

    def lane(self, name: str) -> Projector:
        if name not in LANES:
            raise ValueError(f"unknown lane {name!r}")
        return self.projector if name == READ_MODEL else self.search_projector

    def drain(self) -> int:
        """Every lane's work, here and now (the CLI, tests); returns the courses projected."""
        settings = self.projector_settings
        return sum(
            self.lane(name).drain(
                lock_seconds=settings.refresher_lock_seconds, max_seconds=settings.refresh_job_seconds
            )
            for name in LANES
        )

    def wake_refresher(self, lanes: tuple[str, ...] = LANES) -> int:
        """Enqueues a refresh job for each lane that has none waiting; returns how many it enqueued."""
        queue = refresh_queue(self.settings, self.redis)
        enqueued = 0
        for name in lanes:
            if self.lane(name).backlog.schedule():
                enqueue_refresh(queue, name)
                enqueued += 1
        return enqueued

    @contextmanager
    def as_refresher(self) -> Iterator[None]:
        """Runs the block as the one refresher of every lane: waits for rounds in flight to end and keeps
        rounds out until the block is done (rebuild's switch, repairs); then wakes the refreshers for what
        waited."""
        token, ttl = uuid.uuid4().hex, int(self.projector_settings.refresher_lock_seconds * 1000)
        held: list[Backlog] = []
        try:
            for name in LANES:  # always in this order, so two holders cannot deadlock
                backlog = self.lane(name).backlog
                deadline = time.monotonic() + self.projector_settings.refresher_lock_seconds * 2
                while not backlog.acquire(token, ttl):
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the {name} refresher's lock was not released in time")
                    time.sleep(0.02)
                held.append(backlog)
            yield
        finally:
            for backlog in held:
                backlog.release(token)
            self.wake_refresher()

    def reset_engine(self) -> None:
        """Closes this process's engine (releasing any index writer it holds); the next use opens anew."""
        engine = self.__dict__.pop("engine", None)
        if engine is not None:
            engine.close()
        for name in ("projector", "search_projector"):
            if name in self.__dict__:
                self.__dict__[name].engine = self.engine

    def close(self) -> None:
        for name in ("source", "engine"):
            if name in self.__dict__:
                self.__dict__.pop(name).close()
        if "redis" in self.__dict__:
            self.__dict__.pop("redis").close()
