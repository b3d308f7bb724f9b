"""Assessments, evidence and corrections in a real browser, told as the demo's people.

Everything runs on the checked `page` fixture (axe on every page of ours, CSP, script errors,
assets). When the story moves from one person to another, they sign out with the header's
"Sign out" button and the next signs in on the same page, so the checks apply to both.

The demo story (competencies.demo): Siân (linkworker@) is about half way; Amara (assessor@)
assesses her; Kwame is another link worker in the same organisation.
"""

import datetime
import re
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from competencies.models import Assessment, Evidence
from curriculum.content_files import demo_content
from curriculum.models import Competency
from tests.e2e.test_sign_in import sign_in
from workforce.models import User

ASSESSOR = "assessor@example.org"
ASSESSOR_NAME = "Amara Okafor"
LINK_WORKER = "linkworker@example.org"
LINK_WORKER_NAME = "Siân Ŵyn Pritchard"
OTHER_LINK_WORKER = "kwame.mensah@example.org"
MODULES = {module.code: module for module in demo_content().latest.modules}
WAITING_ACCOUNT = "When my background differs from the person I support"
PHONE = {"width": 375, "height": 667}

MODULE_COUNT = re.compile(r"(\d+) of (\d+) competencies at proficiency")
CORE_COUNT = re.compile(r"(\d+) of (\d+) core competencies at proficiency")


# --- Helpers ------------------------------------------------------------------------------


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def account_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Account")


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def switch_person(page: Page, visit, follow, email: str) -> None:
    """Sign out with the header's button, then sign in as `email` on the same page."""
    follow(page, account_nav(page).get_by_role("button", name="Sign out"))
    assert path_of(page) == "/"
    sign_in(page, visit, follow, email)


def competency(code: str) -> Competency:
    return Competency.objects.get(id_number=code)


def history_url(worker: User, code: str) -> str:
    return f"/workers/{worker.pk}/competencies/{competency(code).pk}/"


def sian() -> User:
    return User.objects.get(email=LINK_WORKER)


def today() -> datetime.date:
    return timezone.localdate()  # the app's own "today" (Europe/London)


def counted(locator: Locator, pattern: re.Pattern) -> tuple[int, int]:
    """The "x of y" figures in a progress text."""
    match = pattern.search(locator.inner_text())
    assert match, f"No progress figures in {locator.inner_text()!r}"
    return int(match[1]), int(match[2])


def module_section(page: Page, code: str) -> Locator:
    # Each module is a <section> labelled by its heading, so a region named after the module.
    return page.get_by_role("region", name=MODULES[code].title, exact=True)


def module_figures(page: Page, code: str) -> tuple[int, int]:
    return counted(module_section(page, code).get_by_text(MODULE_COUNT), MODULE_COUNT)


def core_figures(page: Page) -> tuple[int, int]:
    return counted(page.get_by_text(CORE_COUNT), CORE_COUNT)


def history_rows(page: Page) -> Locator:
    return page.get_by_role("region", name="Assessment history").locator("tbody tr")


def current_level(page: Page) -> Locator:
    # The summary list's "Current level" value.
    return page.locator(".nhsuk-summary-list__row", has_text="Current level").locator("dd")


def error_summary(page: Page) -> Locator:
    return page.locator(".nhsuk-error-summary")


def success_message(page: Page) -> Locator:
    return page.get_by_role("status")


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# --- 1. Recording an assessment -------------------------------------------------------------


def test_assessor_records_an_assessment_and_the_link_workers_progress_changes(
    page, visit, follow, demo_data
):
    worker = sian()
    emp_02 = competency("SPLW-EMP-02")

    # Siân notes where she stands in "Empowerment, self-management and ending well".
    sign_in(page, visit, follow, LINK_WORKER)
    assert path_of(page) == "/progress/"
    emp_before, emp_total = module_figures(page, "EMP")
    core_before, core_total = core_figures(page)
    assert emp_before < emp_total, "Siân should not have finished module EMP in the demo"

    # Amara opens Siân from her caseload and chooses SPLW-EMP-02, now level 2.
    switch_person(page, visit, follow, ASSESSOR)
    assert path_of(page) == "/caseload/"
    caseload = page.get_by_role("region", name="Link workers in my caseload")
    follow(page, caseload.get_by_role("link", name=LINK_WORKER_NAME, exact=True))
    assert path_of(page) == f"/caseload/{worker.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(LINK_WORKER_NAME)
    row = module_section(page, "EMP").locator("tbody tr", has_text="SPLW-EMP-02")
    expect(row.locator("td").first).to_contain_text("2 Developing")
    follow(page, row.get_by_role("link", name="Record an assessment of SPLW-EMP-02"))
    assert path_of(page) == f"/caseload/{worker.pk}/competencies/{emp_02.pk}/record/"

    # The form shows the competency's criteria and the methods it accepts beside it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an assessment of SPLW-EMP-02")
    aside = page.get_by_role("complementary", name=f"SPLW-EMP-02 {emp_02.short_name}")
    expect(aside).to_be_visible()
    for criterion in emp_02.criteria_list:
        expect(aside.get_by_text(criterion, exact=True)).to_be_visible()
    expect(aside.get_by_text("CBD Case-based discussion")).to_be_visible()
    expect(aside.get_by_text("RA Record audit")).to_be_visible()
    methods = page.get_by_role("group", name="How it was assessed").get_by_role("radio")
    expect(methods).to_have_count(2)  # only the two it accepts are offered
    date_input = page.get_by_label("Date assessed")
    expect(date_input).to_have_value(today().isoformat())

    # A date in the future is refused clearly, and nothing is saved.
    saved_before = Assessment.objects.count()
    page.get_by_role("radio", name=re.compile(r"^3 Proficient")).check()
    page.get_by_role("radio", name="CBD – Case-based discussion").check()
    date_input.fill((today() + datetime.timedelta(days=1)).isoformat())
    response = follow(page, page.get_by_role("button", name="Record the assessment"))
    assert response is not None
    assert response.status == 200
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("There is a problem")
    expect(error_summary(page)).to_contain_text("cannot be in the future")
    expect(error_summary(page)).to_be_focused()
    expect(page.locator("#id_assessed_on-error")).to_contain_text("cannot be in the future")
    assert Assessment.objects.count() == saved_before
    # What was chosen is kept, so only the date needs fixing.
    expect(page.get_by_role("radio", name=re.compile(r"^3 Proficient"))).to_be_checked()
    expect(page.get_by_role("radio", name="CBD – Case-based discussion")).to_be_checked()

    # With today's date it is recorded.
    page.get_by_label("Date assessed").fill(today().isoformat())
    page.get_by_label("Notes (optional)").fill(
        "Talked me through a planned step-down in three steps."
    )
    follow(page, page.get_by_role("button", name="Record the assessment"))
    assert path_of(page) == history_url(worker, "SPLW-EMP-02")
    expect(success_message(page)).to_contain_text(
        f"SPLW-EMP-02 level 3 was recorded for {LINK_WORKER_NAME}."
    )
    assert Assessment.objects.count() == saved_before + 1
    recorded = Assessment.objects.filter(worker=worker, competency=emp_02).latest("recorded_at")
    assert (recorded.level, recorded.method.code, recorded.assessed_on) == (3, "CBD", today())

    # Siân sees the module and the core figure each move up by one …
    switch_person(page, visit, follow, LINK_WORKER)
    assert path_of(page) == "/progress/"
    assert module_figures(page, "EMP") == (emp_before + 1, emp_total)
    assert core_figures(page) == (core_before + 1, core_total)

    # … and the new assessment, at the top of the competency's history.
    section = module_section(page, "EMP")
    section.get_by_text(f"Competencies in {MODULES['EMP'].title}").click()  # open <details>
    follow(page, section.get_by_role("link", name=re.compile(r"^SPLW-EMP-02 ")))
    assert path_of(page) == history_url(worker, "SPLW-EMP-02")
    expect(current_level(page)).to_contain_text("3 Proficient")
    expect(current_level(page)).to_contain_text("At proficiency")
    newest = history_rows(page).first
    expect(newest).to_contain_text("3 Proficient")
    expect(newest).to_contain_text("Case-based discussion (CBD)")
    expect(newest).to_contain_text(ASSESSOR_NAME)
    expect(newest).to_contain_text("Counts now")
    # The earlier level 2 stays in the history: a new assessment is not a correction.
    earlier = history_rows(page).nth(1)
    expect(earlier).to_contain_text("2 Developing")
    expect(earlier).not_to_contain_text("Superseded")


# --- 2. Evidence: accepted into an assessment, or returned with feedback ---------------------


def test_link_worker_submits_a_reflective_account_and_the_assessor_accepts_it(
    page, visit, follow, demo_data
):
    worker = sian()
    equ_02 = competency("SPLW-EQU-02")
    title = "Finding a cheaper route to the walking group"
    account = (
        "Mrs D could not afford the bus to the walking group. We found a community transport "
        "scheme and a group nearer her home, and she went the following week."
    )

    # Siân submits a reflective account claiming SPLW-EQU-02.
    sign_in(page, visit, follow, LINK_WORKER)
    follow(page, page.get_by_role("button", name="Submit evidence", exact=True))
    assert path_of(page) == "/evidence/submit/"
    page.get_by_role("radio", name="Reflective account").check()
    page.get_by_label("Title").fill(title)
    page.get_by_role("checkbox", name=f"SPLW-EQU-02 {equ_02.short_name}").check()
    page.get_by_label("Your account").fill(account)
    follow(page, page.get_by_role("button", name="Submit evidence", exact=True))
    evidence = Evidence.objects.get(worker=worker, title=title)
    assert path_of(page) == f"/evidence/{evidence.pk}/"
    expect(success_message(page)).to_contain_text(f"Your evidence “{title}” was submitted")

    # It is in "My evidence", waiting.
    follow(page, menu(page).get_by_role("link", name="Evidence", exact=True))
    assert path_of(page) == "/evidence/"
    mine = page.get_by_role("region", name="My evidence").locator("tbody tr", has_text=title)
    expect(mine).to_contain_text("SPLW-EQU-02")
    expect(mine).to_contain_text("Waiting for review")

    # Amara finds it in her review queue and accepts it into an assessment.
    switch_person(page, visit, follow, ASSESSOR)
    follow(page, menu(page).get_by_role("link", name="Evidence to review"))
    assert path_of(page) == "/reviews/"
    queue = page.get_by_role("region", name="Evidence to review")
    follow(page, queue.get_by_role("link", name=title, exact=True))
    assert path_of(page) == f"/evidence/{evidence.pk}/"
    expect(page.get_by_text(account)).to_be_visible()
    claimed = page.get_by_role("radio", name=f"SPLW-EQU-02 {equ_02.short_name}")
    expect(claimed).to_be_checked()  # the only competency it claims
    page.get_by_role("radio", name=re.compile(r"^3 Proficient")).check()
    page.get_by_role("radio", name="CBD – Case-based discussion").check()
    follow(page, page.get_by_role("button", name="Accept and record the assessment"))
    assert path_of(page) == "/reviews/"
    expect(success_message(page)).to_contain_text(
        f"“{title}” was accepted: SPLW-EQU-02 level 3 is recorded for {LINK_WORKER_NAME}."
    )
    expect(queue.get_by_role("link", name=title, exact=True)).to_have_count(0)

    # She returns the demo's waiting reflective account with feedback.
    feedback = "Please add what you will do differently next time, and when you will review it."
    follow(page, queue.get_by_role("link", name=WAITING_ACCOUNT, exact=True))
    page.get_by_label("Feedback for the link worker").fill(feedback)
    follow(page, page.get_by_role("button", name="Return with feedback"))
    assert path_of(page) == "/reviews/"
    expect(success_message(page)).to_contain_text(
        f"“{WAITING_ACCOUNT}” was returned to {LINK_WORKER_NAME} with feedback."
    )
    expect(page.get_by_role("link", name=WAITING_ACCOUNT, exact=True)).to_have_count(0)

    # Siân sees one accepted and one returned, with the feedback.
    switch_person(page, visit, follow, LINK_WORKER)
    follow(page, menu(page).get_by_role("link", name="Evidence", exact=True))
    evidence_table = page.get_by_role("region", name="My evidence")
    accepted = evidence_table.locator("tbody tr", has_text=title)
    expect(accepted).to_contain_text("Accepted")
    returned = evidence_table.locator("tbody tr", has_text=WAITING_ACCOUNT)
    expect(returned).to_contain_text("Returned with feedback")
    expect(returned).to_contain_text(feedback)

    # The accepted account leads to the competency's history, which lists it as the evidence.
    follow(page, accepted.get_by_role("link", name=title, exact=True))
    expect(page.locator(".nhsuk-summary-list__row", has_text="Accepted into")).to_contain_text(
        f"assessed by {ASSESSOR_NAME}"
    )
    follow(page, page.get_by_role("link", name="SPLW-EQU-02 level 3"))
    assert path_of(page) == history_url(worker, "SPLW-EQU-02")
    newest = history_rows(page).first
    expect(newest).to_contain_text("3 Proficient")
    expect(newest).to_contain_text(ASSESSOR_NAME)
    expect(newest.get_by_role("link", name=title, exact=True)).to_be_visible()
    assessment = Assessment.objects.get(worker=worker, competency=equ_02)
    assert list(assessment.evidence.all()) == [evidence]


# --- 3. Corrections ---------------------------------------------------------------------------


def test_a_correction_supersedes_the_record_and_both_stay_in_the_history(
    page, visit, follow, demo_data
):
    worker = sian()
    com_01 = competency("SPLW-COM-01")
    original = Assessment.objects.get(worker=worker, competency=com_01)
    reason = "The directory had no safety checks recorded: level 2, not 3."
    when = today().strftime("%-d %b %Y")

    # Amara opens Siân's history of SPLW-COM-01, now level 3, and corrects it.
    sign_in(page, visit, follow, ASSESSOR)
    follow(page, page.get_by_role("link", name=LINK_WORKER_NAME, exact=True))
    follow(page, module_section(page, "COM").get_by_role("link", name=re.compile(r"^SPLW-COM-01 ")))
    assert path_of(page) == history_url(worker, "SPLW-COM-01")
    expect(current_level(page)).to_contain_text("3 Proficient")
    expect(history_rows(page)).to_have_count(1)
    follow(page, history_rows(page).first.get_by_role("link", name=re.compile(r"^Correct ")))
    assert path_of(page) == f"/assessments/{original.pk}/correct/"
    expect(page.get_by_text("You are correcting level 3 by Work-product review")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(r"^3 Proficient"))).to_be_checked()
    page.get_by_role("radio", name=re.compile(r"^2 Developing")).check()
    page.get_by_label("Why are you correcting it?").fill(reason)
    follow(page, page.get_by_role("button", name="Record the correction"))

    # Back on the history: the correction is current, the original superseded, with the reason.
    assert path_of(page) == history_url(worker, "SPLW-COM-01")
    expect(success_message(page)).to_contain_text(
        "The assessment was corrected to level 2; both stay in the history."
    )
    correction = Assessment.objects.get(supersedes=original)
    assert (correction.level, correction.assessor.email) == (2, ASSESSOR)

    def assert_both_in_the_history(may_correct: bool) -> None:
        expect(current_level(page)).to_contain_text("2 Developing")
        rows = history_rows(page)
        expect(rows).to_have_count(2)
        new, old = rows.nth(0), rows.nth(1)
        expect(new).to_contain_text("2 Developing")
        expect(new).to_contain_text("Counts now")
        expect(new).to_contain_text(f"Correction. Reason: {reason}")
        expect(new).to_contain_text(f"{ASSESSOR_NAME}recorded {when}")
        expect(old).to_contain_text("3 Proficient")
        expect(old).to_contain_text(f"Superseded by the correction of {when}")
        expect(old.get_by_role("link", name=re.compile(r"^Correct "))).to_have_count(0)
        expect(new.get_by_role("link", name=re.compile(r"^Correct "))).to_have_count(
            1 if may_correct else 0
        )

    assert_both_in_the_history(may_correct=True)

    # Siân sees the same history, and may not correct anything.
    switch_person(page, visit, follow, LINK_WORKER)
    visit(page, history_url(worker, "SPLW-COM-01"))
    assert_both_in_the_history(may_correct=False)


# --- 4. Other people's records ------------------------------------------------------------


def test_another_link_worker_gets_a_styled_404_for_sians_records(page, visit, follow, demo_data):
    worker = sian()
    evidence = Evidence.objects.get(worker=worker, title=WAITING_ACCOUNT)

    sign_in(page, visit, follow, OTHER_LINK_WORKER)
    for url in (history_url(worker, "SPLW-COM-01"), f"/evidence/{evidence.pk}/"):
        visit(page, url, status=404)
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page).to_have_title(re.compile(r"^Page not found"))
        expect(page.get_by_text(WAITING_ACCOUNT)).to_have_count(0)


# --- 5. A phone ---------------------------------------------------------------------------


def test_progress_and_the_assessment_form_fit_a_phone_screen(page, visit, follow, demo_data):
    # The checked `page` fixture, narrowed to a phone-sized layout viewport.
    page.set_viewport_size(PHONE)
    worker = sian()

    sign_in(page, visit, follow, LINK_WORKER)
    assert path_of(page) == "/progress/"
    for section in page.locator("main details").all():  # the module tables too
        section.locator("summary").click()
    assert fits_the_screen(page), "/progress/ scrolls sideways on a phone"

    switch_person(page, visit, follow, ASSESSOR)
    url = f"/caseload/{worker.pk}/competencies/{competency('SPLW-EMP-02').pk}/record/"
    visit(page, url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert fits_the_screen(page), f"{url} scrolls sideways on a phone"
