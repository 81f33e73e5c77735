"""Chromium through Playwright for the journeys people make. Debian's chromium is used (no browser
download); without it the tests are skipped with a notice, except under CI, where they fail."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}: browser tests are mandatory in CI (apt-get install chromium)"
            )
        pytest.skip("Chromium not found: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls
    # from such a thread unless told otherwise. Only while the browser is open (module scope).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield launched
            launched.close()


@pytest.fixture
def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


class PageProblems:
    """Console errors and uncaught exceptions (a CSP violation shows up as a console error)."""

    def __init__(self, page: Any) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.messages.append(str(exc)))

    def _console(self, msg: Any) -> None:
        # Browsers ask for /favicon.ico on their own; the site has none.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            self.messages.append(f"{msg.text} ({msg.location.get('url', '')})")


def sign_in(
    browser: Any, base_url: str, username: str, password: str, **context_options: Any
) -> tuple[Any, PageProblems]:
    """A fresh browser context signed in through the real login form."""
    context = browser.new_context(base_url=base_url, locale="zh-CN", **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = PageProblems(page)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url.rstrip("/") == base_url.rstrip("/"), (
        f"sign-in of {username} did not land on home: {page.url}"
    )
    return page, problems
