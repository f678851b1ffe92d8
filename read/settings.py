"""Settings of the read API (``EDU_*``, docs/configuration.md); the search engine's come from
``search.settings``."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReadSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDU_", extra="ignore")

    # The same Redis and key prefix the projectors write (EDU_REDIS_URL, EDU_REDIS_KEY_PREFIX).
    redis_url: str = "redis://127.0.0.1:56379/0"
    redis_key_prefix: str = "edu:"
    # Connections to Redis this process keeps at most; a request waits this long for a free one, then 503.
    read_redis_connections: int = Field(64, ge=2, le=1000)
    read_redis_pool_timeout_seconds: float = Field(1.0, gt=0)
    # A Redis that does not answer fails a request after this long (503), never hangs it.
    read_redis_timeout_seconds: float = Field(1.0, gt=0)
    read_redis_connect_timeout_seconds: float = Field(0.5, gt=0)
    # How long the active projection versions are cached in the process. Must stay well below
    # EDU_OLD_VERSION_GRACE_SECONDS (5): after a rebuild switches, the old version lives that long.
    read_active_cache_seconds: float = Field(1.0, ge=0, le=4)
    # ``min_version`` waits at most this long before answering 503 ``projection_lagging``.
    min_version_wait_seconds: float = Field(3.0, gt=0, le=30)
    # Searches run on threads (the engines' clients block); at most this many at once.
    read_search_threads: int = Field(8, ge=1, le=64)
    # Browsers at these origins may call the read API (the web UI).
    cors_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    # Cache-Control max-age of public reads (cards, curricula, catalog pages, reviews, search).
    read_max_age_seconds: int = Field(5, ge=0, le=3600)


@lru_cache
def get_read_settings() -> ReadSettings:
    return ReadSettings()
