"""Crashes lose nothing: random command sequences run against the command API while the real `edu relay`
and `edu worker` processes are SIGKILLed and restarted at random points; once both run again and
everything is delivered and projected, `verify` finds no difference at all.

What a SIGKILL leaves behind is recovered the way RQ itself recovers it, with its clock moved on: RQ gives
a dead worker's job back (retried) only once the job's heartbeat has expired -- four minutes with RQ's
default job timeout -- at a worker's next maintenance pass (every ten minutes), so ``recover_abandoned``
runs that same code path (``StartedJobRegistry.cleanup``) at once, the worker being known dead. A worker
killed while blocked in BLMOVE can still be handed a job by Redis before Redis notices the dead connection:
the job lands in the queue's intermediate list, which RQ's maintenance gives back after a minute
(``IntermediateQueue.cleanup``); ``rescue_stuck`` does the same as soon as such a job has been seen twice
with no worker on it. Nothing else is helped along: the relay's redelivery, the refresher's lock expiring,
the backlog, retries of courses and the search engine's lock are all the real thing.
"""

import asyncio
import contextlib
import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from projectors.queues import all_queues
from projectors.verify import verify
from tests.actors import Actor, sign_up, verified_teacher
from tests.projectors.readmodel import EDU, edu_env, undelivered
from tests.write.catalog_helpers import add_lesson, add_module, create_course
from tests.write.learning_helpers import pay

QUIET_TIMEOUT = 30.0
PR_SET_PDEATHSIG = 1


def _die_with_the_tests() -> None:
    """In the child: a SIGKILL when the test process dies, however it dies (Linux; elsewhere the fixture's
    own kill is all there is)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Process:
    """One `edu` process in a session of its own, so that a SIGKILL takes its children too (the worker's
    RQ scheduler)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.args, self.env, self.logs = name, args, env, logs
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self) -> None:
        assert not self.running
        self.starts += 1
        log = (self.logs / f"{self.name}-{self.starts}.log").open("w")
        self.popen = subprocess.Popen(
            [EDU, *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_the_tests,
        )
        log.close()

    def kill(self) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self.popen = None


@dataclass
class Course:
    id: str
    teacher: Actor
    module: str
    lessons: list[str] = field(default_factory=list)
    price: Decimal = Decimal("0")


@dataclass
class World:
    teachers: list[Actor]
    students: list[Actor]
    courses: list[Course]
    worker: Process
    relay: Process
    runtime: object
    settings: object


@pytest.fixture(scope="module")
async def world(platform, api, api_ctx, tmp_path_factory):
    env = edu_env(
        platform.env,
        EDU_WORKER_OPS_PORT="0",
        EDU_RELAY_OPS_PORT="0",
        EDU_REFRESHER_LOCK_SECONDS="2",
        EDU_RELAY_POLL_SECONDS="0.2",
    )
    logs = tmp_path_factory.mktemp("processes")
    worker = Process("worker", ["worker"], env, logs)
    relay = Process("relay", ["relay"], env, logs)
    teachers = [await verified_teacher(api, api_ctx, name=f"Teacher {n}") for n in range(2)]
    students = [await sign_up(api, "student", name=f"Student {n}") for n in range(3)]
    world = World(teachers, students, [], worker, relay, platform.runtime, platform.settings)
    for teacher in teachers:  # something to work on from the first step
        course = await new_course(api, world, teacher)
        assert (await api.post(f"/courses/{course.id}/publish", headers=teacher.headers)).status_code == 200
    worker.start()
    relay.start()
    yield world
    worker.kill()
    relay.kill()


async def new_course(api, world: World, teacher: Actor) -> Course:
    course = await create_course(api, teacher, title=f"Course {len(world.courses)}", price="0")
    module = await add_module(api, teacher, course["id"])
    lesson = await add_lesson(api, teacher, module["id"])
    found = Course(course["id"], teacher, module["id"], [lesson["id"]])
    world.courses.append(found)
    return found


PATCHES = [
    {"title": "A new title"},
    {"price": "25"},
    {"price": "0"},
    {"category": "music", "level": "advanced"},
    {"description": "**Now** with [markdown](http://x)"},
]
NAMES = ["Ada", "Grace", "Edsger"]

COMMANDS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1)),
    st.tuples(st.just("publish"), st.integers(0, 99)),
    st.tuples(st.just("unpublish"), st.integers(0, 99)),
    st.tuples(st.just("patch"), st.integers(0, 99), st.integers(0, len(PATCHES) - 1)),
    st.tuples(st.just("add_lesson"), st.integers(0, 99)),
    st.tuples(st.just("delete_lesson"), st.integers(0, 99)),
    st.tuples(st.just("enroll"), st.integers(0, 99), st.integers(0, 2)),
    st.tuples(st.just("review"), st.integers(0, 99), st.integers(0, 2), st.integers(1, 5)),
    st.tuples(st.just("rename"), st.booleans(), st.integers(0, 2), st.sampled_from(NAMES)),
)
# Where to kill which process (before the command at that index, modulo the sequence's length) and how
# many commands later to start it again (0: at once; past the end: at the end).
CRASHES = st.lists(
    st.tuples(st.integers(0, 11), st.sampled_from(["worker", "relay"]), st.integers(0, 4)), min_size=1, max_size=3
)


def answered(response, *allowed: int) -> int:
    assert response.status_code < 500, response.text  # contract §3: bad input never yields a 5xx
    assert not allowed or response.status_code in allowed, response.text
    return response.status_code


async def run_command(api, world: World, command: tuple) -> None:
    kind, *args = command
    if kind == "create":
        await new_course(api, world, world.teachers[args[0]])
        return
    if kind == "rename":
        is_teacher, index, name = args
        who = world.teachers[index % 2] if is_teacher else world.students[index]
        answered(await api.patch("/auth/me", json={"name": name}, headers=who.headers), 200)
        return
    course = world.courses[args[0] % len(world.courses)]
    teacher = course.teacher
    if kind == "publish":
        answered(await api.post(f"/courses/{course.id}/publish", headers=teacher.headers), 200, 409)
    elif kind == "unpublish":
        answered(await api.post(f"/courses/{course.id}/unpublish", headers=teacher.headers), 200)
    elif kind == "patch":
        patch = PATCHES[args[1]]
        answered(await api.patch(f"/courses/{course.id}", json=patch, headers=teacher.headers), 200)
        course.price = Decimal(patch.get("price", course.price))
    elif kind == "add_lesson":
        lesson = await add_lesson(api, teacher, course.module, title=f"Lesson {len(course.lessons)}")
        course.lessons.append(lesson["id"])
    elif kind == "delete_lesson" and course.lessons:
        if answered(await api.delete(f"/lessons/{course.lessons[-1]}", headers=teacher.headers), 204, 409) == 204:
            course.lessons.pop()
    elif kind == "enroll":
        student = world.students[args[1]]
        body = {"course_id": course.id}
        if course.price > 0:
            paid = await pay(api, student, course.id)
            if answered(paid) == 201:
                body["payment_id"] = paid.json()["id"]
        answered(await api.post("/enrollments", json=body, headers=student.headers))
    elif kind == "review":
        student, rating = world.students[args[1]], args[2]
        body = {"rating": rating, "text": f"{rating} stars"}
        answered(await api.post(f"/courses/{course.id}/reviews", json=body, headers=student.headers))


def recover_abandoned(world: World) -> None:
    """What RQ does for a dead worker's jobs, without waiting for its heartbeat to expire (see the module's
    docstring): RQ's own cleanup, then the retry it schedules, due at once."""
    for queue in all_queues(world.settings, world.runtime.redis):
        queue.started_job_registry.cleanup(timestamp=time.time() + 24 * 3600)
        for job_id in queue.intermediate_queue.get_job_ids():  # taken from the queue, never started
            job = queue.fetch_job(job_id)
            if job is not None:
                queue.enqueue_job(job)
            queue.intermediate_queue.remove(job_id)
        scheduled = ScheduledJobRegistry(queue=queue)
        for job_id in scheduled.get_jobs_to_schedule(int(time.time()) + 3600):
            job = queue.fetch_job(job_id)
            if job is not None:
                queue.enqueue_job(job)
            scheduled.remove(job_id)


def kill(world: World, which: str) -> None:
    process = getattr(world, which)
    process.kill()
    if which == "worker":
        recover_abandoned(world)


def rescue_stuck(world: World, seen: set[str]) -> None:
    """RQ's IntermediateQueue.cleanup without its minute: a job in an intermediate list that no worker has
    started, seen there on two looks in a row, goes back to its queue."""
    for queue in all_queues(world.settings, world.runtime.redis):
        for job_id in queue.intermediate_queue.get_job_ids():
            if job_id in queue.started_job_registry:
                continue
            if job_id not in seen:
                seen.add(job_id)
                continue
            job = queue.fetch_job(job_id)
            if job is not None:
                queue.enqueue_job(job)
            queue.intermediate_queue.remove(job_id)
            seen.discard(job_id)


def quiet(world: World) -> bool:
    rt = world.runtime
    lanes = (rt.backlog, rt.search_backlog)
    if undelivered(world.settings) or any(lane.has_work() for lane in lanes) or rt.backlog.pending():
        return False
    for queue in all_queues(world.settings, rt.redis):
        busy = queue.count or queue.started_job_registry.count or queue.intermediate_queue.get_job_ids()
        if busy or ScheduledJobRegistry(queue=queue).count:
            return False
    return True


async def wait_until_quiet(world: World) -> None:
    deadline = time.monotonic() + QUIET_TIMEOUT
    calm = 0
    seen: set[str] = set()
    while calm < 3:  # three looks in a row, so that nothing was just between two hands
        assert time.monotonic() < deadline, "the platform did not go quiet: see the process logs"
        assert world.worker.running and world.relay.running
        await asyncio.to_thread(rescue_stuck, world, seen)
        calm = calm + 1 if await asyncio.to_thread(quiet, world) else 0
        await asyncio.sleep(0.1)


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each example costs seconds; the failing one is shown
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=st.lists(COMMANDS, min_size=3, max_size=12), crashes=CRASHES)
async def test_killed_and_restarted_relay_and_worker_lose_nothing(world, api, commands, crashes):
    kills: dict[int, list[str]] = {}
    starts: dict[int, list[str]] = {}
    for kill_at, which, restart_after in crashes:
        kills.setdefault(kill_at % len(commands), []).append(which)
        starts.setdefault(kill_at % len(commands) + restart_after, []).append(which)

    for step, command in enumerate(commands):
        for which in kills.get(step, []):
            kill(world, which)
        for which in starts.get(step, []):
            if not getattr(world, which).running:
                getattr(world, which).start()
        await run_command(api, world, command)

    for process in (world.worker, world.relay):
        if not process.running:
            process.start()
    await wait_until_quiet(world)

    rt = world.runtime
    report = await asyncio.to_thread(verify, rt)
    assert report.clean, report.differences
    assert report.pending == 0
    assert rt.backlog.parked() == {} and rt.search_backlog.parked() == {}
    for queue in all_queues(world.settings, rt.redis):
        assert FailedJobRegistry(queue=queue).count == 0, queue.name
