"""The curriculum in a real browser: the review journey, the public pages, a phone, a keyboard.

The public pages are opened with the checked `page` fixture (axe, CSP, script errors, assets).
The Wagtail admin steps run in their own browser contexts, one per person (so each has their own
sign-in, as on two computers): see `admin_browser` for what is checked there and why.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from wagtail.models import PageLogEntry

from curriculum.content_files import demo_content
from curriculum.models import ModulePage
from tests.e2e.conftest import ASSET_TYPES, CSP_SIGNS, TIMEOUT_MS, VIEWPORT
from tests.e2e.test_sign_in import sign_in

CURRICULUM_URL = "/curriculum/"
ROL_URL = "/curriculum/rol/"
CONTENT = demo_content().latest
MODULES = {module.code: module for module in CONTENT.modules}
NEW_SUMMARY = (
    "What a link worker does, what they never do, and how to explain the role to the people "
    "they support."
)
PHONE = {"width": 375, "height": 667}


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def module_heading(page: Page):
    return page.get_by_role("heading", level=1)


# --- Fixtures -----------------------------------------------------------------------------


class AdminBrowser:
    """Fresh browser contexts for the Wagtail admin, watching for breakage like `page` does."""

    def __init__(self, browser, base_url):
        self._browser = browser
        self._base_url = base_url
        self._contexts = []
        self._problems: list[str] = []

    def new_page(self) -> Page:
        context = self._browser.new_context(viewport=VIEWPORT, base_url=self._base_url)
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.set_default_navigation_timeout(TIMEOUT_MS)

        def on_console(message):
            text = message.text
            if message.type == "error" and any(sign in text for sign in CSP_SIGNS):
                self._problems.append(f"CSP: {text} (at {page.url})")

        def on_page_error(error):
            self._problems.append(f"Uncaught: {error.name}: {error.message} (at {page.url})")

        def on_response(response):
            if response.status >= 400 and response.request.resource_type in ASSET_TYPES:
                self._problems.append(f"Asset failed: {response.status} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("response", on_response)
        return page

    def assert_no_problems(self) -> None:
        for context in self._contexts:
            for page in context.pages:
                page.evaluate("0")  # a round trip, so that events already sent are delivered
        assert self._problems == [], "The browser reported problems in the admin"

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def admin_browser(browser, live_server):
    """Browser contexts for the Wagtail admin; call `assert_no_problems()` at the end.

    Axe is not run on Wagtail's own pages (not ours to fix); CSP refusals, uncaught script
    errors and failed assets are checked there too.
    """
    admin = AdminBrowser(browser, live_server.url)
    yield admin
    admin.close()


# --- The review journey -------------------------------------------------------------------


def test_trainer_change_goes_live_only_after_a_reviewer_approves_it(
    page, admin_browser, visit, follow, demo_data
):
    rol = ModulePage.objects.get(code="ROL")
    old_summary = rol.summary
    edit_url = f"/admin/pages/{rol.pk}/edit/"

    # The trainer signs in through our sign-in page (axe-checked) and lands in the admin.
    trainer = admin_browser.new_page()
    sign_in(trainer, visit, follow, "trainer@example.org", accessible=False)
    assert path_of(trainer) == "/admin/"

    # … edits the module's summary and submits it for review. Trainers cannot publish, so
    # Wagtail's footer offers "Save draft" first and the workflow under "More actions".
    visit(trainer, edit_url, accessible=False)
    summary = trainer.get_by_role("textbox", name="Summary")
    expect(summary).to_have_value(old_summary)
    summary.fill(NEW_SUMMARY)
    expect(trainer.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    trainer.get_by_role("button", name="More actions").click()
    follow(
        trainer,
        trainer.get_by_role("button", name="Submit to Curriculum review", exact=True),
        accessible=False,
    )
    expect(trainer.locator(".messages li.success")).to_contain_text(
        f"Page '{rol.title}' has been submitted for moderation."
    )
    # The trainer's dashboard now counts it as in review.
    visit(trainer, "/admin/", accessible=False)
    expect(trainer.get_by_role("region", name="Curriculum work")).to_contain_text(
        "1 of your changes is in review."
    )

    # Nothing changes for the public yet.
    visit(page, ROL_URL)
    expect(module_heading(page)).to_have_text(rol.title)
    expect(page.get_by_text(old_summary)).to_be_visible()
    expect(page.get_by_text(NEW_SUMMARY)).to_have_count(0)
    # The demo published the module's edition 1 and edition 2.
    expect(page.get_by_text("Module version 2,")).to_be_visible()

    # The reviewer signs in on their own computer, opens the page and approves the change.
    reviewer = admin_browser.new_page()
    sign_in(reviewer, visit, follow, "reviewer@example.org", accessible=False)
    assert path_of(reviewer) == "/admin/"
    expect(reviewer.get_by_role("region", name="Curriculum work")).to_contain_text(
        "1 change awaits your approval"
    )
    visit(reviewer, edit_url, accessible=False)
    expect(reviewer.get_by_role("textbox", name="Summary")).to_have_value(NEW_SUMMARY)
    reviewer.get_by_role("button", name="More actions").click()
    follow(
        reviewer,
        reviewer.get_by_role("button", name="Approve and Publish", exact=True),
        accessible=False,
    )
    # (Approving from the editor saves the form too, so Wagtail words it as an update.)
    expect(reviewer.locator(".messages li.success")).to_contain_text(
        f"Page '{rol.title}' has been updated."
    )

    # Now the public page shows the new summary, as the module's third version …
    visit(page, ROL_URL)
    expect(module_heading(page)).to_have_text(rol.title)
    expect(page.get_by_text(NEW_SUMMARY)).to_be_visible()
    expect(page.get_by_text(old_summary)).to_have_count(0)
    expect(page.get_by_text("Module version 3,")).to_be_visible()

    # … and its history lists every version, newest first, with what changed.
    follow(page, page.get_by_role("link", name="What changed"))
    assert path_of(page) == "/curriculum/rol/history/"
    rows = page.get_by_role("region", name="Published versions").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).get_by_role("rowheader")).to_have_text("3")
    expect(rows.nth(0)).to_contain_text("Summary")
    expect(rows.nth(1).get_by_role("rowheader")).to_have_text("2")
    expect(rows.nth(1)).to_contain_text("Edition 2")
    expect(rows.nth(2).get_by_role("rowheader")).to_have_text("1")
    expect(rows.nth(2)).to_contain_text("First published")

    assert PageLogEntry.objects.filter(page=rol, action="wagtail.publish").count() == 3
    admin_browser.assert_no_problems()


def test_trainer_finds_the_framework_from_the_admin_menu(
    page, admin_browser, visit, follow, demo_data
):
    trainer = admin_browser.new_page()
    sign_in(trainer, visit, follow, "trainer@example.org", accessible=False)
    expect(trainer.get_by_role("region", name="Curriculum work")).to_contain_text(
        "Curriculum tools"
    )

    follow(
        trainer,
        trainer.get_by_role("navigation").get_by_role("link", name="Competency frameworks"),
        accessible=False,
    )
    assert path_of(trainer) == "/admin/snippets/curriculum/competencyframework/"
    framework_row = trainer.get_by_role("row").filter(has_text="SPLW-CORE")
    follow(trainer, framework_row.get_by_role("link").first, accessible=False)
    assert re.fullmatch(
        r"/admin/snippets/curriculum/competencyframework/edit/\d+/", path_of(trainer)
    )
    admin_browser.assert_no_problems()


def test_wagtail_page_editor_scripts_run_under_the_csp(page, visit, follow, demo_data):
    rol = ModulePage.objects.get(code="ROL")
    sign_in(page, visit, follow, "trainer@example.org", accessible=False)
    visit(page, f"/admin/pages/{rol.pk}/edit/", accessible=False)
    total_forms = page.locator("#id_module_competencies-TOTAL_FORMS")
    before = int(total_forms.input_value())

    page.get_by_role("button", name="Add Competency").click()

    expect(total_forms).to_have_value(str(before + 1), timeout=2_000)


# --- Public pages -------------------------------------------------------------------------


def test_curriculum_index_lists_the_modules_and_passes_axe(page, visit, follow, demo_data):
    visit(page, CURRICULUM_URL)

    expect(page.get_by_role("heading", level=1)).to_have_text(CONTENT.framework.curriculum.title)
    cards = page.locator(".app-module-list > li")
    expect(cards).to_have_count(len(CONTENT.modules))
    expect(cards.first.get_by_role("link")).to_have_text(f"1. {MODULES['ROL'].title}")

    follow(page, page.get_by_role("link", name="Printable version of the whole curriculum"))
    assert path_of(page) == "/curriculum/print/"
    expect(page.locator(".app-print-module")).to_have_count(len(CONTENT.modules))


@pytest.mark.parametrize("code", ["ROL", "EQU", "OUT"])
def test_module_page_passes_axe(page, visit, demo_data, code):
    module = MODULES[code]

    visit(page, f"/curriculum/{code.lower()}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
    expect(page.get_by_text(f"Module {code}", exact=True)).to_be_visible()
    expect(page.get_by_text("Module version 2,")).to_be_visible()  # editions 1 and 2
    competencies = page.get_by_role("region", name="Competencies this module develops")
    expect(competencies.locator("tbody tr")).to_have_count(len(module.competencies))


def test_competency_page_passes_axe(page, visit, demo_data):
    competency = next(item for item in CONTENT.framework.competencies if item.code == "SPLW-PCP-01")

    visit(page, "/curriculum/competencies/SPLW-PCP-01/")

    expect(page.get_by_role("heading", level=1)).to_have_text(competency.title)
    expect(page.get_by_text("Competency SPLW-PCP-01", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Taught in")).to_be_visible()
    expect(page.get_by_role("link", name=MODULES["PCP"].title)).to_be_visible()


def test_unknown_competency_is_a_styled_404(page, visit, demo_data):
    visit(page, "/curriculum/competencies/NOPE/", status=404)

    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title(re.compile(r"^Page not found"))


def test_search_finds_the_role_module_and_passes_axe(page, visit, follow, demo_data):
    visit(page, "/search/?q=interpreter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search the curriculum")
    expect(page.get_by_role("searchbox", name="Search for")).to_have_value("interpreter")
    result = page.get_by_role("link", name=MODULES["ROL"].title, exact=True)
    expect(result).to_be_visible()

    follow(page, result)
    assert path_of(page) == ROL_URL


# --- Phone and keyboard -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(ROL_URL, id="module"),
        pytest.param(CURRICULUM_URL, id="index"),
        pytest.param("/curriculum/rol/history/", id="history"),
        pytest.param("/curriculum/competencies/SPLW-ROL-01/", id="competency"),
    ],
)
def test_curriculum_fits_a_phone_screen(page, visit, demo_data, url):
    # The checked `page` fixture, narrowed: a phone-sized layout viewport. (Mobile emulation
    # would let Chromium widen the layout viewport to fit overflowing content and hide the
    # horizontal scroll this test looks for.)
    page.set_viewport_size(PHONE)

    visit(page, url)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{url} scrolls sideways on a {PHONE['width']}px-wide screen"
    )
    # Wide tables scroll inside their own keyboard-reachable, labelled region instead.
    tables = page.locator("main table")
    for index in range(tables.count()):
        scroller = tables.nth(index).locator("xpath=..")
        expect(scroller).to_have_class(re.compile(r"\bapp-table-scroll\b"))
        expect(scroller).to_have_attribute("role", "region")
        expect(scroller).to_have_attribute("tabindex", "0")
        expect(scroller).to_have_attribute("aria-label", re.compile(r"\S"))


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    page, visit, demo_data
):
    visit(page, CURRICULUM_URL)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # visually hidden until focused

    page.keyboard.press("Enter")
    expect(page.locator("#maincontent")).to_be_focused()
