"""The platform's traffic mix as Locust users (``make loadtest``, ``make loadtest-ui``).

- Students browsing (weight 7): catalog pages by category and sort, deeper pages by cursor, course
  cards, curricula, reviews.
- Searchers (weight 2): instant search typed a few keys at a time (``loadtest.keystrokes``: typos,
  prefixes) over the titles of the catalog, then a facet click, a sort change, the next page.
- Teachers (weight 1): log in with a seeded, verified account, create a course, add a module and
  lessons, publish, edit; after every change read their own card and curriculum with ``min_version``.

Request names carry their group -- ``read:``, ``write:``, ``read-your-writes:`` -- and the route template,
never an id, so the report separates the read path, the write path and read-your-writes.

Configured from the environment (``loadtest.locust_run`` sets it): ``EDU_LOADTEST_READ_URL`` (the host),
``EDU_LOADTEST_COMMAND_URL``, ``EDU_LOADTEST_ACCOUNTS`` (a JSON file of seeded teacher emails and their
password). What users browse and type is drawn from the catalog itself, read once per Locust process.
"""

import itertools
import json
import os
import random
import threading
import time
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task
from locust.runners import MasterRunner, WorkerRunner
from locust.stats import StatsEntry

from loadtest.keystrokes import keystrokes
from loadtest.locust_report import READ, RYW, SEARCH, WRITE

READ_URL = os.environ.get("EDU_LOADTEST_READ_URL", "http://127.0.0.1:8002")
COMMAND_URL = os.environ.get("EDU_LOADTEST_COMMAND_URL", "http://127.0.0.1:8001")
SORTS = ("newest", "rating", "popular", "price_asc", "price_desc")
SEARCH_SORTS = ("rating", "popular", "newest")
SAMPLE_PAGES = 40  # catalog pages read at start: the courses and titles users pick from
KEYSTROKE_PAUSE_S = (0.15, 0.4)  # between bursts of keys: the debounce fires in each pause
TOKEN_MARGIN_S = 60  # an access token this close to expiry is refreshed first


class Catalog:
    """What this Locust process's users pick from: categories, course ids and titles, read once."""

    def __init__(self) -> None:
        self.categories: list[str] = []
        self.course_ids: list[str] = []
        self.titles: list[str] = []
        self.teachers: list[str] = []
        self.password = ""
        self._lock = threading.Lock()
        self._next_teacher = itertools.count()

    def load(self, read_url: str, accounts_path: str | None) -> None:
        import httpx  # only here: the users speak through Locust's own client

        with httpx.Client(base_url=read_url, timeout=30) as client:
            items = client.get("/categories").raise_for_status().json()["items"]
            self.categories = [c["slug"] for c in items if c.get("course_count", 1) > 0]
            rng = random.Random(os.getpid())
            for _ in range(SAMPLE_PAGES):
                query = {"sort": rng.choice(SORTS), "limit": 50}
                if self.categories and rng.random() < 0.8:
                    query["category"] = rng.choice(self.categories)
                for card in client.get("/catalog", params=query).raise_for_status().json()["items"]:
                    self.course_ids.append(card["id"])
                    self.titles.append(card["title"])
        if not self.course_ids:
            raise RuntimeError(f"the catalog at {read_url} is empty: seed the stack first (edu seed --scale full)")
        if accounts_path:
            with open(accounts_path) as accounts:
                found = json.load(accounts)
            self.teachers, self.password = found["teachers"], found["password"]

    def teacher(self) -> str:
        """A different seeded teacher for each teacher user of this process, round the list."""
        if not self.teachers:
            raise RuntimeError("no teacher accounts: run through `make loadtest`, which finds seeded ones")
        with self._lock:
            return self.teachers[next(self._next_teacher) % len(self.teachers)]


CATALOG = Catalog()
GROUPS = {READ: f"{READ}: ", WRITE: f"{WRITE}: ", RYW: f"{RYW}: ", SEARCH: f"{READ}: GET /search"}
PERCENTILES = (0.5, 0.95, 0.99)


@events.init.add_listener
def _load_catalog(environment, **_) -> None:
    # Every worker process of --processes runs this; the master (which sends no requests) does not need it.
    if not isinstance(environment.runner, MasterRunner):
        CATALOG.load(environment.host or READ_URL, os.environ.get("EDU_LOADTEST_ACCOUNTS"))


@events.quitting.add_listener
def _write_groups(environment, **_) -> None:
    """Each group's figures over all its request names (Locust's own histograms, merged: exact
    percentiles, not averages of percentiles), for the summary of ``loadtest.locust_run``."""
    out = os.environ.get("EDU_LOADTEST_GROUPS")
    if not out or isinstance(environment.runner, WorkerRunner):
        return
    groups = {}
    for group, prefix in GROUPS.items():
        merged = StatsEntry(environment.stats, group, "", use_response_times_cache=False)
        for entry in environment.stats.entries.values():
            if entry.name.startswith(prefix):
                merged.extend(entry)
        groups[group] = {
            "requests": merged.num_requests, "failures": merged.num_failures, "rps": merged.total_rps,
            **{f"p{round(q * 100)}": merged.get_response_time_percentile(q) for q in PERCENTILES},
            "max": merged.max_response_time if merged.num_requests else 0,
        }  # fmt: skip
    with open(out, "w") as file:
        json.dump(groups, file, indent=2)


def _checked(answer, expect: int = 200) -> dict | None:
    """The answer's JSON, or None with the request marked failed (``catch_response=True``) when its status
    is not ``expect``."""
    if answer.status_code != expect:
        answer.failure(f"{answer.status_code}: {(answer.text or '')[:200]}")
        return None
    return answer.json()


def _read(client, path: str, name: str) -> dict | None:
    with client.get(path, name=f"{READ}: {name}", catch_response=True) as answer:
        return _checked(answer)


class StudentBrowsing(FastHttpUser):
    weight = 7
    wait_time = between(1, 3)
    host = READ_URL

    @task(4)
    def browse_catalog(self) -> None:
        query = {"sort": random.choice(SORTS)}
        if random.random() < 0.8:
            query["category"] = random.choice(CATALOG.categories)
        page = self._get_json(f"/catalog?{urlencode(query)}", "GET /catalog")
        for _ in range(random.choice((0, 0, 1, 2, 3))):  # deeper pages, by cursor
            if not page or not page.get("next_cursor"):
                break
            page = self._get_json(f"/catalog?{urlencode(query | {'cursor': page['next_cursor']})}",
                                  "GET /catalog?cursor")  # fmt: skip
        if page and page["items"]:
            self._open_course(random.choice(page["items"])["id"])

    @task(3)
    def open_a_course(self) -> None:
        self._open_course(random.choice(CATALOG.course_ids))

    def _open_course(self, course_id: str) -> None:
        self._get_json(f"/courses/{course_id}", "GET /courses/{id}")
        self._get_json(f"/courses/{course_id}/curriculum", "GET /courses/{id}/curriculum")
        if random.random() < 0.5:
            self._get_json(f"/courses/{course_id}/reviews", "GET /courses/{id}/reviews")

    def _get_json(self, path: str, name: str) -> dict | None:
        return _read(self.client, path, name)


class Searcher(FastHttpUser):
    weight = 2
    wait_time = between(2, 5)  # between searches; keystrokes come faster (KEYSTROKE_PAUSE_S)
    host = READ_URL

    @task
    def search_as_you_type(self) -> None:
        typed = keystrokes(random.choice(CATALOG.titles), random)
        answer = None
        for text in typed:
            answer = self._search({"q": text}, "GET /search (keystroke)") or answer
            time.sleep(random.uniform(*KEYSTROKE_PAUSE_S))
        if not typed:
            return
        query = {"q": typed[-1]}
        facets = (answer or {}).get("facets", {}).get("category", {})
        if facets and random.random() < 0.5:  # a click on a category in the refinement list
            query["category"] = max(facets, key=facets.get)
            answer = self._search(query, "GET /search (facet)")
        if random.random() < 0.3:
            query["sort"] = random.choice(SEARCH_SORTS)
            answer = self._search(query, "GET /search (sort)")
        if answer and answer.get("total", 0) > answer.get("per_page", 20) and random.random() < 0.3:
            self._search(query | {"page": 2}, "GET /search (page 2)")

    def _search(self, query: dict, name: str) -> dict | None:
        return _read(self.client, f"/search?{urlencode(query)}", name)


class Teacher(FastHttpUser):
    weight = 1
    wait_time = between(3, 8)
    host = READ_URL

    def on_start(self) -> None:
        self.email = CATALOG.teacher()
        self.tokens: dict = {}
        self.expires_at = 0.0
        self._login()

    def _login(self) -> None:
        body = {"email": self.email, "password": CATALOG.password}
        found = self._command("POST", "/auth/login", "POST /auth/login", body, expect=200, authorised=False)
        if found:
            self._keep(found)

    def _keep(self, tokens: dict) -> None:
        self.tokens, self.expires_at = tokens, time.monotonic() + tokens["expires_in"]

    def _fresh_token(self) -> str:
        if self.tokens and time.monotonic() > self.expires_at - TOKEN_MARGIN_S:
            body = {"refresh_token": self.tokens["refresh_token"]}
            found = self._command("POST", "/auth/refresh", "POST /auth/refresh", body, expect=200, authorised=False)
            if found:
                self._keep(found)
        return self.tokens.get("access_token", "")

    @task
    def author_a_course(self) -> None:
        if not self.tokens:
            return self._login()
        number = random.randrange(10**6)
        course = self._command("POST", "/courses", "POST /courses", {
            "title": f"Load test course {number}: {random.choice(CATALOG.titles)}"[:120],
            "description": "A course written by the load test.\n\n- practice\n- *projects*",
            "category": random.choice(CATALOG.categories), "level": random.choice(("beginner", "advanced")),
            "price": random.choice(("0", "19.99")), "language": "en",
        }, expect=201)  # fmt: skip
        if not course:
            return None
        course_id = course["id"]
        module = self._command("POST", f"/courses/{course_id}/modules", "POST /courses/{id}/modules",
                               {"title": "Getting started"}, expect=201)  # fmt: skip
        if not module:
            return None
        for lesson in range(random.randint(1, 3)):
            if not self._lesson(module["id"], f"Lesson {lesson + 1}", preview=lesson == 0):
                return None
        # Drafts are not projected: read-your-writes starts at publishing.
        published = self._command("POST", f"/courses/{course_id}/publish", "POST /courses/{id}/publish", expect=200)
        if not published:
            return None
        self._read_own("card", course_id, published["version"])
        self._read_own("curriculum", course_id, published["version"])
        edited = self._command("PATCH", f"/courses/{course_id}", "PATCH /courses/{id}",
                               {"title": f"Load test course {number}, second edition"}, expect=200)  # fmt: skip
        if edited:
            self._read_own("card", course_id, edited["version"])
        added = self._lesson(module["id"], "Bonus lesson", preview=False)
        if added:
            self._read_own("curriculum", course_id, added["course_version"])
        return None

    def _lesson(self, module_id: str, title: str, preview: bool) -> dict | None:
        return self._command("POST", f"/modules/{module_id}/lessons", "POST /modules/{id}/lessons", {
            "title": title, "content": "Read this, then **try it**.", "duration_minutes": 10, "is_preview": preview,
        }, expect=201)  # fmt: skip

    def _read_own(self, what: str, course_id: str, version: int) -> None:
        """The teacher's screen after a change: the projection at that version or newer (``min_version``)."""
        path = f"/courses/{course_id}" + ("/curriculum" if what == "curriculum" else "")
        template = "/courses/{id}" + ("/curriculum" if what == "curriculum" else "")
        name = f"{RYW}: GET {template}?min_version"
        with self.client.get(f"{path}?min_version={version}", name=name, catch_response=True) as answer:
            found = _checked(answer)
            if found is not None and found.get("version", 0) < version:
                answer.failure(f"version {found.get('version')} older than {version}")

    def _command(self, method: str, path: str, name: str, body: dict | None = None, *, expect: int,
                 authorised: bool = True) -> dict | None:  # fmt: skip
        headers = {"Authorization": f"Bearer {self._fresh_token()}"} if authorised else {}
        with self.client.request(method, f"{COMMAND_URL}{path}", name=f"{WRITE}: {name}", json=body,
                                 headers=headers, catch_response=True) as answer:  # fmt: skip
            return _checked(answer, expect)
