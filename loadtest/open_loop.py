"""An open-loop HTTP load generator that keeps up with thousands of requests a second on a small machine.

Request ``i`` of a step is due at ``t0 + i / rate`` whatever became of the ones before it, and its latency is
measured from that due time, not from when it went out: a server that falls behind cannot slow the load
down and hide its queue (no coordinated omission).

The load is split over ``processes`` generator processes (``multiprocessing``, spawned once and reused for
every step): process ``p`` of ``n`` sends requests ``p, p + n, p + 2n, ...``, so together they keep the one
schedule; ``time.perf_counter`` is CLOCK_MONOTONIC on Linux, the same clock in every process. Each process
runs uvloop (when installed) and speaks just enough HTTP/1.1 for GET over keep-alive connections: the
request is pre-encoded bytes, the answer's status is read from its status line and its body is skipped by
``Content-Length`` without being buffered -- a few tens of microseconds of CPU per request at thousands a
second (measured against a trivial server on this 2-core machine), so that the cores stay with the server
under test. Connections are opened before ``t0`` (a connect is not a request's
latency); when every connection is busy a due request waits for the next free one (its latency grows,
as it should).

Every request records three times: *late* (its due time to when the generator got to it: the generator's own
lag, which must stay small for the numbers to be the server's), *sent* (when it was written: later than
that when every connection was busy) and *done* (the whole answer received).
"""

import asyncio
import contextlib
import math
import multiprocessing
import os
import time
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

NO_ANSWER = 0  # the status of a request that got no answer (timed out or its connection was lost)
_CONTENT_LENGTH = b"\r\ncontent-length:"
MIN_SLEEP_S = 0.001
REOPEN = "reopen"  # the parent's answer to "ready" when the connections are to be opened again
REOPEN_ATTEMPTS = 20
GENERATOR_NICE = -5


@dataclass
class Step:
    """What one generator process sends in a step: ``requests[k]`` is request ``first + k * stride``."""

    host: str
    port: int
    rate: float  # of the whole schedule (all processes)
    first: int
    stride: int
    requests: list[bytes]
    connections: int
    drain_s: float  # after the last due time, how long answers are still awaited


@dataclass
class Outcome:
    """One process's requests of a step, in its order; times are perf_counter seconds."""

    t0: float
    due: array = field(default_factory=lambda: array("d"))
    late: array = field(default_factory=lambda: array("d"))  # due -> dispatched by the generator
    sent: array = field(default_factory=lambda: array("d"))  # nan: never sent
    done: array = field(default_factory=lambda: array("d"))  # nan: no answer
    status: array = field(default_factory=lambda: array("H"))  # NO_ANSWER: none
    cpu_s: float = 0.0  # this process's CPU over the step
    connections: int = 0  # opened in all (a lost connection is replaced)
    nice: int = 0  # the process's CPU priority (GENERATOR_NICE when it was allowed)

    def __len__(self) -> int:
        return len(self.due)


def request_bytes(host: str, port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode()


# --- one generator process ----------------------------------------------------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive connection carrying one request at a time (no pipelining: as a browser does)."""

    def __init__(self, run: "_Run") -> None:
        self.run = run
        self.transport: asyncio.Transport | None = None
        self.current = -1  # the request in flight, -1: idle
        self.head = bytearray()  # the answer's head so far
        self.remaining = -1  # body bytes still to come, -1: the head is not complete yet
        self.status = NO_ANSWER

    def connection_made(self, transport) -> None:
        self.transport = transport

    def send(self, k: int, now: float) -> None:
        self.current = k
        self.run.outcome.sent[k] = now
        self.transport.write(self.run.step.requests[k])

    def data_received(self, data: bytes) -> None:
        if self.current < 0:
            return  # nothing asked: not an answer
        if self.remaining < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.head[:end]).lower()
            at = head.find(_CONTENT_LENGTH)
            if at < 0:  # every answer of the read API has a length; anything else is an error to see
                self.transport.close()
                return
            stop = head.find(b"\r\n", at + 2)
            length = int(head[at + len(_CONTENT_LENGTH) : stop if stop >= 0 else len(head)])
            self.status = int(head[9:12])
            self.remaining = length - (len(self.head) - end - 4)
            self.head.clear()
        else:
            self.remaining -= len(data)
        if self.remaining <= 0:
            self.remaining = -1
            k, self.current = self.current, -1
            self.run.answered(self, k, self.status, time.perf_counter())

    def connection_lost(self, exc) -> None:
        self.run.lost(self)


class _Run:
    def __init__(self, step: Step, outcome: Outcome) -> None:
        self.step, self.outcome = step, outcome
        self.idle: deque[_Connection] = deque()
        self.waiting: deque[int] = deque()  # due requests with no free connection yet
        self.open: set[_Connection] = set()
        self.pending = len(step.requests)
        self.finished = asyncio.Event()
        self.closing = False

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(lambda: _Connection(self), self.step.host, self.step.port)
        self.open.add(connection)
        self.outcome.connections += 1
        self.give(connection)

    def give(self, connection: _Connection) -> None:
        """A free connection takes the oldest waiting request, or waits for the next one."""
        if self.waiting:
            connection.send(self.waiting.popleft(), time.perf_counter())
        else:
            self.idle.append(connection)

    def dispatch(self, k: int, now: float) -> None:
        self.outcome.late[k] = now - self.outcome.due[k]
        if self.idle:
            # The longest idle: requests go round all the connections, so with several server processes
            # each gets its share (reusing the most recent one would keep the load on a few connections,
            # perhaps all of one process).
            self.idle.popleft().send(k, now)
        else:
            self.waiting.append(k)

    def answered(self, connection: _Connection, k: int, status: int, now: float) -> None:
        self.outcome.done[k] = now
        self.outcome.status[k] = status
        self._count_one()
        self.give(connection)

    def lost(self, connection: _Connection) -> None:
        self.open.discard(connection)
        with contextlib.suppress(ValueError):
            self.idle.remove(connection)
        if connection.current >= 0:  # its request gets no answer: an error, not a retry
            connection.current = -1
            self._count_one()
        if not self.closing:  # keep the pool at its size
            asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        with contextlib.suppress(OSError):
            await self.connect()

    async def close_all(self) -> None:
        self.closing = True
        for connection in list(self.open):
            connection.transport.close()
        while self.open:  # connection_lost comes on a later turn of the loop
            await asyncio.sleep(0.001)
        self.idle.clear()
        self.closing = False

    def _count_one(self) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.finished.set()


async def _drive(step: Step, handshake) -> Outcome:
    """Opens the connections, then ``handshake()`` (ready; returns ``t0``), then sends on schedule."""
    n = len(step.requests)
    nan = math.nan
    outcome = Outcome(0.0, array("d", [0.0] * n), array("d", [nan] * n), array("d", [nan] * n),
                      array("d", [nan] * n), array("H", [NO_ANSWER] * n))  # fmt: skip
    run = _Run(step, outcome)
    while True:
        await asyncio.gather(*(run.connect() for _ in range(step.connections)))
        # Blocks the loop for the moment the parent takes to answer: nothing is in flight yet.
        answer = handshake()
        if answer != REOPEN:
            break
        await run.close_all()
    outcome.t0 = t0 = answer
    cpu_started = time.process_time()
    spacing = step.stride / step.rate
    start = t0 + step.first / step.rate
    for k in range(n):
        outcome.due[k] = start + k * spacing
    k = 0
    while k < n:
        now = time.perf_counter()
        due = outcome.due[k]
        if due > now:
            # Event loops time in whole milliseconds: a shorter sleep returns at once and the loop would
            # spin. So a request is sent up to ~1 ms late (its latency counts that), never early.
            await asyncio.sleep(max(due - now, MIN_SLEEP_S))
            continue
        while k < n and outcome.due[k] <= now:  # everything due by now, oldest first
            run.dispatch(k, now)
            k += 1
    last_due = outcome.due[n - 1] if n else t0
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(run.finished.wait(), max(0.0, last_due + step.drain_s - time.perf_counter()))
    await run.close_all()
    outcome.cpu_s = time.process_time() - cpu_started
    outcome.nice = os.getpriority(os.PRIO_PROCESS, 0)
    return outcome


def _serve(pipe) -> None:
    """A generator process: one step per message until it is told to stop (None)."""
    # Ahead of the server in the CPU queue when allowed (root): it needs little CPU, but the read API runs
    # searches on 8 threads a process, and a fair share per thread would leave the generator waiting with
    # due requests -- late sends, counted as the server's latency.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, GENERATOR_NICE)
    try:
        import uvloop  # the lean loop uvicorn runs on too (uvicorn[standard] installs it)

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run

    def handshake() -> float:
        pipe.send("ready")
        return pipe.recv()

    while (step := pipe.recv()) is not None:
        try:
            pipe.send(runner(_drive(step, handshake)))
        except Exception as error:  # report it to the parent rather than die silently
            pipe.send(RuntimeError(f"generator process: {type(error).__name__}: {error}"))


# --- the parent's side --------------------------------------------------------------------------------------


class Generators:
    """``with Generators(n) as generators:`` -- ``n`` spawned processes, stopped on exit."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")  # nothing of the parent's sockets or threads inherited
        self.pipes, self.processes = [], []
        self.nice = 0  # the generator processes' CPU priority, once a step has run
        for number in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child,), name=f"load-generator-{number + 1}", daemon=True)
            process.start()
            child.close()
            self.pipes.append(parent)
            self.processes.append(process)

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def __enter__(self) -> "Generators":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, host: str, port: int, rate: float, requests: list[bytes], connections: int, drain_s: float,
              balanced: Callable[[int], bool] | None = None, lead_s: float = 0.05) -> float:  # fmt: skip
        """Hands each process its share, waits until all have their connections open -- opened again, up to
        ``REOPEN_ATTEMPTS`` times, until ``balanced(connections)`` says they are spread well over the server's
        processes -- and sets ``t0`` ``lead_s`` from now; returns ``t0``. ``collect`` then waits for the
        outcomes."""
        n = len(self.pipes)
        per_process = max(1, math.ceil(connections / n))
        for number, pipe in enumerate(self.pipes):
            pipe.send(Step(host, port, rate, number, n, requests[number::n], per_process, drain_s))
        for attempt in range(REOPEN_ATTEMPTS + 1):
            if attempt:
                for pipe in self.pipes:
                    pipe.send(REOPEN)
            for pipe in self.pipes:
                answer = pipe.recv()
                if isinstance(answer, Exception):
                    raise answer
            if balanced is None or balanced(per_process * n):
                break
        t0 = time.perf_counter() + lead_s
        for pipe in self.pipes:
            pipe.send(t0)
        return t0

    def collect(self) -> list[Outcome]:
        outcomes = []
        for pipe in self.pipes:
            answer = pipe.recv()
            if isinstance(answer, Exception):
                raise answer
            outcomes.append(answer)
        self.nice = max(outcome.nice for outcome in outcomes)
        return outcomes

    def close(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError, BrokenPipeError):
                pipe.send(None)
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
