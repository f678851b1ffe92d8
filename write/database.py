"""One async engine per domain database, and the transaction every command runs in."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from write.settings import DOMAINS, WriteSettings


class Databases:
    """The engines of every domain; a command opens a transaction on its own domain only."""

    def __init__(self, settings: WriteSettings) -> None:
        self.engines: dict[str, AsyncEngine] = {
            domain: create_async_engine(
                settings.database_url(domain),
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                pool_timeout=settings.db_pool_timeout_seconds,
                pool_pre_ping=True,
            )
            for domain in DOMAINS
        }
        self._sessions = {
            domain: async_sessionmaker(engine, expire_on_commit=False) for domain, engine in self.engines.items()
        }

    @asynccontextmanager
    async def transaction(self, domain: str) -> AsyncIterator[AsyncSession]:
        """Commits when the block ends normally, rolls back when it raises: rows and events together."""
        async with self._sessions[domain]() as session, session.begin():
            yield session

    async def ping(self, domain: str) -> None:
        async with self.engines[domain].connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        for engine in self.engines.values():
            await engine.dispose()
