"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live server.

Playwright keeps an event loop running in this process while the browser is open, which makes Django refuse ORM
calls from it; the check is switched off (DJANGO_ALLOW_ASYNC_UNSAFE) for exactly that time, so that it never reaches
the other tests or the processes they start. Each page a test visits is saved as a PNG in
`SCREENSHOT_DIR` (default tests/browser/screenshots/).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Module scope: Playwright's event loop stops when the browser tests are done, and the tests after them run as usual.
@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM}")
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The test databases' serialized contents (the roles, written by a data migration), which transactional tests
    # with serialized_rollback load again after a flush, hang on the connection objects. Once Playwright's event
    # loop runs, Django hands this thread new connection objects, without them: carry them over.
    with django_db_blocker.unblock():
        serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class Screenshots:
    """Saves a numbered PNG of the page, named after the test and the step."""

    def __init__(self, test_name: str):
        self.prefix = re.sub(r"[^A-Za-z0-9_]+", "_", test_name)
        self.count = 0
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        path = SCREENSHOT_DIR / f"{self.prefix}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shoot(request):
    return Screenshots(request.node.name)


def log_in(page, live_server, username: str, password: str | None = None) -> None:
    """Log in on the login page as `username` (with the named users' password unless `password` is given) and wait
    until the header names them."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or f"{username}-password")
    page.click("button[type=submit]:has-text('Log in')")
    expect(page.locator("header .muted", has_text=username)).to_be_visible()
