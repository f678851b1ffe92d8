"""Commit-to-visible lag: authoring commands on a fixed schedule, and a watcher that sees when each one's
course version reaches the read model.

Open loop: command ``i`` is sent at ``t0 + i / rate`` whatever became of the ones before it (no coordinated
omission: a slow answer never delays the next send). Each answer carries the course's new version
(``version`` or ``course_version``). A watcher thread polls Redis every ``POLL_S`` -- one read-only script
that takes the version out of the card of each course with a command in flight or not yet visible, in the
active cards hash (HGET per course, inside Redis) -- and notes when each course's card first shows each
higher version; a command is visible at the first moment its course's card
shows its version or a later one. A course is watched from before its command is sent, so a card that
shows the version before the answer arrives is caught (a lag below zero, then).
"""

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field

from redis import Redis

from loadtest.authoring_targets import Target
from loadtest.lean_http import HttpError, LeanClient

POLL_S = 0.002
BUSY_POLL_S, BUSY_COURSES = 0.005, 10  # with more courses than this watched (a backlog), a poll every 5 ms
# KEYS: the cards hash. ARGV: course ids. The version of each course's card (nil: no card), read inside
# Redis so that a poll moves a few bytes instead of every watched card (~1.5 KB each) through the client.
# Only a key can hold an unescaped "version": (a quote inside a JSON string is escaped), and a card has one.
_VERSIONS = """
local found = {}
for i, id in ipairs(ARGV) do
  local card = redis.call('HGET', KEYS[1], id)
  found[i] = card and string.match(card, '"version":(%d+)') or false
end
return found
"""
KINDS = ("rename", "reprice", "add_module", "add_lesson")  # PATCH title, PATCH price, POST module, POST lesson
WEIGHTS = (3, 2, 2, 3)
LESSON_MARKDOWN = "A short lesson written by the benchmark.\n\n- one point\n- another, with `code`\n"


@dataclass
class Sample:
    index: int
    kind: str
    course_id: str
    scheduled: float  # perf_counter seconds
    sent: float | None = None
    answered: float | None = None
    status: int | None = None
    version: int | None = None  # the course version the answer carried
    visible: float | None = None  # when the card first showed that version (or a later one)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.version is not None


def schedule(rate: float, seconds: float) -> list[float]:
    """Send offsets (seconds after t0) of a constant ``rate`` for ``seconds``."""
    return [i / rate for i in range(round(rate * seconds))]


def command_mix(targets: list[Target], count: int, seed: int) -> list[tuple[str, Target]]:
    """``count`` (kind, course) pairs: kinds by ``WEIGHTS``, courses uniformly, both seeded."""
    rng = random.Random(seed)
    return [(rng.choices(KINDS, WEIGHTS)[0], rng.choice(targets)) for _ in range(count)]


def request_of(index: int, kind: str, target: Target) -> tuple[str, str, dict]:
    """method, path and body of command ``index``; each changes its course (a new version every time)."""
    if kind == "rename":
        return "PATCH", f"/courses/{target.course_id}", {"title": f"{target.title[:180]} (rev {index})"}
    if kind == "reprice":
        # Unique per index and ending in 3 cents, which no seeded price does: every one is a change.
        return "PATCH", f"/courses/{target.course_id}", {"price": f"{index // 10 + 1}.{index % 10}3"}
    if kind == "add_module":
        return "POST", f"/courses/{target.course_id}/modules", {"title": f"Benchmark module {index}"}
    if kind == "add_lesson":
        body = {"title": f"Benchmark lesson {index}", "content": LESSON_MARKDOWN, "duration_minutes": 5}
        return "POST", f"/modules/{target.module_id}/lessons", body
    raise ValueError(f"unknown command kind {kind!r}")


class CardWatcher(threading.Thread):
    """Polls the cards of the courses it is told to watch; resolves each sample's ``visible``."""

    def __init__(self, redis: Redis, cards_key: str, poll_s: float = POLL_S) -> None:
        super().__init__(name="card-watcher", daemon=True)
        self.redis, self.cards_key, self.poll_s = redis, cards_key, poll_s
        self._versions = redis.register_script(_VERSIONS)
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}  # course id -> commands sent and not answered
        self._waiting: dict[str, list[Sample]] = {}  # course id -> answered samples not yet visible
        self._history: dict[str, list[tuple[int, float]]] = {}  # course id -> (version, first seen), rising
        self._halt = threading.Event()
        self.polls = 0

    def sending(self, course_id: str) -> None:
        with self._lock:
            self._in_flight[course_id] = self._in_flight.get(course_id, 0) + 1

    def answered(self, sample: Sample) -> None:
        with self._lock:
            self._in_flight[sample.course_id] -= 1
            if sample.ok and not self._resolve(sample):
                self._waiting.setdefault(sample.course_id, []).append(sample)

    def _resolve(self, sample: Sample) -> bool:
        for version, seen in self._history.get(sample.course_id, ()):
            if version >= sample.version:
                sample.visible = seen
                return True
        return False

    def pending(self) -> int:
        with self._lock:
            return sum(map(len, self._waiting.values()))

    def run(self) -> None:
        while not self._halt.is_set():
            with self._lock:
                watched = list(dict.fromkeys([c for c, n in self._in_flight.items() if n > 0] + list(self._waiting)))
            if watched:
                versions = self._versions(keys=[self.cards_key], args=watched)
                seen = time.perf_counter()
                with self._lock:
                    for course_id, version in zip(watched, versions, strict=True):
                        if version is not None:
                            self._saw(course_id, int(version), seen)
                self.polls += 1
            # A poll costs in proportion to the courses watched (a backlog means all of them): past a few,
            # poll less often rather than load the machine under test.
            time.sleep(self.poll_s if len(watched) <= BUSY_COURSES else max(self.poll_s, BUSY_POLL_S))

    def _saw(self, course_id: str, version: int, at: float) -> None:
        history = self._history.setdefault(course_id, [])
        if history and history[-1][0] >= version:
            return
        history.append((version, at))
        waiting = self._waiting.get(course_id)
        if waiting:
            still = [s for s in waiting if not self._resolve(s)]
            if still:
                self._waiting[course_id] = still
            else:
                del self._waiting[course_id]

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


@dataclass
class Run:
    rate: float
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0  # perf_counter of t0
    last_answer: float = 0.0

    @property
    def answers(self) -> int:
        """Commands answered, whatever the answer (or failed on the client's side)."""
        return sum(s.answered is not None for s in self.samples)

    @property
    def achieved_rate(self) -> float:
        """Answers per second, first scheduled send to last answer."""
        span = self.last_answer - self.started
        return self.answers / span if span > 0 else 0.0


async def _send(client: LeanClient, sample: Sample, request: tuple[str, str, dict], token: str,
                watcher: CardWatcher) -> None:  # fmt: skip
    method, path, body = request
    watcher.sending(sample.course_id)
    sample.sent = time.perf_counter()
    try:
        answer = await client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
        sample.answered = time.perf_counter()
        sample.status = answer.status_code
        if answer.is_success:
            data = answer.json()
            sample.version = int(data["version"] if "version" in data else data["course_version"])
        else:
            sample.error = f"{answer.status_code} {answer.text[:200]}"
    except HttpError as error:
        sample.answered = time.perf_counter()
        sample.error = f"{type(error).__name__}: {error}"
    finally:
        watcher.answered(sample)


async def drive(client: LeanClient, targets: list[Target], tokens: dict[str, str], watcher: CardWatcher,
                rate: float, seconds: float, *, seed: int, first_index: int = 0) -> Run:  # fmt: skip
    """Sends the commands on schedule and waits for every answer (not for visibility)."""
    offsets = schedule(rate, seconds)
    mix = command_mix(targets, len(offsets), seed)
    run = Run(rate, seconds)
    tasks = []
    run.started = time.perf_counter() + 0.01
    for offset, (kind, target) in zip(offsets, mix, strict=True):
        index = first_index + len(tasks)
        sample = Sample(index, kind, target.course_id, run.started + offset)
        run.samples.append(sample)
        delay = sample.scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        request = request_of(index, kind, target)
        tasks.append(asyncio.create_task(_send(client, sample, request, tokens[target.teacher_email], watcher)))
    await asyncio.gather(*tasks)
    run.last_answer = max((s.answered for s in run.samples if s.answered is not None), default=run.started)
    return run


async def wait_visible(watcher: CardWatcher, timeout_s: float) -> float:
    """Waits until every answered command is visible or ``timeout_s`` passed; returns the seconds waited."""
    started = time.perf_counter()
    while watcher.pending() and time.perf_counter() - started < timeout_s:
        await asyncio.sleep(0.01)
    return time.perf_counter() - started
