"""What people do on every path through the site, in the browser: log in, register, wait for a page."""

import time
import uuid

from playwright.sync_api import Page, expect

PASSWORD = "a long enough browser password"


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def register(page: Page, role: str, name: str) -> str:
    """Fills in the sign-up form (already open) as a new ``role``; returns the email."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("Teach (an admin verifies teachers first)" if role == "teacher" else "Learn").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return email


def reload_until(page: Page, locator, *, seconds: float = 15.0) -> None:
    """Reloads until ``locator`` shows: for what arrives through the projections' own lag (the search index,
    notifications) and has no version to wait on, as a person would press reload."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            expect(locator).to_be_visible(timeout=1000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()
