"""A platform of its own for the projection tests: six fresh databases, a Redis key prefix, a search
directory, the command API on them, and the relay and RQ worker run in this process on demand (``sync``).

The projectors read their settings from the environment, as ``edu worker`` does: the fixture sets the
EDU_* variables for the module and clears the cached settings and runtime.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

from projectors import events
from projectors.queues import SERIALIZER, all_queues, events_queue, rq_redis
from projectors.rebuild import rebuild
from projectors.runtime import Runtime
from projectors.settings import get_projector_settings
from tests.conftest import start_client
from tests.environment import environment
from tests.rq_keys import remove_rq_keys
from workers.relay import OutboxRelay
from write.migrations import upgrade_all
from write.settings import WriteSettings, get_settings


class ThreadWorker(SimpleWorker):
    """RQ's SimpleWorker, run off the main thread (async tests run their loop there): signal handlers can
    only be installed on the main thread, and a burst run needs none; job time limits use a timer thread
    instead of SIGALRM for the same reason."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


@dataclass
class Platform:
    settings: WriteSettings
    env: dict[str, str]
    runtime: Runtime
    relay: OutboxRelay

    def deliver(self) -> int:
        """Moves every committed event onto the queue (one relay pass)."""
        return self.relay.pass_once()

    def work(self) -> None:
        """Runs every queued event job in a real RQ worker, burst mode (no refresher loops run here: ``sync``
        drains the lanes itself)."""
        connection = self.runtime.redis
        ThreadWorker(all_queues(self.settings, connection), connection=connection, serializer=SERIALIZER).work(
            burst=True, logging_level="WARNING"
        )

    def sync(self) -> None:
        """Until nothing is left: deliver, run the event jobs, drain every lane (retries that came due too)."""
        for _ in range(20):
            delivered = self.deliver()
            self.work()
            self.runtime.drain()
            lanes = (self.runtime.backlog, self.runtime.search_backlog)
            if not delivered and not any(backlog.has_work() for backlog in lanes):
                return
        raise AssertionError("the projections did not settle")

    async def settle(self) -> None:
        """``sync`` from an async test (the jobs run their own event loop, so not on the test's)."""
        await asyncio.to_thread(self.sync)


FAST_API = {
    "login_attempts_per_ip": 100_000,
    "login_attempts_per_account": 100_000,
    "register_attempts_per_ip": 100_000,
    "argon2_memory_kib": 8_192,
    "argon2_time_cost": 1,
}


@pytest.fixture(scope="module")
def platform(fresh_databases, tmp_path_factory) -> Iterator[Platform]:
    # The command API runs in this process on these settings (made before the environment below is set):
    # no rate limits in the way of many sign-ups, and a cheap password hash (argon2's lowest allowed cost).
    settings = fresh_databases().model_copy(update=FAST_API)
    upgrade_all(settings)
    env = environment(settings) | {
        "EDU_ENV": "test",
        "EDU_SEARCH_DIR": str(tmp_path_factory.mktemp("search")),
        "EDU_OLD_VERSION_GRACE_SECONDS": "0",
        "EDU_RETRY_BASE_SECONDS": "0.05",
        "EDU_LOGIN_ATTEMPTS_PER_IP": "100000",
        "EDU_LOGIN_ATTEMPTS_PER_ACCOUNT": "100000",
        "EDU_REGISTER_ATTEMPTS_PER_IP": "100000",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        get_settings.cache_clear()
        get_projector_settings.cache_clear()
        events._runtime = None
        rt = events.runtime()
        rebuild(rt)  # the first versions, empty
        relay = OutboxRelay(settings, events_queue(settings, rq_redis(settings)))
        yield Platform(settings, env, rt, relay)
        relay.close()
        rt.close()
        events._runtime = None
        get_settings.cache_clear()
        get_projector_settings.cache_clear()
    remove_rq_keys(settings)


@pytest.fixture(scope="module")
async def api(platform) -> AsyncIterator[httpx.AsyncClient]:
    """The command API on the platform's databases."""
    client, lifespan = await start_client(platform.settings)
    yield client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


@pytest.fixture(scope="module")
def api_ctx(api):
    """The command API's context (to create admins, as tests/actors.py does)."""
    return api._transport.app.state.context
