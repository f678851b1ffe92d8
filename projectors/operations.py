"""Rebuilds and verifications started from the operators' console (``workers/ops_api.py``).

Each runs on a thread of the process that started it, with a runtime of its own (as ``edu projections``
runs in a process of its own), and records what it is doing in Redis -- phase, done/total, rate, then its
result or error -- so that any process can show it. While it runs, a heartbeat key with a short expiry is
renewed; a record that says "running" with no heartbeat belongs to a process that died, and is shown as
``abandoned`` (a rebuild interrupted that way leaves the live versions untouched: the next one clears what
it left, docs/adr/0008-projections.md).
"""

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from redis import Redis

from projectors.backlog import BacklogKeys
from projectors.rebuild import RebuildInProgress, rebuild
from projectors.runtime import Runtime
from projectors.verify import verify

log = logging.getLogger("edu.operations")

REBUILD, VERIFY = "rebuild", "verify"
RUNNING, FINISHED, FAILED, ABANDONED = "running", "finished", "failed", "abandoned"
HEARTBEAT_SECONDS = 2.0
HEARTBEAT_EXPIRY_SECONDS = 15
RECORD_EXPIRY_SECONDS = 7 * 24 * 3600
KEPT_OPERATIONS = 50
SHOWN_DIFFERENCES = 200  # a verify's record lists this many; the count says how many there were
PROGRESS_WRITE_SECONDS = 0.25  # progress is written at most this often (a batch is a few ms)


class OperationRunning(RuntimeError):
    """An operation of this kind is already running; its record is the ``operation`` attribute."""

    def __init__(self, message: str, operation: "Operation | None" = None) -> None:
        super().__init__(message)
        self.operation = operation


@dataclass
class Operation:
    id: str
    kind: str
    state: str
    arguments: dict[str, Any]
    started_by: str
    started_at: float
    finished_at: float | None = None
    phase: str | None = None
    done: int = 0
    total: int | None = None
    rate: float | None = None  # items a second in the current phase
    phases: list[dict[str, Any]] = field(default_factory=list)  # finished phases: name, done, seconds
    result: dict[str, Any] | None = None
    error: str | None = None


class OperationLog:
    """The records in Redis: one JSON string per operation, a sorted set of ids by start time."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    @property
    def index_key(self) -> str:
        return f"{self.prefix}ops:operations"

    def record_key(self, operation_id: str) -> str:
        return f"{self.prefix}ops:operation:{operation_id}"

    def heartbeat_key(self, operation_id: str) -> str:
        return f"{self.prefix}ops:operation:{operation_id}:alive"

    def save(self, operation: Operation) -> None:
        self.redis.set(self.record_key(operation.id), json.dumps(asdict(operation)), ex=RECORD_EXPIRY_SECONDS)

    def create(self, operation: Operation) -> None:
        self.beat(operation.id)
        self.save(operation)
        self.redis.zadd(self.index_key, {operation.id: operation.started_at})
        self.redis.zremrangebyrank(self.index_key, 0, -KEPT_OPERATIONS - 1)

    def beat(self, operation_id: str) -> None:
        self.redis.set(self.heartbeat_key(operation_id), b"1", ex=HEARTBEAT_EXPIRY_SECONDS)

    def get(self, operation_id: str) -> Operation | None:
        raw = self.redis.get(self.record_key(operation_id))
        if raw is None:
            return None
        operation = Operation(**json.loads(raw))
        if operation.state == RUNNING and not self.redis.exists(self.heartbeat_key(operation_id)):
            operation.state = ABANDONED
            operation.error = "The process running it stopped before it finished."
        return operation

    def recent(self, limit: int = 20) -> list[Operation]:
        ids = [i.decode() for i in self.redis.zrevrange(self.index_key, 0, limit - 1)]
        return [found for i in ids if (found := self.get(i)) is not None]

    def running(self, kind: str) -> Operation | None:
        return next((o for o in self.recent(KEPT_OPERATIONS) if o.kind == kind and o.state == RUNNING), None)


class RecordedProgress:
    """A ``projectors.rebuild.Progress`` that writes the operation's phase and counts to its record."""

    def __init__(self, log_: OperationLog, operation: Operation) -> None:
        self.log = log_
        self.operation = operation
        self._phase_started = time.monotonic()
        self._written = 0.0

    def start(self, phase: str, total: int | None) -> None:
        self._close_phase()
        self.operation.phase, self.operation.total, self.operation.done = phase, total, 0
        self.operation.rate = None
        self._phase_started = time.monotonic()
        self._write(force=True)

    def advance(self, done: int) -> None:
        self.operation.done += done
        elapsed = time.monotonic() - self._phase_started
        self.operation.rate = self.operation.done / elapsed if elapsed > 0 else None
        self._write()

    def finish(self, state: str, *, result: dict | None = None, error: str | None = None) -> None:
        self._close_phase()
        self.operation.state, self.operation.result, self.operation.error = state, result, error
        self.operation.phase, self.operation.finished_at = None, time.time()
        self._write(force=True)

    def _close_phase(self) -> None:
        if self.operation.phase is not None:
            phase, seconds = self.operation.phase, round(time.monotonic() - self._phase_started, 3)
            self.operation.phases.append({"name": phase, "done": self.operation.done, "seconds": seconds})

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_WRITE_SECONDS:
            self._written = now
            self.log.save(self.operation)


def verify_result(rt: Runtime, repair: bool, progress: RecordedProgress) -> dict[str, Any]:
    report = verify(rt, repair=repair, progress=progress)
    return {
        "clean": report.clean,
        "checked": report.checked,
        "pending": report.pending,
        "repaired": report.repaired,
        "difference_count": len(report.differences),
        "differences": [
            {"projection": d.projection, "key": d.key, "problem": d.problem}
            for d in report.differences[:SHOWN_DIFFERENCES]
        ],
    }


class OperationRunner:
    """Starts operations on threads of this process; ``runtime`` builds the runtime each one uses."""

    def __init__(self, log_: OperationLog, runtime: Callable[[], Runtime]) -> None:
        self.log = log_
        self.runtime = runtime
        self._starting = threading.Lock()
        self.threads: list[threading.Thread] = []

    def start_rebuild(self, names: list[str] | None, started_by: str) -> Operation:
        if self.log.redis.exists(BacklogKeys(self.log.prefix).rebuilding):  # one started elsewhere (the CLI)
            raise OperationRunning("A rebuild is already running (started with edu projections rebuild?).")
        return self._start(REBUILD, {"projections": names}, started_by,
                           lambda rt, progress: asdict(rebuild(rt, names, progress)))  # fmt: skip

    def start_verify(self, repair: bool, started_by: str) -> Operation:
        return self._start(VERIFY, {"repair": repair}, started_by,
                           lambda rt, progress: verify_result(rt, repair, progress))  # fmt: skip

    def _start(self, kind: str, arguments: dict, started_by: str, work: Callable) -> Operation:
        with self._starting:
            running = self.log.running(kind)
            if running is not None:
                raise OperationRunning(f"A {kind} is already running (started by {running.started_by}).", running)
            operation = Operation(uuid.uuid4().hex, kind, RUNNING, arguments, started_by, time.time())
            self.log.create(operation)
        thread = threading.Thread(target=self._run, args=(operation, work), name=f"{kind}-{operation.id[:8]}",
                                  daemon=True)  # fmt: skip
        self.threads = [*(t for t in self.threads if t.is_alive()), thread]
        thread.start()
        return operation

    def _run(self, operation: Operation, work: Callable) -> None:
        progress = RecordedProgress(self.log, operation)
        stop = threading.Event()
        heart = threading.Thread(target=self._beat, args=(operation.id, stop), daemon=True)
        heart.start()
        rt = None
        try:
            rt = self.runtime()
            progress.finish(FINISHED, result=work(rt, progress))
        except RebuildInProgress as error:
            progress.finish(FAILED, error=str(error))
        except Exception as error:
            log.exception("%s %s failed", operation.kind, operation.id)
            progress.finish(FAILED, error=f"{type(error).__name__}: {error}")
        finally:
            stop.set()
            heart.join()
            self.log.redis.delete(self.log.heartbeat_key(operation.id))
            if rt is not None:
                rt.close()

    def _beat(self, operation_id: str, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                self.log.beat(operation_id)
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("heartbeat of operation %s failed", operation_id, exc_info=True)

    def join(self, timeout: float | None = None) -> None:
        for thread in self.threads:
            thread.join(timeout)
