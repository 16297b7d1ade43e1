"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser is ever downloaded (never `playwright install`): the tests launch /usr/bin/chromium,
which `make system` installs. A missing Chromium fails the tests with a message saying so; it is
never a skip, so a green run always means the browser really ran.

Every page a test opens is watched: a request to anything but the live server, or a JavaScript
error, fails the test that caused it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import make_org

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pass-for-tests"  # tests.factories.UserFactory
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def async_unsafe_allowed():
    """Playwright's sync API keeps an asyncio loop running in the test's thread, and Django refuses
    ORM calls from such a thread. The tests set data up and check outcomes through the ORM on
    purpose, so the check is lifted here, for the browser tests only (Django reads the variable at
    each call), and put back afterwards."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(async_unsafe_allowed):
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests drive Debian's Chromium: "
            "run `make system` (apt-get install chromium), or set CHROMIUM_PATH. "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What the pages of one test asked for and what went wrong in them."""

    origin: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_request(self, request) -> None:
        self.requests.append(request.url)
        if not request.url.startswith(self.origin + "/"):
            self.outside.append(request.url)


@pytest.fixture
def watch(live_server) -> Watch:
    return Watch(origin=live_server.url)


@pytest.fixture
def language() -> str:
    """The UI language the pages are read in (the test settings' default is English); a module
    overrides this fixture to read them in Chinese."""
    return "en"


def translated(language: str, msgid: str) -> str:
    """``msgid`` as the pages show it in ``language`` (to find a label or button by its text)."""
    with translation.override(language):
        return gettext(msgid)


@pytest.fixture
def new_page(browser, live_server, watch, language):
    """Opens a page in a fresh browser context (its own cookies: one user each, the chosen
    ``language`` in the language cookie), watched."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="en-US", base_url=live_server.url)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", watch.on_request)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not watch.outside, f"pages loaded something from outside the host: {watch.outside}"
    assert not watch.errors, f"JavaScript errors: {watch.errors}"


@pytest.fixture
def log_in(new_page, language):
    """A page logged in as ``user`` through the login form."""

    def log_in_as(user):
        page = new_page()
        page.goto(reverse("login"))
        page.get_by_label(translated(language, "Username")).fill(user.get_username())
        page.get_by_label(translated(language, "Password")).fill(PASSWORD)
        page.get_by_role("button", name=translated(language, "Log in")).click()
        page.wait_for_url(lambda url: reverse("login") not in url)
        return page

    return log_in_as


@pytest.fixture
def org(transactional_db):
    # The live server runs in another thread: the data must be committed, hence transactional_db.
    return make_org()
