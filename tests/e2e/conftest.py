"""The whole platform for the browser tests: this run's own databases (on the test servers), the demo data,
the projections rebuilt, and every service of compose/Procfile as a process of its own -- command API, read
API, operations API, relay, worker, web server -- on free ports; and Debian's Chromium driven by Playwright.

Each test gets a fresh browser context (its own cookies) whose page must raise no script error and log no
console error (but the failed loads Chromium logs for 4xx answers the pages expect and explain): a
Content-Security-Policy violation is logged as one, so the pages are held to their policy.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from loadtest.chromium import NoChromium, launch_chromium
from loadtest.private_platform import PrivatePlatform
from projectors.rebuild import rebuild
from projectors.runtime import Runtime
from projectors.settings import ProjectorSettings
from search.settings import SearchSettings
from seed.runner import seed_demo_if_empty
from write.migrations import upgrade_all

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("EDU_SCREENSHOT_DIR", ROOT / "docs" / "screenshots"))
DESKTOP = {"width": 1280, "height": 860}
EXPECTED_REFUSAL = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


expect.set_options(timeout=10_000)  # a page draws after its API answers: on a busy 2-core machine, seconds


@dataclass
class Stack:
    web: str  # the web server's URL
    platform: PrivatePlatform


# Package scope: the platform stops, and Playwright's event loop (which asyncio sees as running while the
# sync API is open) ends, before the async tests of other packages run.
@pytest.fixture(scope="package")
def stack(fresh_databases) -> Iterator[Stack]:
    settings = fresh_databases()
    upgrade_all(settings)
    seed_demo_if_empty(settings)
    # A rebuild's old versions are dropped after a grace period (5 s by default); the operator test waits
    # for the rebuild to finish, so the services use a short one.
    env = {"EDU_OLD_VERSION_GRACE_SECONDS": "0.5"}
    with PrivatePlatform(name="e2e", settings=settings, env=env) as platform:
        rt = Runtime(settings, ProjectorSettings(), SearchSettings(meili_url=None, search_dir=platform.search_dir))
        try:
            rebuild(rt)  # the seed writes no events: the projections are built from it, as `make demo` does
        finally:
            rt.close()
        platform.start_services(workers=1)
        web = platform.start_web()
        yield Stack(web, platform)
    assert platform.leftovers == [], platform.leftovers  # every process it started has stopped


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    try:
        launched = launch_chromium(playwright)
    except NoChromium as missing:
        pytest.fail(str(missing))
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser, stack: Stack) -> Iterator[BrowserContext]:
    opened = browser.new_context(base_url=stack.web, viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    opened.set_default_timeout(15_000)
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    problems: list[str] = []

    def logged(message) -> None:
        # A refusal the page expects and explains (401, 403, 409...) is logged by Chromium as a failed load.
        if message.type == "error" and not EXPECTED_REFUSAL.match(message.text):
            problems.append(f"console {message.type}: {message.text}")

    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    opened.on("console", logged)
    yield opened
    assert problems == [], problems


def screenshot(page: Page, name: str) -> None:
    """Saved for docs/ (docs/screenshots/<name>.png, shown in docs/web.md): what the last test run saw."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # sticky parts are drawn where the page is scrolled to
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, animations="disabled")
