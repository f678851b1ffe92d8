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
from projectors.queues import rq_redis
from projectors.refresh import Projector
from projectors.refresher import LaneRefresher, Refreshers
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
        """Every lane's work, here and now (the CLI, a burst worker, tests); returns the courses projected."""
        settings = self.projector_settings
        return sum(
            self.lane(name).drain(lock_seconds=settings.refresher_lock_seconds, max_seconds=settings.drain_max_seconds)
            for name in LANES
        )

    def refreshers(self) -> Refreshers:
        """A refresher loop per lane for this process (``edu worker``), each with its own source
        connections (it runs on its own thread) and this process's Redis and search engine."""
        loops = []
        for name in LANES:
            backlog = Backlog(self.redis, self.settings.redis_key_prefix, name)
            source = SourceReader(self.settings)
            projector = Projector(self.projector_settings, source, self.store, backlog, self.engine)
            loops.append(LaneRefresher(projector, self.projector_settings))
        return Refreshers(loops)

    @contextmanager
    def as_refresher(self) -> Iterator[None]:
        """Runs the block as the one refresher of every lane (rebuild's switch, repairs): asks the refresher
        loops to pause (they let go of their leases and search writers), waits for rounds in flight to end
        and keeps rounds out until the block is done; then wakes the loops for what waited."""
        settings = self.projector_settings
        token, ttl = uuid.uuid4().hex, int(settings.refresher_lock_seconds * 1000)
        self.backlog.pause(token, ttl * 6)
        held: list[Backlog] = []
        try:
            for name in LANES:  # always in this order, so two holders cannot deadlock
                backlog = self.lane(name).backlog
                deadline = time.monotonic() + settings.refresher_lock_seconds * 2
                while not backlog.acquire(token, ttl):
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the {name} refresher's lease was not released in time")
                    time.sleep(0.02)
                held.append(backlog)
            yield
        finally:
            for backlog in held:
                backlog.release(token)
            self.backlog.resume(token)

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
