"""Settings of the projection workers and the ``edu projections`` commands (``EDU_*``)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ProjectorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDU_", extra="ignore")

    # One refresh round re-projects at most this many changed courses (set-based reads, one pipeline).
    refresh_batch_size: int = Field(500, ge=1, le=10_000)
    # A course whose projection keeps failing is retried with exponential backoff from
    # ``retry_base_seconds``, then parked after ``max_attempts`` (edu projections requeue).
    max_attempts: int = Field(5, ge=1, le=100)
    retry_base_seconds: float = Field(1.0, gt=0)
    # The one refresher holds a lock renewed every round; a refresher that died frees it after this long.
    refresher_lock_seconds: float = Field(15.0, gt=0)
    # A refresh job hands over to a fresh one after this long (well within RQ's job timeout).
    refresh_job_seconds: float = Field(30.0, gt=0)
    # An event job that finds a refresh job waiting longer than this for a worker (every worker busy with
    # events) re-projects the lane itself, so a flood of events cannot starve the refresh.
    refresh_inline_after_seconds: float = Field(1.0, gt=0)
    # Rebuild and verify read the write side in batches of this many courses.
    rebuild_batch_size: int = Field(2000, ge=10, le=50_000)
    # Processes that build a rebuild's batches (0: one per CPU; 1: in the rebuilding process itself).
    rebuild_processes: int = Field(0, ge=0, le=64)
    # After a rebuild switches, the old version stays this long for requests that already resolved it.
    old_version_grace_seconds: float = Field(5.0, ge=0)
    # ``edu projections status`` quotes lag over this window.
    lag_window_seconds: int = Field(300, ge=10)
    lag_samples_kept: int = Field(10_000, ge=100)
    # /metrics and /health/* of ``edu worker`` and ``edu relay`` (0 turns the endpoint off).
    worker_ops_port: int = Field(9101, ge=0, le=65535)
    relay_ops_port: int = Field(9102, ge=0, le=65535)


@lru_cache
def get_projector_settings() -> ProjectorSettings:
    return ProjectorSettings()
