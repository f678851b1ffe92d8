"""The read API (contract §4, :8002): catalog, search, cards, curricula, reviews and categories, served
only from the projections in Redis and the search engine.

Run: ``uvicorn read.app:create_app --factory --port 8002``. Everything a request needs (the Redis pool,
the search engine, the change feed for ``min_version``) is built once per process at start-up.
"""

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from read import health, routes
from read.errors import install_error_handlers
from read.freshness import ChangeFeed
from read.metrics import RequestMetrics
from read.services import Services
from read.settings import ReadSettings, get_read_settings
from read.store import ReadModel, connect
from search import SearchEngine, SearchQuery, SearchResult, SearchUnavailable
from search.settings import SearchSettings, open_engine

log = logging.getLogger("edu.read")


class _EngineOpenedLater:
    """Stands in for a search engine that could not be opened at start-up (the embedded engine's directory
    missing or unusable): searches are 503 ``search_unavailable`` and /health/ready names search until an
    attempt to open it succeeds, while every other endpoint serves from Redis as usual."""

    def __init__(self, settings: SearchSettings) -> None:
        self._settings = settings
        self._engine: SearchEngine | None = None
        self._lock = threading.Lock()  # searches run on threads

    def _opened(self) -> SearchEngine:
        with self._lock:
            if self._engine is None:
                self._engine = open_engine(self._settings)  # SearchUnavailable again while it stays unusable
            return self._engine

    def search(self, query: SearchQuery) -> SearchResult:
        return self._opened().search(query)

    def health(self) -> bool:
        try:
            return self._opened().health()
        except SearchUnavailable:
            return False

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def create_app(settings: ReadSettings | None = None, search_settings: SearchSettings | None = None) -> FastAPI:
    settings = settings or get_read_settings()
    search_settings = search_settings or SearchSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = connect(settings)
        model = ReadModel(redis, settings)
        feed = ChangeFeed(redis, model.keys.changes)
        feed.start()
        try:
            engine = open_engine(search_settings)
        except SearchUnavailable as error:  # search down must not take the catalog and cards down with it
            log.warning("search engine unavailable at start-up (%s); searches answer 503 until it opens", error)
            engine = _EngineOpenedLater(search_settings)
        app.state.services = Services(settings, model, feed, engine)
        # What start-up built lives as long as the process: frozen, it is left out of every later garbage
        # collection (a full collection walked it all: pauses of 40-90 ms under load, in the p99 of reads).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await feed.stop()
            engine.close()
            await redis.aclose()

    app = FastAPI(
        title="EduPlatform read API",
        version="1.0.0",
        description="Catalog, search, course cards, curricula and reviews, from the projections only. "
        'Errors: `{"error": {"code", "message", "details"?}}`. Reads carry an `ETag` (send it back as '
        "`If-None-Match` for a 304) and `Cache-Control`.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(routes.router)
    app.add_middleware(RequestMetrics)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET"],
        allow_headers=["If-None-Match"],
        expose_headers=["ETag", "Retry-After"],
        max_age=600,
    )
    return app
