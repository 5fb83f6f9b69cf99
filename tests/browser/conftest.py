"""Browser-test harness: Playwright's sync API drives Debian's chromium against pytest-django's live server.

No browser is ever downloaded. The chromium executable is taken from $HRDD_CHROMIUM, else from PATH
(`chromium`), else /usr/bin/chromium; without one, or without the `playwright` package, the browser
tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

# Playwright's sync API keeps an asyncio event loop "running" in the main thread while it is started;
# Django would then refuse ORM calls made from test code (SynchronousOnlyOperation). The tests drive
# the ORM synchronously and never concurrently with the loop, so the check is switched off here,
# before any test code touches the ORM. (Set at import: it applies to the whole pytest process.)
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
NO_CHROMIUM = "no chromium found: install Debian's chromium (apt-get install chromium) or set HRDD_CHROMIUM"
NO_PLAYWRIGHT = (
    "the playwright Python package is missing: pip install -e '.[dev]' (never run 'playwright install')"
)

_reports = pytest.StashKey[dict]()


def chromium_executable() -> str | None:
    """Return the chromium to drive: $HRDD_CHROMIUM, `chromium` on PATH, or /usr/bin/chromium."""
    override = os.environ.get("HRDD_CHROMIUM")
    if override:
        found = shutil.which(override)
        return found if found else None
    found = shutil.which("chromium")
    if found:
        return found
    fallback = Path("/usr/bin/chromium")
    if fallback.is_file() and os.access(fallback, os.X_OK):
        return str(fallback)
    return None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so the page fixture can tell a failed test."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def browser():
    """One headless chromium for all the browser tests.

    Package scope, not session scope: while Playwright runs, its event loop counts as running in the
    main thread, so asyncio.run() and asgiref's async_to_sync would fail in any test collected after
    tests/browser (e.g. tests/domain). Stopping it after the last browser test keeps them unaffected.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(NO_PLAYWRIGHT)
    executable = chromium_executable()
    if executable is None:
        override = os.environ.get("HRDD_CHROMIUM")
        pytest.skip(f"HRDD_CHROMIUM={override!r} is not an executable" if override else NO_CHROMIUM)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(autouse=True, scope="session")
def _screenshots_for_people() -> Iterator[None]:
    """HRDD_NO_SHOTS=1 skips the screenshots the tests take for people to look at (400 full pages in a run, a
    seventh of the browser tests' time); the tests' own checks are unchanged, and a failing test's pages are
    still saved under test-results/."""
    try:
        from playwright.sync_api import Locator, Page
    except ImportError:  # the browser fixture skips the tests, saying why
        Locator = Page = None  # noqa: N806
    if not os.environ.get("HRDD_NO_SHOTS") or Page is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        for kind in (Page, Locator):
            patch.setattr(kind, "_screenshot_for_people", kind.screenshot, raising=False)
            patch.setattr(kind, "screenshot", lambda *args, **kwargs: b"")
        yield


def _save_screenshot(page, path: str) -> None:
    getattr(page, "_screenshot_for_people", page.screenshot)(path=path, full_page=True)


@pytest.fixture(autouse=True)
def _flushable_audit_log(transactional_db) -> Iterator[None]:
    """Let the live-server tests' database flush pass the append-only audit log on SQLite.

    The live server needs `transactional_db`, which empties every table after each test with
    DELETE on SQLite (TRUNCATE on PostgreSQL, which row triggers ignore). The audit log's
    BEFORE DELETE trigger (hrdd/audit/migrations/0002) aborts that DELETE. So, on SQLite only,
    this empties the audit table just before the flush with its triggers briefly dropped, then
    recreates them exactly as stored, so the next test still runs against an append-only log.
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            cursor.execute("DELETE FROM audit_auditevent")
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)


@pytest.fixture
def new_page(browser, live_server, transactional_db, request) -> Iterator[Callable[[], object]]:
    """Return a factory of pages, each in a fresh context (own cookies) aimed at the live server.

    On a failing test every page opened is saved as a screenshot under test-results/.
    """
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    reports = request.node.stash.get(_reports, {})
    failed = any(r.failed for r in reports.values())
    if failed:
        out = request.config.rootpath / "test-results"
        out.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                # A screenshot is a courtesy: never let it mask the failure itself.
                with contextlib.suppress(Exception):
                    _save_screenshot(page, str(out / f"{name}-{i}-{j}.png"))
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context (no cookies), default timeout 10 s, base URL the live server."""
    return new_page()


@pytest.fixture
def login(live_server):
    """Log a user in through the /login/ form of a page; return the page."""
    from tests.factories import PASSWORD

    def do_login(page, user, password=PASSWORD, then="/consultations/"):
        """Log in through the login form and land on `then`, as a link to a page asked of a visitor logged out
        would (`?next=`: one page fewer than the landing page and then `then`); with `then=None`, on the landing
        page (the overview, a contract manager's contracts)."""
        page.goto("/login/" + (f"?{urlencode({'next': then})}" if then else ""))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        if then:
            page.wait_for_url(lambda url: "/login/" not in url)
        else:
            page.wait_for_url(re.compile(r"/(overview|contracts)/$"))
        return page

    return do_login


@pytest.fixture
def supplier_base_url(settings, live_server):
    """Make the supplier links the app prints point at the live server."""
    settings.HRDD_BASE_URL = live_server.url
    return live_server.url
