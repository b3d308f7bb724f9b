"""A manager imports assessments from a spreadsheet in a real browser: errors first, then a fix.

The demo's manager (manager@, Riverside North PCN) uploads a file with mistakes, reads the
per-row report, uploads the corrected file, confirms, and sees the team's progress change.
Axe runs on every page; the CSP and script checks of the `page` fixture apply throughout.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from competencies.models import Assessment
from curriculum.models import Competency
from tests.e2e.test_sign_in import sign_in
from tests.imports.conftest import HEADERS, as_csv, as_xlsx
from workforce.models import User

MANAGER = "manager@example.org"
ASSESSOR = "assessor@example.org"
NEW_STARTER = "lucja.zolc@example.org"


def unassessed_competency(worker: User) -> Competency:
    """A competency in use that the worker has no assessment of yet, accepting DOP."""
    assessed = Assessment.objects.filter(worker=worker).values("competency")
    return (
        Competency.objects.filter(is_retired=False, accepted_methods__code="DOP")
        .exclude(parent_id_number="")
        .exclude(pk__in=assessed)
        .order_by("sort_order")
        .first()
    )


def choose_file(page: Page, name: str, data: bytes, mime: str) -> None:
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )


def test_manager_fixes_a_spreadsheet_and_sees_progress_change(page, visit, follow, demo_data):
    lucja = User.objects.get(email=NEW_STARTER)
    competency = unassessed_competency(lucja)
    day = timezone.localdate() - datetime.timedelta(days=2)
    good = [
        NEW_STARTER,
        competency.id_number,
        "Proficient",
        "DOP",
        day.strftime("%d/%m/%Y"),
        ASSESSOR,
        "Imported",
    ]
    before = Assessment.objects.count()

    codes = list(
        competency.framework.competencies.filter(is_retired=False)
        .exclude(parent_id_number="")
        .order_by("sort_order")
        .values_list("id_number", flat=True)
    )
    cell = page.locator(f"[data-worker='{NEW_STARTER}'] td").nth(codes.index(competency.id_number))

    sign_in(page, visit, follow, MANAGER)
    menu = page.get_by_role("navigation", name="Menu")
    follow(page, menu.get_by_role("link", name="Imports and reports"))
    follow(page, page.get_by_role("link", name="Progress in Riverside North PCN"))
    expect(cell).to_have_text("–")  # not assessed yet
    follow(page, page.get_by_role("link", name="Back to imports and reports"))
    follow(page, page.get_by_role("link", name="Import assessments from a spreadsheet"))

    # A file with two mistakes: a level off the scale and a date that does not exist.
    bad_level = [*good[:2], "7", *good[3:]]
    bad_date = [*good[:4], "31/02/2025", *good[5:]]
    choose_file(page, "team.csv", as_csv([good, bad_level, bad_date], HEADERS), "text/csv")
    follow(page, page.get_by_role("button", name="Check the file"))

    expect(
        page.get_by_role("heading", name="Nothing was imported: the file has problems")
    ).to_be_visible()
    problems = page.locator("[data-problems]")
    expect(problems).to_contain_text("Level 7 is not on the framework's scale")
    expect(problems).to_contain_text("31/02/2025 is not a real date")
    expect(problems.locator("tbody tr")).to_have_count(2)
    expect(page.locator("[data-row='3']")).to_contain_text("Refused")
    assert Assessment.objects.count() == before

    # The corrected file, as a workbook this time.
    follow(page, page.get_by_role("link", name="Upload a corrected file"))
    choose_file(
        page,
        "team-fixed.xlsx",
        as_xlsx([good], HEADERS),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    follow(page, page.get_by_role("button", name="Check the file"))
    expect(page.get_by_text("This is a preview: nothing has been saved yet.")).to_be_visible()
    expect(page.locator("[data-row='2']")).to_contain_text(lucja.full_name)
    assert Assessment.objects.count() == before

    # In the assessor's name, not the manager's: it waits for them (tests/e2e/test_pending_imports).
    expect(page.locator("[data-row='2'] [data-pending]")).to_contain_text("Waits for")
    follow(page, page.get_by_role("button", name="Confirm and import 1 assessment"))
    expect(page.get_by_text("1 assessment imported from team-fixed.xlsx.")).to_be_visible()
    assert Assessment.objects.count() == before + 1

    follow(page, page.get_by_role("link", name="Progress in Riverside North PCN"))
    expect(cell).to_have_text("–")  # counts once the assessor confirms it
