"""Teachers, admins and operators in a real browser: a new teacher waits for verification and an admin
verifies them; a teacher authors a course -- modules, lessons with a markdown preview, reordering,
publishing -- seeing every change at once, and finds it through search; an operator rebuilds and verifies
the projections from the console."""

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from seed.demo_logins import ADMIN, TEACHER
from tests.e2e.conftest import DESKTOP, screenshot
from tests.e2e.steps import log_in, register, reload_until


def test_an_admin_verifies_a_new_teacher_who_may_then_author(browser: Browser, stack, page: Page):
    teacher = browser.new_context(base_url=stack.web, viewport=DESKTOP, locale="en-US")
    try:
        own = teacher.new_page()
        own.goto("/register?next=/teach")
        name = f"Tereza Teacher {uuid.uuid4().hex[:6]}"
        email = register(own, "teacher", name)
        expect(own.locator("#unverified")).to_contain_text("waiting for verification")
        expect(own.get_by_role("link", name="New course")).to_have_count(0)
        screenshot(own, "teacher-unverified")

        log_in(page, ADMIN.email, ADMIN.password)
        page.get_by_role("link", name="Teachers").click()
        row = page.locator("#teachers tr").filter(has_text=email)
        row.get_by_role("button", name=f"Verify {name}").click()
        expect(row.locator(".badge")).to_have_text("verified")
        expect(page.locator("#admin-status")).to_contain_text(f"{name} is verified")
        screenshot(page, "admin-teachers")
        page.reload()  # no longer waiting
        expect(page.locator("#teachers tr").filter(has_text=email)).to_have_count(0)

        own.reload()
        expect(own.get_by_role("link", name="New course")).to_be_visible()
        expect(own.locator("#unverified")).to_have_count(0)
        own.get_by_role("link", name="Notifications").click()
        reload_until(own, own.locator(".notification").filter(has_text=re.compile("verified", re.IGNORECASE)))
    finally:
        teacher.close()


def test_a_teacher_authors_and_publishes_a_course_and_finds_it_through_search(page: Page):
    word = f"zymurgy{uuid.uuid4().hex[:6]}"  # a word no other course has
    title = f"Fermentation {word} for curious cooks"
    log_in(page, TEACHER.email, TEACHER.password)
    page.get_by_role("link", name="Teach").click()
    expect(page.locator("#my-courses")).to_be_visible()
    screenshot(page, "teacher-dashboard")

    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Make **kombucha**, kimchi and sourdough at home.")
    page.get_by_label("Category").select_option("science")
    page.get_by_label("Level").select_option("beginner")
    page.get_by_label("Price (0 = free)").fill("0")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator("#course-status")).to_have_text("draft")
    expect(page).to_have_url(re.compile(r"/teach/courses/[0-9a-f-]{36}$"))
    expect(page.locator("#public-view")).to_contain_text("a draft is visible to you only")

    page.get_by_label("New module").fill("Getting started")
    page.get_by_role("button", name="Add module").click()
    expect(page.locator(".module-head h3")).to_have_text("Module 1: Getting started")
    for lesson in ("Your first ferment", "Salt and time"):
        page.get_by_role("button", name="Add a lesson").click()
        page.get_by_label("Lesson title").fill(lesson)
        page.get_by_label("Content").fill(f"# {lesson}\n\n**Salt** draws water out. <script>alert(1)</script>")
        page.locator(".lesson-form").get_by_role("button", name="Show preview").click()
        preview = page.locator(".lesson-form .markdown-preview")
        expect(preview.locator("strong")).to_have_text("Salt")  # rendered and sanitised by the command API
        expect(preview.locator("script")).to_have_count(0)
        page.get_by_label("Minutes").fill("12")
        page.get_by_role("button", name="Add lesson").click()
        expect(page.locator(".lesson-row").filter(has_text=lesson)).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#course-status")).to_have_text("published")
    assert_public_view_is_current(page)
    expect(page.locator("#public-card-title")).to_have_text(title)

    # Every change shows at once on the public side (read at the version the change produced).
    page.get_by_role("button", name="Move lesson Salt and time up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#editor-status")).to_contain_text("Lesson moved")
    # The keyboard stays where it was: on the moved lesson (its "up" is now disabled), else the status line.
    assert page.evaluate("document.activeElement.id") == "editor-status"
    assert_public_view_is_current(page)
    expect(page.locator("#public-curriculum .lessons li")).to_have_text(["Salt and time", "Your first ferment"])
    page.get_by_role("button", name="Rename").click()
    page.get_by_label("Module title").fill("Foundations")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#editor-status")).to_contain_text("Module renamed")
    assert_public_view_is_current(page)
    expect(page.locator("#public-curriculum > li").first).to_contain_text("Foundations")
    page.get_by_label("New module").fill("Going further")
    page.get_by_role("button", name="Add module").click()
    expect(page.locator(".module-head h3")).to_have_text(["Module 1: Foundations", "Module 2: Going further"])
    page.locator(".lesson-row").filter(has_text="Your first ferment").get_by_role("button", name="Edit").click()
    page.get_by_label("Module", exact=True).select_option(label="Going further")
    page.get_by_role("button", name="Save lesson").click()
    expect(page.locator("#editor-status")).to_contain_text("Lesson “Your first ferment” saved")
    assert_public_view_is_current(page)
    expect(page.locator("#public-curriculum > li").nth(1)).to_contain_text("Your first ferment")
    screenshot(page, "course-editor")

    page.goto(f"/?q={word}")
    hit = page.locator("#results .hit").filter(has_text=title)
    reload_until(page, hit)  # the search index follows within its commit interval
    hit.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".curriculum h3")).to_have_text(["Foundations", "Going further"])


def assert_public_view_is_current(page: Page) -> None:
    version = page.locator("#course-version").inner_text().removeprefix("version ")
    expect(page.locator("#public-version")).to_have_text(f"Live at version {version}.")


def test_an_operator_rebuilds_and_verifies_the_projections(page: Page, browser: Browser, stack):
    log_in(page, ADMIN.email, ADMIN.password)
    page.get_by_role("link", name="Projections").click()
    cards = page.locator("#projections-table tr[data-projection=cards] td")
    expect(cards.nth(0)).to_have_text(re.compile(r"^\d+$"))
    before = cards.nth(0).inner_text()
    assert int(cards.nth(2).inner_text().replace(",", "")) > 0  # documents

    page.get_by_role("button", name="Start rebuild").click()
    expect(page.locator("#operation-state")).to_have_text("finished", timeout=90_000)
    expect(page.locator("#operation")).to_contain_text("Now active: cards →")
    expect(cards.nth(0)).not_to_have_text(before)  # the live status shows the switch
    screenshot(page, "projections-console")

    page.get_by_role("button", name="Run verify").click()
    expect(page.locator("#verify-clean")).to_have_text("Every projection agrees with the write side.", timeout=90_000)
    latest = page.locator("#operations-table tbody tr").first
    expect(latest).to_contain_text("verify")
    expect(latest).to_contain_text("finished")

    student = browser.new_context(base_url=stack.web, viewport=DESKTOP)
    try:
        other = student.new_page()
        other.goto("/register")
        register(other, "student", "Curious Student")
        other.goto("/ops/projections")
        expect(other.locator("main")).to_contain_text("This console is for admins.")
        refused = other.request.post("/api/ops/projections/rebuild", data={}, headers={"x-requested-with": "edu-web"})
        assert refused.status == 403 and refused.json()["error"]["code"] == "forbidden"
    finally:
        student.close()
