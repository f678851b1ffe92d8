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
    # Each lane's one refresher holds a lease renewed every round; one that died (SIGKILL, lost host)
    # frees it after this long, and a standby in another worker takes over (projectors.refresher).
    refresher_lock_seconds: float = Field(10.0, gt=0)
    # A leader with nothing to do looks again (retries that came due) and renews its lease this often.
    refresher_idle_seconds: float = Field(1.0, gt=0)
    # A standby refresher tries for the lease this often.
    refresher_standby_seconds: float = Field(1.0, gt=0)
    # The search lane waits this long after each commit while changes keep coming, so that more of them
    # share the next commit (a commit costs tens of milliseconds whatever it holds; 0: no wait).
    search_commit_interval_seconds: float = Field(0.2, ge=0, le=60)
    # A one-off drain (``edu worker --burst``, the CLI) stops after this long.
    drain_max_seconds: float = Field(30.0, gt=0)
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
