"""The read API keeps the promises of its own OpenAPI document, checked by schemathesis against a real
uvicorn process on a platform with data: for every operation, generated requests (valid ones, and invalid
ones for the operations that take parameters) never get a 5xx, every status is documented, and every body
matches its schema.

The generated ids, categories and cursors mostly miss the data, so the strategies also draw the known course
ids and a category that has courses, and every answer that carries an ``ETag`` is asked for again with
``If-None-Match``: the 304 is documented, has an empty body and repeats the validators. ``min_version``
past the course's version is the one 5xx the API means to give (503 ``projection_lagging``, documented);
it is checked for what it must say, then against the schema like every other answer.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.projectors import conftest as projection_fixtures
from tests.write.learning_helpers import enrolled_student, published_course
from workers.devstack import free_port

ROOT = Path(__file__).resolve().parents[2]
# The projection tests' platform (fresh databases, Redis prefix, search directory) and the command API on it.
platform = projection_fixtures.platform
api = projection_fixtures.api
api_ctx = projection_fixtures.api_ctx

POSITIVE_EXAMPLES = 30
NEGATIVE_EXAMPLES = 15
MIN_VERSION_WAIT_SECONDS = 0.2  # a lagging min_version is answered at once, not after the default 3 s
CATEGORY = "data-science"  # the category the courses below are filed under (most of them)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXCEPT_SERVER_ERROR = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
async def courses(platform, api, api_ctx) -> list[dict]:
    """Published courses of different levels and prices, one with three reviews, projected."""
    shapes = [
        {"title": "Python for Data Analysis", "level": "beginner", "price": "0"},
        {"title": "Statistics with Python", "level": "intermediate", "price": "29.99"},
        {"title": "Deep Learning Foundations", "level": "advanced", "price": "49.00", "category": "machine-learning"},
    ]
    published = []
    for shape in shapes:
        fields = {"category": CATEGORY} | shape
        _, course, _ = await published_course(api, api_ctx, lessons=2, **fields)
        published.append(course)
    reviewed = published[0]
    for rating in (5, 4, 3):
        student, _ = await enrolled_student(api, api_ctx, reviewed)
        body = {"rating": rating, "text": f"Rated {rating} <b>out of</b> 5."}
        response = await api.post(f"/courses/{reviewed['id']}/reviews", json=body, headers=student.headers)
        assert response.status_code == 201, response.text
    await platform.settle()
    return published


@pytest.fixture(scope="module")
def read_api(platform, courses, tmp_path_factory) -> Iterator[str]:
    """The read API as ``make up`` runs it (uvicorn, its own process) on the platform's Redis and search index."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("EDU_")} | {
        "EDU_ENV": "test",
        "EDU_REDIS_URL": platform.settings.redis_url,
        "EDU_REDIS_KEY_PREFIX": platform.settings.redis_key_prefix,
        "EDU_SEARCH_DIR": platform.env["EDU_SEARCH_DIR"],
        "EDU_MIN_VERSION_WAIT_SECONDS": str(MIN_VERSION_WAIT_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path_factory.mktemp("read-api") / "uvicorn.log"
    argv = [sys.executable, "-m", "uvicorn", "read.app:create_app", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log"]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"the read API exited ({process.returncode}):\n{log.read_text()}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, f"the read API was not ready within 30 s:\n{log.read_text()}"
            time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    # Whatever the test found, the server must not have logged an error of its own (the first one is shown).
    logged = log.read_text()
    assert "Traceback" not in logged, logged[logged.index("Traceback") - 200 :][:6000]


def strategy(operation, mode: GenerationMode, course_ids: list[str]) -> st.SearchStrategy:
    """Generated cases, plus cases on the data: the known courses, a category with courses."""
    alternatives = [operation.as_strategy(generation_mode=mode)]
    if mode is GenerationMode.POSITIVE:
        if operation.get_parameter("course_id", "path") is not None:
            alternatives += [
                operation.as_strategy(generation_mode=mode, path_parameters={"course_id": course_id})
                for course_id in course_ids
            ]
        if operation.get_parameter("category", "query") is not None:
            alternatives.append(operation.as_strategy(generation_mode=mode, query={"category": CATEGORY}))
    return st.one_of(alternatives)


def takes_parameters(operation) -> bool:
    return any(True for _ in operation.iter_parameters())


class Exercise:
    """Runs the cases of one operation, keeping count of what the API answered."""

    def __init__(self, seen: Counter) -> None:
        self.seen = seen

    def run(self, case, mode: GenerationMode) -> None:
        response = case.call()
        self.seen[case.operation.label, response.status_code] += 1
        if mode is GenerationMode.NEGATIVE:
            case.validate_response(response, checks=[*CHECKS, negative_data_rejection])
            return
        if response.status_code == 503 and response.json()["error"]["code"] == "projection_lagging":
            self.lagging(case, response)
            return
        case.validate_response(response, checks=CHECKS)
        if response.status_code == 200 and header(response, "etag"):
            self.revalidate(case, response)
        json_body = (header(response, "content-type") or "").startswith("application/json")
        if response.status_code == 200 and json_body and (cursor := response.json().get("next_cursor")):
            self.next_page(case, cursor)

    def lagging(self, case, response) -> None:
        """``min_version`` not reached within the wait: 503 with Retry-After, saying which versions."""
        asked = case.query.get("min_version")
        assert asked is not None, f"503 projection_lagging without min_version: {case.as_curl_command()}"
        details = response.json()["error"]["details"]
        assert details["min_version"] == asked and details["version"] < asked, response.text
        assert int(header(response, "retry-after")) >= 1
        assert header(response, "cache-control") == "no-store"
        case.validate_response(response, checks=EXCEPT_SERVER_ERROR)

    def revalidate(self, case, response) -> None:
        """The same request with the answer's ETag: 304, no body, the same validators, and documented."""
        etag = header(response, "etag")
        again = case.call(headers={"If-None-Match": etag})
        self.seen[case.operation.label, again.status_code] += 1
        assert again.status_code == 304, f"{case.as_curl_command({'If-None-Match': etag})} -> {again.status_code}"
        assert again.content == b""
        assert header(again, "etag") == etag
        assert header(again, "cache-control") == header(response, "cache-control")
        case.validate_response(again, checks=CHECKS, headers={"If-None-Match": etag})
        # A weak form of the same tag and a list holding it match too (RFC 9110 weak comparison).
        weak = case.call(headers={"If-None-Match": f'"other", W/{etag}'})
        assert weak.status_code == 304, weak.status_code

    def next_page(self, case, cursor: str) -> None:
        """A cursor the API gave out always works."""
        following = case.operation.Case(path_parameters=case.path_parameters, query=case.query | {"cursor": cursor})
        response = following.call()
        self.seen[case.operation.label, response.status_code] += 1
        assert response.status_code == 200, f"{following.as_curl_command()} -> {response.status_code}"
        following.validate_response(response, checks=CHECKS)


def test_every_operation_keeps_to_the_openapi_document(read_api, courses):
    schema = schemathesis.openapi.from_url(f"{read_api}/openapi.json", timeout=10)
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {operation.label for operation in operations}
    assert {"GET /catalog", "GET /search", "GET /courses/{course_id}", "GET /courses/{course_id}/curriculum",
            "GET /courses/{course_id}/reviews", "GET /categories"} <= labels  # fmt: skip

    course_ids = [course["id"] for course in courses]
    seen: Counter = Counter()
    exercise = Exercise(seen)
    failures: list[str] = []
    for operation in operations:
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if takes_parameters(operation) else [])
        for mode in modes:
            try:
                explore(exercise, operation, mode, course_ids)
            # Every operation runs; the failures are reported together below. Schemathesis's FailureGroup is a
            # BaseExceptionGroup (so are Hypothesis's groups of distinct failures when one is).
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode.value} data):\n" + "".join(_describe(error)))

    assert not failures, "\n\n".join(failures)
    # The run reached the data, not only 404s and empty pages: answers, 304s, a lagging min_version.
    for label in ("GET /courses/{course_id}", "GET /courses/{course_id}/curriculum", "GET /courses/{course_id}/reviews",
                  "GET /catalog", "GET /categories"):  # fmt: skip
        assert seen[label, 200] and seen[label, 304], (label, sorted(seen.items()))
    assert seen["GET /courses/{course_id}", 404] and seen["GET /search", 200], sorted(seen.items())
    assert seen["GET /courses/{course_id}", 503] or seen["GET /courses/{course_id}/curriculum", 503], sorted(
        seen.items()
    )


def explore(exercise: Exercise, operation, mode: GenerationMode, course_ids: list[str]) -> None:
    @settings(
        max_examples=POSITIVE_EXAMPLES if mode is GenerationMode.POSITIVE else NEGATIVE_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests every run: a failure here is a finding, never a flake
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy(operation, mode, course_ids))
    def check(case) -> None:
        exercise.run(case, mode)

    check()


def header(response, name: str) -> str | None:
    """A header of a schemathesis response (lowercase names, a list of values each)."""
    values = response.headers.get(name)
    return values[0] if values else None


def _describe(error: BaseException) -> list[str]:
    """The failure's own message (schemathesis's include the request as curl), sub-failures included."""
    lines = traceback.format_exception_only(type(error), error)
    if isinstance(error, FailureGroup):  # its message lists every failure with the request as curl
        return lines
    for inner in getattr(error, "exceptions", ()):
        lines += ["  - ", *_describe(inner)]
    return lines
