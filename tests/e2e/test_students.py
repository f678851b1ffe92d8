"""Students in a real browser: search with a typo, refine, open a course, register, enroll, learn, see
progress; the search state in the URL; keyboard-only use; a phone-sized screen; stale answers dropped."""

import contextlib
import re

from playwright.sync_api import Browser, Page, Route, expect

from seed.demo_logins import TEACHER
from tests.e2e.conftest import screenshot
from tests.e2e.steps import register

COURSE = "Python for Data Analysis"  # a free course of the demo data (seed/demo_courses.py)...
PER_PAGE = 12  # results on a page (web/static/js/search.js)
AUTHOR = TEACHER.name  # ...by the demo teacher (generated courses may share its title)


def search_box(page: Page):
    return page.get_by_role("searchbox", name="Search courses")


def test_a_student_finds_a_course_despite_a_typo_enrolls_and_sees_progress(page: Page):
    page.goto("/")
    search_box(page).press_sequentially("pyton analysys", delay=60)  # two typos, typed a key at a time
    hit = page.locator("#results .hit").filter(has_text=COURSE).filter(has_text=AUTHOR)
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_have_text("Python")  # the typo's match, highlighted
    expect(page).to_have_url(re.compile(r"/\?q=pyton\+analysys$"))
    expect(page.locator("#results-summary")).to_have_text(re.compile(r"^\d+ results? in \d+(\.\d)? ms$"))

    free = int(page.locator("label[for=facet-price-free] .count").inner_text())  # the facet's count...
    page.get_by_label(re.compile(r"^Free \d+$")).check()
    expect(page).to_have_url(re.compile(r"price=free"))
    shown = min(free, PER_PAGE)
    expect(page.locator("#results .hit .price")).to_have_text(["Free"] * shown)  # ...is what the filter shows
    expect(hit).to_be_visible()
    screenshot(page, "search")

    hit.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(page.locator(".curriculum .lesson").first).to_be_visible()
    screenshot(page, "course")
    page.get_by_role("link", name="Log in to enroll for free").click()
    page.get_by_role("link", name="Create an account").click()
    register(page, "student", "Rosa Learner")
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)  # back where the student was

    page.get_by_role("button", name="Enroll for free").click()
    expect(page.locator(".course-action .progress-line")).to_contain_text("Your progress: 0%")
    page.get_by_role("link", name="Start learning").click()
    expect(page.locator(".lesson-body")).not_to_be_empty()
    page.get_by_role("button", name="Mark as complete").click()
    done = page.locator(".lesson-progress")
    expect(done).to_contain_text(re.compile(r"Lesson complete: \d+% of the course done"))
    percent = re.search(r"(\d+)%", done.inner_text()).group(1)
    assert int(percent) > 0
    expect(page.get_by_role("link", name=re.compile(r"^Next: "))).to_be_visible()
    screenshot(page, "lesson")

    page.get_by_role("link", name="My courses").click()
    mine = page.locator(".my-course").filter(has_text=COURSE)
    expect(mine.locator(".progress-line")).to_contain_text(f"{percent}% · 1 of ")
    screenshot(page, "my-courses")


def test_the_search_state_lives_in_the_url(page: Page):
    page.goto("/?q=guitar&level=beginner&sort=rating")
    expect(search_box(page)).to_have_value("guitar")
    expect(page.locator("#sort")).to_have_value("rating")
    expect(page.locator("#facet-level-beginner")).to_be_checked()
    expect(page.locator("#results .hit .level").first).to_have_text("beginner")

    page.locator("#sort").select_option("newest")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=rating"))
    expect(page.locator("#sort")).to_have_value("rating")
    page.get_by_role("button", name="Clear all").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(search_box(page)).to_have_value("")
    expect(page.locator("#facet-level-beginner")).not_to_be_checked()


def test_search_works_from_the_keyboard_alone(page: Page):
    page.goto("/")
    expect(search_box(page)).to_be_focused()  # typing can start at once
    page.keyboard.type("design", delay=40)
    expect(page.locator("main")).to_have_attribute("data-rendered-query", "design")
    page.keyboard.press("Tab")  # from the box to the first refinement
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("facet-category-"), focused
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(rf"category={focused.removeprefix('facet-category-')}"))
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")  # redrawn with new counts...
    expect(page.locator(f"#{focused}")).to_be_focused()  # ...and the keyboard is still on the same box
    expect(page.locator(f"#{focused}")).to_be_checked()
    page.keyboard.press("Escape")  # nothing happens outside the box...
    search_box(page).focus()
    page.keyboard.press("Escape")  # ...in it, Escape clears the text
    expect(search_box(page)).to_have_value("")
    expect(page).not_to_have_url(re.compile(r"q=design"))


def test_on_a_phone_sized_screen_nothing_runs_off_the_side(browser: Browser, stack):
    phone = browser.new_context(base_url=stack.web, viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="en-US")  # fmt: skip
    try:
        page = phone.new_page()
        for path in ("/?q=python", "/catalog"):
            page.goto(path)
            expect(page.locator(".hit").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        page.goto("/?q=python")
        expect(page.locator(".hit").first).to_be_visible()
        screenshot(page, "search-phone")
    finally:
        phone.close()


def test_an_older_answer_never_replaces_a_newer_one(page: Page):
    held: list[Route] = []

    def hold_music(route: Route) -> None:
        if "q=music" in route.request.url:
            held.append(route)  # answered only after the newer search has been drawn
        else:
            route.continue_()

    page.route("**/api/read/search?**", hold_music)
    page.goto("/")
    expect(page.locator("#results .hit").first).to_be_visible()
    search_box(page).fill("music")
    page.wait_for_function("() => document.querySelector('#results').getAttribute('aria-busy') === 'true'")
    search_box(page).fill("guitar")
    expect(page.locator("main")).to_have_attribute("data-rendered-query", "guitar")
    assert held, "the search for 'music' was never sent"
    for route in held:
        with contextlib.suppress(Exception):  # the page had already aborted it: that too keeps the old answer out
            route.continue_()
    page.wait_for_timeout(500)  # room for the stale answer to (wrongly) be drawn
    expect(page.locator("main")).to_have_attribute("data-rendered-query", "guitar")
    expect(page.locator("#results .hit").first).to_contain_text(re.compile("guitar", re.IGNORECASE))


def test_browsing_the_catalog_by_category(page: Page):
    page.goto("/catalog")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name=re.compile(r"^Music \d+$")).click()
    expect(page).to_have_url(re.compile(r"/catalog\?category=music$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Music")
    expect(page.locator("#catalog-results .hit").first).to_be_visible()
    categories = page.locator("#catalog-results .hit .hit-meta span:nth-child(2)")
    expect(categories).to_have_text(["Music"] * categories.count())
    page.locator("#catalog-sort").select_option("newest")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    screenshot(page, "catalog")
