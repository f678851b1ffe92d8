"""A private platform for a benchmark: PostgreSQL and Redis started from the machine's own binaries in a
temporary directory on free ports (``workers.devstack``, durable like the dev stack: fsync on, Redis
append-only file), settings pointing there with a Redis key prefix of its own, a search directory, and the
services as child processes on those settings: the command API (uvicorn, one process, as
``compose/Procfile`` runs it), ``edu relay`` and ``edu worker`` (``make bench-projections``), or the read API
(``make bench-read``).

It stops everything it started -- each service's whole process group, then the servers -- removes the
directory, and lists any process of its own that is still there (``ps``).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from redis import Redis

from workers.devstack import PG_SUPERUSER, PostgresServer, RedisServer, free_port
from write.settings import DOMAINS, WriteSettings

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path
    ready_url: str

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class PrivatePlatform:
    """``with PrivatePlatform() as platform:`` -- servers up on entry, everything stopped on exit.

    Given ``settings`` (databases and a Redis key prefix made elsewhere, e.g. by a test run on its own
    servers), it starts no server and runs its services on those; ``env`` is added to every service's
    environment."""

    def __init__(self, keep_logs: Path | None = None, name: str = "projections",
                 settings: WriteSettings | None = None, env: dict[str, str] | None = None) -> None:  # fmt: skip
        self.keep_logs = keep_logs  # the services' logs are copied there at the end
        self.directory = Path(tempfile.mkdtemp(prefix=f"edu-bench-{name}-"))
        self.directory.chmod(0o755)  # when we are root, PostgreSQL runs as postgres and must reach its directory
        self.search_dir = self.directory / "search"
        self.extra_env = env or {}
        self.postgres: PostgresServer | None = None
        self.redis_server: RedisServer | None = None
        if settings is None:
            self.postgres = PostgresServer(self.directory / "postgres", free_port())
            self.redis_server = RedisServer(self.directory / "redis", free_port())
            settings = WriteSettings(
                env="development",
                redis_url=self.redis_server.url(),
                redis_key_prefix=f"edu-bench-{uuid.uuid4().hex[:8]}:",
                **{f"{domain}_database_url": self.postgres.url(f"edu_{domain}") for domain in DOMAINS},
            )
        self.settings = settings
        self.services: list[Service] = []
        self.api_url = ""
        self.leftovers: list[str] = []

    def __enter__(self) -> "PrivatePlatform":
        try:
            for server in self._servers():
                server.start()
        except BaseException:
            self.close()
            raise
        return self

    def _servers(self) -> list[PostgresServer | RedisServer]:
        return [server for server in (self.postgres, self.redis_server) if server is not None]

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what the services and the benchmark share ---------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """The EDU_* variables of this platform (every inherited EDU_* variable is dropped)."""
        edu = {f"EDU_{domain.upper()}_DATABASE_URL": self.settings.database_url(domain) for domain in DOMAINS}
        return edu | {
            "EDU_ENV": self.settings.env,
            "EDU_REDIS_URL": self.settings.redis_url,
            "EDU_REDIS_KEY_PREFIX": self.settings.redis_key_prefix,
            "EDU_SEARCH_DIR": str(self.search_dir),
        }

    def redis(self) -> Redis:
        return Redis.from_url(self.settings.redis_url)

    def _admin_conninfo(self) -> str:
        assert self.postgres is not None, "only a platform with its own servers"
        return f"host=127.0.0.1 port={self.postgres.port} user={PG_SUPERUSER} dbname=postgres"

    def server_versions(self) -> dict[str, str]:
        with psycopg.connect(self._admin_conninfo()) as connection:
            postgres = connection.execute("SHOW server_version").fetchone()[0]
        with contextlib.closing(self.redis()) as redis:
            version = redis.info("server")["redis_version"]
        return {"PostgreSQL": postgres, "Redis": str(version)}

    def quiesce(self, timeout_s: float = 180.0) -> float:
        """Lets the write-back of a bulk load finish before latency is measured: a PostgreSQL CHECKPOINT, then
        Redis's append-only-file rewrite, if one runs. Returns the seconds it took."""
        started = time.perf_counter()
        with psycopg.connect(self._admin_conninfo(), autocommit=True) as connection:
            connection.execute("CHECKPOINT")
        with contextlib.closing(self.redis()) as redis:
            while time.perf_counter() - started < timeout_s:
                persistence = redis.info("persistence")
                if not (persistence.get("aof_rewrite_in_progress") or persistence.get("rdb_bgsave_in_progress")):
                    break
                time.sleep(0.2)
        return time.perf_counter() - started

    def process_roots(self) -> dict[str, int]:
        """Name -> pid of each process tree of the platform: the services, PostgreSQL's postmaster, Redis."""
        roots = {service.name: service.process.pid for service in self.services}
        with contextlib.suppress(OSError, ValueError, IndexError, AttributeError):
            roots["PostgreSQL"] = int((self.postgres.data_dir / "postmaster.pid").read_text().split()[0])
        with contextlib.suppress(OSError, ValueError, AttributeError):
            roots["Redis"] = int(self.redis_server.pid_file.read_text().strip())
        return roots

    # -- services ---------------------------------------------------------------------------------------------

    def _service_environment(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("EDU_")} | self.environment() | self.extra_env
        return base | {"PYTHONUNBUFFERED": "1", "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}

    def start_services(self, workers: int = 1) -> None:
        """The command API, the relay and ``workers`` workers, each in its own session (its own process
        group), their ops endpoints on free ports; returns once each answers ``/health/ready``."""
        api_port = free_port()
        self.api_url = f"http://127.0.0.1:{api_port}"
        base = self._service_environment()
        python = sys.executable
        api = [python, "-m", "uvicorn", "write.app:create_app", "--factory", "--host", "127.0.0.1", "--port",
               str(api_port), "--no-access-log"]  # fmt: skip
        self._start("command-api", api, base, f"{self.api_url}/health/ready")
        ops = free_port()
        relay_env = base | {"EDU_RELAY_OPS_PORT": str(ops)}
        self._start("relay", [python, "-m", "workers.cli", "relay"], relay_env, f"http://127.0.0.1:{ops}/health/ready")
        for number in range(1, workers + 1):
            ops = free_port()  # each worker serves its own /metrics and /health/*
            name = "worker" if workers == 1 else f"worker-{number}"
            worker_env = base | {"EDU_WORKER_OPS_PORT": str(ops)}
            self._start(
                name, [python, "-m", "workers.cli", "worker"], worker_env, f"http://127.0.0.1:{ops}/health/ready"
            )
        self._wait_ready()

    def start_read_api(self, processes: int = 1, env: dict[str, str] | None = None) -> str:
        """The read API (uvicorn, ``processes`` worker processes sharing one socket, no access log) on a free
        port, in its own session; returns its URL once it answers ``/health/ready``."""
        return self.start_asgi("read-api", "read.app:create_app", processes, "/health/ready", env)

    def start_web(self, read_processes: int = 1) -> str:
        """The read API, the operations API and the web server in front of them and of the command API
        (``start_services`` first); returns the web server's URL once it answers ``/health/ready``."""
        read_api = self.start_read_api(read_processes)
        ops_api = self.start_asgi("ops-api", "workers.ops_api:create_app", 1, "/health/ready")
        apis = {
            "EDU_WEB_READ_API_URL": read_api,
            "EDU_WEB_COMMAND_API_URL": self.api_url,
            "EDU_WEB_OPS_API_URL": ops_api,
        }
        return self.start_asgi("web", "web.app:create_app", 1, "/health/ready", apis)

    def start_asgi(self, name: str, factory: str, processes: int, ready_path: str,
                   env: dict[str, str] | None = None) -> str:  # fmt: skip
        """An ASGI app from its factory (``module:function``) as the read API is run; returns its URL once
        ``ready_path`` answers 200."""
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
                "--port", str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
        if processes > 1:
            argv += ["--workers", str(processes)]
        self._start(name, argv, self._service_environment() | (env or {}), f"{url}{ready_path}")
        self._wait_ready()
        return url

    def _start(self, name: str, argv: list[str], env: dict[str, str], ready_url: str) -> None:
        log = self.directory / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        self.services.append(Service(name, process, log, ready_url))

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        waiting = list(self.services)
        while waiting:
            for service in list(waiting):
                if service.process.poll() is not None:
                    raise RuntimeError(f"{service.name} exited ({service.process.returncode}):\n{service.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(service.ready_url, timeout=2).status_code == 200:
                        waiting.remove(service)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(s.name for s in waiting)
                raise RuntimeError(f"not ready after {READY_TIMEOUT_S:.0f} s: {names}\n{waiting[0].tail()}")
            time.sleep(0.2)

    def stop_services(self) -> None:
        """SIGTERM to each service's process group (the worker's scheduler child too), SIGKILL after a while."""
        for service in reversed(self.services):
            _signal_group(service.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for service in reversed(self.services):
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(service.process.pid, signal.SIGKILL)
                service.process.wait(5)
        for service in self.services:  # a child that outlived its leader (same session id)
            for pid in _session_members(service.process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    # -- the end ----------------------------------------------------------------------------------------------

    def close(self) -> None:
        try:
            self.stop_services()
            if self.keep_logs is not None:
                self.keep_logs.mkdir(parents=True, exist_ok=True)
                for service in self.services:
                    with contextlib.suppress(OSError):
                        shutil.copy(service.log, self.keep_logs / service.log.name)
        finally:
            for server in reversed(self._servers()):
                with contextlib.suppress(Exception):
                    server.stop()
            self.leftovers = self._leftovers()
            shutil.rmtree(self.directory, ignore_errors=True)

    def _leftovers(self) -> list[str]:
        """``ps`` lines of processes this platform started that still run (none, normally)."""
        sessions = {str(s.process.pid) for s in self.services}
        marks = (str(self.directory), *(f"127.0.0.1:{s.port}" for s in self._servers() if isinstance(s, RedisServer)))
        found = []
        listing = subprocess.run(["ps", "-eo", "pid=,sid=,stat=,args="], capture_output=True, text=True, check=False)
        for line in listing.stdout.splitlines():
            pid, sid, stat, args = [*line.split(None, 3), "", "", ""][:4]
            # A zombie has ended: a uvicorn worker whose supervisor exited first waits there for init to reap it.
            if stat.startswith("Z"):
                continue
            if pid != str(os.getpid()) and (sid in sessions or any(mark in args for mark in marks)):
                found.append(f"{pid} {sid} {args}")
        return found


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)  # started with start_new_session: the group id is the leader's pid


def _session_members(sid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[3]) == sid:
                    members.append(int(entry.name))
    return members
