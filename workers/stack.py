"""The local dev stack: private PostgreSQL and Redis under ./.devstack plus every service of the Procfile.

``run`` is the foreground stack (``make demo``: Ctrl-C stops all it started); ``up``/``down`` run the same
stack in the background for scripts (``make up``/``make down``).
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from honcho.environ import parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

from workers.devstack import PostgresServer, RedisServer

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "compose" / "Procfile"
POSTGRES_PORT = 55432
REDIS_PORT = 56379
# Each service of the Procfile and the URL that says it is ready (the worker's and the relay's are their
# ops endpoints: EDU_WORKER_OPS_PORT and EDU_RELAY_OPS_PORT; compose/Procfile gives the second worker 9103).
READY_URLS = {
    "web": "http://127.0.0.1:8000/health/ready",
    "command-api": "http://127.0.0.1:8001/health/ready",
    "read-api": "http://127.0.0.1:8002/health/ready",
    "ops-api": "http://127.0.0.1:8003/health/ready",
    "worker": "http://127.0.0.1:9101/health/ready",
    "worker-2": "http://127.0.0.1:9103/health/ready",
    "relay": "http://127.0.0.1:9102/health/ready",
}
READY_TIMEOUT_SECONDS = 120


def stack_dir() -> Path:
    return Path(os.environ.get("EDU_DEVSTACK_DIR", ROOT / ".devstack")).resolve()


def datastores() -> tuple[PostgresServer, RedisServer]:
    base = stack_dir()
    return PostgresServer(base / "postgres", POSTGRES_PORT), RedisServer(base / "redis", REDIS_PORT)


def stack_environment() -> dict[str, str]:
    """EDU_* variables the stack sets for itself and its processes, unless already set: the embedded
    search engine's data under the stack's directory, whatever the current directory is, and the directory
    where the read API's processes keep their metrics (compose/Procfile)."""
    return {
        "EDU_SEARCH_DIR": str(stack_dir() / "search"),
        "EDU_READ_API_METRICS_DIR": str(stack_dir() / "read-api-metrics"),
    }


def empty_directory(path: Path) -> None:
    """prometheus-client's multiprocess files of an earlier run would be summed with this run's."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def _pid_file() -> Path:
    return stack_dir() / "stack.pid"


def _ready_file() -> Path:
    return stack_dir() / "stack.ready"


def running_pid() -> int | None:
    try:
        pid = int(_pid_file().read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def start_datastores(say: Callable[[str], None]) -> None:
    postgres, redis = datastores()
    say(f"PostgreSQL on 127.0.0.1:{POSTGRES_PORT}, Redis on 127.0.0.1:{REDIS_PORT} (data in {stack_dir()})")
    postgres.start()
    redis.start()
    say("Applying migrations")
    from seed.progress import Lines
    from seed.runner import seed_demo_if_empty
    from write.migrations import upgrade_all  # Alembic takes ~0.7 s to import: only when it is needed
    from write.settings import WriteSettings

    settings = WriteSettings()
    upgrade_all(settings)
    # Before the services start, so they never see a half-loaded platform.
    seeded = seed_demo_if_empty(settings, Lines(say))
    if seeded:
        say("Demo data loaded (edu seed --scale demo)")
    rebuild_projections_if_needed(say, seeded=seeded)


def rebuild_projections_if_needed(say: Callable[[str], None], *, seeded: bool) -> None:
    """Rebuilds every projection when the read model has no active version (a fresh stack, or a Redis that
    came back empty) or the demo data was just loaded (the seed writes no events)."""
    from projectors.rebuild import rebuild
    from projectors.runtime import Runtime

    rt = Runtime.from_environment()
    try:
        if seeded or not rt.store.active():
            reason = "demo data just loaded" if seeded else "the read model has no active version"
            say(f"Rebuilding the projections from the write side ({reason})")
            started = time.monotonic()
            report = rebuild(rt)
            say(f"Projections rebuilt: {report.courses:,} published courses in {time.monotonic() - started:.1f} s")
    finally:
        rt.close()


def stop_datastores() -> None:
    for server in datastores():
        server.stop()


def unready_services() -> list[str]:
    unready = []
    for name, url in READY_URLS.items():
        try:
            if httpx.get(url, timeout=2).status_code != 200:
                unready.append(name)
        except httpx.HTTPError:
            unready.append(name)
    return unready


def wait_until_ready(deadline: float, alive: Callable[[], bool]) -> bool:
    while time.monotonic() < deadline and alive():
        if not unready_services():
            return True
        time.sleep(0.5)
    return False


def run(on_ready: Callable[[], None]) -> int:
    """Runs the whole stack in the foreground until Ctrl-C or SIGTERM; returns the exit code."""
    if running_pid() not in (None, os.getpid()):
        raise SystemExit("The stack is already running (make down stops it).")
    stack_dir().mkdir(parents=True, exist_ok=True)
    _pid_file().write_text(str(os.getpid()))
    _ready_file().unlink(missing_ok=True)
    for name, value in stack_environment().items():
        os.environ.setdefault(name, value)  # for the start-up rebuild here and every process below
    manager = Manager(Printer(sys.stdout))
    try:
        start_datastores(lambda line: print(f"[stack] {line}", flush=True))
        empty_directory(Path(os.environ["EDU_READ_API_METRICS_DIR"]))
        environment = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
        for name, command in parse_procfile(PROCFILE.read_text()).processes.items():
            manager.add_process(name, command, env=environment, cwd=str(ROOT))
        threading.Thread(target=_announce_when_ready, args=(manager, on_ready), daemon=True).start()
        manager.loop()
        # Ctrl-C (130) and SIGTERM (143) are how a person or `make down` ends the stack: a clean exit.
        return 0 if manager.returncode in (None, 130, 143) else manager.returncode
    finally:
        stop_datastores()
        _ready_file().unlink(missing_ok=True)
        _pid_file().unlink(missing_ok=True)


def _announce_when_ready(manager: Manager, on_ready: Callable[[], None]) -> None:
    if not wait_until_ready(time.monotonic() + READY_TIMEOUT_SECONDS, lambda: manager.returncode is None):
        print("[stack] services did not become ready; see the lines above", flush=True)
        return
    try:
        on_ready()
    except Exception as error:  # shown to the person at the terminal; the services keep running
        print(f"[stack] start-up step failed: {error}", flush=True)
        return
    _ready_file().write_text(str(time.time()))


def up() -> None:
    """Starts the stack in the background and returns once every service is ready (idempotent)."""
    stack_dir().mkdir(parents=True, exist_ok=True)
    log_path = stack_dir() / "stack.log"
    alive: Callable[[], bool] = lambda: running_pid() is not None  # noqa: E731
    if running_pid() is None:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "stack", "run"],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        alive = lambda: process.poll() is None  # noqa: E731
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and alive():
        if _ready_file().exists() and not unready_services():
            return
        time.sleep(0.5)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    raise SystemExit(f"The stack did not become ready. Last lines of {log_path}:\n{tail}")


def down() -> None:
    """Stops the background (or foreground) stack and its datastores; the data stays in ./.devstack."""
    pid = running_pid()
    if pid is not None:
        _signal_stack(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and running_pid() is not None:
            time.sleep(0.2)
        if running_pid() is not None:
            _signal_stack(pid, signal.SIGKILL)
            _pid_file().unlink(missing_ok=True)
    stop_datastores()


def _signal_stack(pid: int, sig: signal.Signals) -> None:
    try:
        if os.getpgid(pid) == pid:  # started by `up` in its own session: signal the whole group
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass
