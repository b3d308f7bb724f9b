"""An import in another assessor's name waits for them (issue 13, item 5), in a real browser.

The demo's manager imports an observation of the new starter naming the demo assessor: the
preview says it will wait, and once saved it does not count. The assessor signs in, finds it in
"Waiting for your confirmation" from their caseload, ticks it and confirms; then it counts.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from competencies.models import Assessment
from tests.e2e.test_assessments import switch_person
from tests.e2e.test_imports import NEW_STARTER, choose_file, unassessed_competency
from tests.e2e.test_sign_in import sign_in
from tests.imports.conftest import HEADERS, as_csv
from workforce.models import User

MANAGER = "manager@example.org"
ASSESSOR = "assessor@example.org"


def test_an_import_in_an_assessors_name_counts_once_they_confirm_it(page, visit, follow, demo_data):
    lucja = User.objects.get(email=NEW_STARTER)
    assessor = User.objects.get(email=ASSESSOR)
    competency = unassessed_competency(lucja)
    day = timezone.localdate() - datetime.timedelta(days=3)
    row = [NEW_STARTER, competency.id_number, 3, "DOP", day.isoformat(), ASSESSOR, "Observed."]
    codes = list(
        competency.framework.competencies.filter(is_retired=False)
        .exclude(parent_id_number="")
        .order_by("sort_order")
        .values_list("id_number", flat=True)
    )
    cell = page.locator(f"[data-worker='{NEW_STARTER}'] td").nth(codes.index(competency.id_number))

    # The manager imports it in the assessor's name.
    sign_in(page, visit, follow, MANAGER)
    visit(page, "/imports/assessments/")
    choose_file(page, "observation.csv", as_csv([row], HEADERS), "text/csv")
    follow(page, page.get_by_role("button", name="Check the file"))
    expect(page.get_by_text("1 of the new assessments will wait for the assessor")).to_be_visible()
    expect(page.locator("[data-row='2'] [data-pending]")).to_have_text(
        f"Waits for {assessor} to confirm"
    )
    follow(page, page.get_by_role("button", name="Confirm and import 1 assessment"))
    expect(page.get_by_text("1 assessment imported from observation.csv.")).to_be_visible()
    imported = Assessment.objects.get(worker=lucja, competency=competency)
    assert imported.recorded_by.email == MANAGER
    assert imported.needs_confirmation
    assert not Assessment.objects.counting().filter(pk=imported.pk).exists()
    follow(page, page.get_by_role("link", name="Progress in Riverside North PCN"))
    expect(cell).to_have_text("–")  # pending: it counts for nothing yet

    # The assessor finds it on their caseload and confirms it.
    switch_person(page, visit, follow, ASSESSOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    follow(
        page,
        page.get_by_role("link", name="Imported assessments waiting for your confirmation"),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for your confirmation")
    page.get_by_label(
        f"Confirm {competency.id_number} level 3 for {lucja} on {day.day} {day:%B %Y}"
    ).check()
    follow(page, page.get_by_role("button", name="Confirm selected"))
    expect(page.get_by_text("You confirmed 1 assessment: it counts from now on.")).to_be_visible()
    assert Assessment.objects.counting().filter(pk=imported.pk).exists()
    assert imported.confirmation.confirmed_by == assessor

    # Now it counts on the manager's progress page.
    switch_person(page, visit, follow, MANAGER)
    visit(page, "/reports/")
    follow(page, page.get_by_role("link", name="Progress in Riverside North PCN"))
    expect(cell).not_to_have_text("–")
