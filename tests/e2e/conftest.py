"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every page of ours that a test visits is checked with axe-core (serious and critical
violations fail the test); a Content-Security-Policy refusal or an uncaught script error in the
browser, or a stylesheet, script or font that fails to load, fails the test too. Use the fixtures:

- ``visit(page, "/path/")`` opens a page, waits for it to load and runs axe on it;
- ``follow(page, locator)`` clicks something that navigates, waits, and runs axe on the result;
- ``assert_accessible(page)`` runs axe on whatever the page shows now (an error state, say).

Pass ``accessible=False`` for the Wagtail admin, which is not ours to fix.
"""

import contextlib
import io
import os
from collections.abc import Callable
from pathlib import Path

# sync_playwright() runs an event loop in this thread; Django refuses database access from a
# thread with a running loop unless told otherwise. Must be set before any database use.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Locator, Page, Response, sync_playwright
from wagtail.signal_handlers import disable_reference_index_auto_update

from tests import snapshots

E2E_DIR = Path(__file__).resolve().parent
PROJECT_DIR = E2E_DIR.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
FAILING_IMPACTS = {"serious", "critical"}
CSP_SIGNS = ("Content Security Policy", "Refused to")
ASSET_TYPES = {"stylesheet", "script", "font"}
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000

_browser_problems = pytest.StashKey[Callable[[], list[str]]]()


# --- Collection ---------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)  # before pytest-django orders the tests by their markers
def pytest_collection_modifyitems(items):
    """Mark every test under tests/e2e as `e2e`, and give it a live-server-safe database.

    The live server sees only committed data, so the tests must be transactional; Wagtail's
    root page comes from a migration, so each test must restore it afterwards
    (serialized_rollback). A module may declare the marker itself; this adds it where missing.
    """
    for item in items:
        if not item.path.is_relative_to(E2E_DIR):
            continue
        item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


# --- Browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                f"{CHROMIUM} is missing on CI: the browser tests cannot run. Install the Debian "
                "package `chromium` in the CI image (`make system-deps`).",
                pytrace=False,
            )
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium (Playwright's own "
            "browser download does not work here). Install it with `make system-deps` "
            "(or `apt-get install chromium` as root).",
            pytrace=False,
        )
    # Django keeps a thread's database connections in thread-local storage, but switches to
    # context-variable storage while an asyncio loop runs in the thread, and Playwright's sync
    # API keeps one running here from start() on. The tests would then get fresh connection
    # objects that lack the test database's serialized contents, so `serialized_rollback`
    # would silently restore nothing (Wagtail's root page and the author groups would be lost
    # whenever other database tests ran before these). Keep the connections already in use.
    in_use = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in in_use.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context per test, pointed at the live server, watching for breakage.

    The test fails (after its body) on a CSP refusal in the console, an uncaught script error
    or a stylesheet/script/font that did not load.
    """
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)

    console_errors: list[str] = []
    page_errors: list[str] = []
    failed_assets: list[str] = []

    def on_console(message):
        if message.type == "error":
            console_errors.append(f"{message.text} (at {page.url})")

    def on_page_error(error):
        page_errors.append(f"{error.name}: {error.message} (at {page.url})")

    def on_response(response):
        # A stylesheet, script or font of ours that fails to load breaks the page as surely as
        # a CSP refusal does (and the console reports it only as a generic load failure).
        if response.status >= 400 and response.request.resource_type in ASSET_TYPES:
            failed_assets.append(f"{response.status} {response.url} (for {page.url})")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)

    def problems() -> list[str]:
        with contextlib.suppress(Exception):  # a closed page has nothing more to report
            page.evaluate("0")  # a round trip, so that events already sent are delivered
        csp = [text for text in console_errors if any(sign in text for sign in CSP_SIGNS)]
        return (
            [f"CSP: {text}" for text in csp]
            + [f"Uncaught: {text}" for text in page_errors]
            + [f"Asset failed: {text}" for text in failed_assets]
        )

    request.node.stash[_browser_problems] = problems
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test's body has passed, fail it if the browser reported breakage."""
    result = yield
    problems = item.stash.get(_browser_problems, None)
    if problems is not None:
        found = problems()
        if found:
            pytest.fail("The browser reported problems:\n  " + "\n  ".join(found), pytrace=False)
    return result


# --- Accessibility ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS.relative_to(PROJECT_DIR)} is missing: run `npm ci` in {PROJECT_DIR}.",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


_RUN_AXE = """
async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    count: v.nodes.length,
  }));
}
"""


@pytest.fixture
def assert_accessible(axe_source):
    """Run axe on the page as it is now; fail on any serious or critical violation."""

    def check(page: Page) -> None:
        # Evaluated over the DevTools protocol, which the page's CSP does not govern.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        violations = page.evaluate(_RUN_AXE, AXE_OPTIONS)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        if failing:
            lines = [
                f"{v['id']} ({v['impact']}, {v['count']} element(s)): {v['help']}\n"
                + "\n".join(f"      {target}" for target in v["targets"])
                for v in failing
            ]
            pytest.fail(
                f"axe found {len(failing)} serious/critical violation(s) on {page.url}:\n  "
                + "\n  ".join(lines),
                pytrace=False,
            )

    return check


@pytest.fixture
def visit(assert_accessible):
    """Open `url` (relative to the live server), wait for it to load, and run axe on it."""

    def go(page: Page, url: str, *, status: int = 200, accessible: bool = True) -> Response:
        response = page.goto(url, wait_until="load")
        assert response is not None, f"No response for {url}"
        assert response.status == status, f"{url} answered {response.status}, not {status}"
        if accessible:
            assert_accessible(page)
        return response

    return go


@pytest.fixture
def follow(assert_accessible):
    """Click something that navigates (a link, a form's button), wait, and run axe on the result."""

    def click(page: Page, target: Locator, *, accessible: bool = True) -> Response | None:
        with page.expect_navigation(wait_until="load") as navigation:
            target.click()
        if accessible:
            assert_accessible(page)
        return navigation.value

    return click


# --- Data ---------------------------------------------------------------------------------


def _load_demo() -> None:
    with disable_reference_index_auto_update():
        call_command("load_demo_data", stdout=io.StringIO())


@pytest.fixture
def demo_data():
    """The demo organisations and sign-ins (password `demo-password`), fresh for each test.

    Loading the demo (people, records, rendered certificates) takes seconds: it is loaded once
    per test process and its rows and stored files put back for each test (tests/snapshots.py).
    Built without Wagtail's reference index (the admin's "usage" counts, which no test reads).
    """
    snapshots.put_back("demo data", _load_demo)
