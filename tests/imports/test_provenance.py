"""Who entered what (issue 13, item 5): every assessment records who entered it and, when
imported, the import; an import in another assessor's name waits for that assessor to confirm it,
and counts for nothing until they do."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from competencies import services
from competencies.models import Assessment, AssessmentConfirmation, AssessmentImport
from tests.factories import MembershipFactory
from tests.imports.conftest import as_csv, yesterday
from workforce.models import Membership, Role
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(organisation):
    """A second assessor of the organisation."""
    return MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user


def counting() -> list[Assessment]:
    return list(Assessment.objects.counting())


def test_an_assessment_recorded_by_its_assessor_says_so_and_counts(
    link_worker, assessor, small_framework, methods
):
    assessment = services.assessment_record(
        worker=link_worker,
        competency=small_framework.competencies.get(id_number="SPLW-ROL-01"),
        level=3,
        method=methods["DOP"],
        assessed_on=yesterday(),
        assessor=assessor,
    )
    assert assessment.recorded_by == assessor
    assert assessment.source_import is None
    assert not assessment.needs_confirmation
    assert counting() == [assessment]


def test_an_assessor_importing_their_own_assessments_needs_no_confirmation(
    row, assessor, small_framework
):
    report = services.assessments_import(data=as_csv([row()]), filename="mine.csv", actor=assessor)

    assert report.saved
    assert report.pending == 0
    assessment = Assessment.objects.get()
    record = AssessmentImport.objects.get()
    assert (assessment.recorded_by, assessment.source_import) == (assessor, record)
    assert not assessment.needs_confirmation
    assert counting() == [assessment]
    entry = ModelLogEntry.objects.get(action="competencies.assessment.import_row")
    assert entry.object_id == str(assessment.pk)
    assert entry.user == assessor
    assert entry.data["import"] == str(record.pk)
    assert entry.data["pending"] is False
    # Written as `log()` writes an entry (on PostgreSQL by COPY): what, when, whose.
    assert entry.content_type.model_class() is Assessment
    assert entry.label == str(assessment)
    assert entry.data == {
        "import": str(record.pk),
        "worker": assessment.worker_id,
        "competency": assessment.competency.id_number,
        "level": assessment.level,
        "method": assessment.method.code,
        "assessor": assessor.pk,
        "pending": False,
    }
    assert entry.timestamp is not None
    assert not entry.content_changed
    assert not entry.deleted
    assert entry.revision_id is None


def test_a_manager_importing_two_observations_by_two_colleagues_makes_nothing_count(
    row, manager, assessor, colleague, link_worker, small_framework
):
    """The hole: a manager names two colleagues as assessors of two observations, then issues
    the certificate. Now both wait for their assessors, and nothing counts."""
    data = as_csv(
        [
            row(notes="First observation."),
            row(method="SIM", assessor_email=colleague.email, notes="Second observation."),
        ]
    )

    preview = services.assessments_import(data=data, filename="o.csv", actor=manager, dry_run=True)
    assert preview.pending == 2
    assert all(r["pending"] for r in preview.rows)
    assert "2 of the new assessments will wait for the assessor named on them" in (
        preview.summary()
    )
    report = services.assessments_import(data=data, filename="o.csv", actor=manager)

    assert report.saved
    assert report.pending == 2
    record = AssessmentImport.objects.get()
    assert Assessment.objects.count() == 2
    for assessment in Assessment.objects.all():
        assert assessment.recorded_by == manager
        assert assessment.source_import == record
        assert assessment.needs_confirmation
    assert counting() == []
    assert not Assessment.objects.latest_by_method().exists()
    entries = ModelLogEntry.objects.filter(action="competencies.assessment.import_row")
    assert sorted(int(e.object_id) for e in entries) == sorted(
        Assessment.objects.values_list("pk", flat=True)
    )
    assert {e.data["import"] for e in entries} == {str(record.pk)}
    assert {e.user_id for e in entries} == {manager.pk}

    # Nobody but the assessor named confirms: not the manager, not the colleague.
    first = Assessment.objects.get(assessor=assessor)
    second = Assessment.objects.get(assessor=colleague)
    with pytest.raises(PermissionDenied, match="Only the assessor named"):
        services.assessment_confirm(assessment=first, assessor=manager)
    with pytest.raises(PermissionDenied, match="Only the assessor named"):
        services.assessments_confirm(assessments=[first, second], assessor=colleague)
    assert counting() == []

    services.assessment_confirm(assessment=first, assessor=assessor)
    assert counting() == [first]
    confirmation = AssessmentConfirmation.objects.get()
    assert confirmation.confirmed_by == assessor
    entry = ModelLogEntry.objects.get(action="competencies.assessment.confirm")
    assert (entry.user, entry.object_id) == (assessor, str(first.pk))
    assert entry.data == {"import": str(record.pk), "recorded_by": manager.pk}


def test_the_command_line_import_records_nobody_and_waits_for_the_assessor(row, assessor):
    report = services.assessments_import(data=as_csv([row()]), filename="c.csv", actor=None)

    assert report.saved
    assessment = Assessment.objects.get()
    assert assessment.recorded_by is None
    assert assessment.needs_confirmation
    assert counting() == []


def _pending(row, manager, *overrides) -> list[Assessment]:
    rows = [row(**o) for o in overrides] or [row()]
    assert services.assessments_import(data=as_csv(rows), filename="p.csv", actor=manager).saved
    return list(Assessment.objects.order_by("pk"))


def _code(run) -> str:
    with pytest.raises(ValidationError) as refused:
        run()
    return refused.value.error_list[0].code


def test_a_confirmation_is_refused_once_confirmed_or_when_not_pending(
    row, manager, assessor, link_worker, small_framework, methods
):
    (pending,) = _pending(row, manager)
    services.assessment_confirm(assessment=pending, assessor=assessor)
    assert (
        _code(lambda: services.assessment_confirm(assessment=pending, assessor=assessor))
        == Refusal.ALREADY_CONFIRMED
    )
    own = services.assessment_record(
        worker=link_worker,
        competency=small_framework.competencies.get(id_number="SPLW-ROL-02"),
        level=2,
        method=methods["KT"],
        assessed_on=yesterday(),
        assessor=assessor,
    )
    assert (
        _code(lambda: services.assessment_confirm(assessment=own, assessor=assessor))
        == Refusal.NOT_PENDING
    )
    assert _code(lambda: services.assessments_confirm(assessments=[], assessor=assessor)) == (
        Refusal.NOTHING_CHOSEN
    )


def test_a_bulk_confirmation_is_all_or_nothing(row, manager, assessor, small_framework):
    first, second = _pending(row, manager, {}, {"method": "SIM"})
    services.assessment_confirm(assessment=second, assessor=assessor)

    with pytest.raises(ValidationError):
        services.assessments_confirm(assessments=[first, second], assessor=assessor)
    assert AssessmentConfirmation.objects.count() == 1
    assert counting() == [second]


def test_an_assessor_who_may_no_longer_assess_the_worker_cannot_confirm(
    row, manager, assessor, organisation
):
    (pending,) = _pending(row, manager)
    membership = Membership.objects.get(user=assessor, organisation=organisation)
    membership.ends_on = yesterday()
    membership.save(update_fields=["ends_on"])

    with pytest.raises(PermissionDenied, match="To assess"):
        services.assessment_confirm(assessment=pending, assessor=assessor)
    assert counting() == []


# --- Pages ------------------------------------------------------------------------------------


def test_the_import_preview_says_which_rows_will_wait(client, row, manager, colleague):
    client.force_login(manager)
    page = client.post(
        reverse("imports:assessment_import"),
        {"file": SimpleUploadedFile("o.csv", as_csv([row(assessor_email=colleague.email)]))},
        follow=True,
    )
    html = page.content.decode()
    assert "1 of the new assessments will wait for the assessor named on them" in html
    assert escape(f"Waits for {colleague} to confirm") in html


def test_the_assessor_confirms_selected_assessments_from_their_caseload(
    client, row, manager, assessor, colleague, small_framework
):
    first, second, theirs = _pending(
        row, manager, {}, {"method": "SIM"}, {"assessor_email": colleague.email}
    )
    client.force_login(assessor)
    caseload = client.get(reverse("competencies:caseload")).content.decode()
    assert "Imported assessments waiting for your confirmation (2)" in caseload
    url = reverse("competencies:confirmations")
    listing = client.get(url).content.decode()
    assert f'value="{first.pk}"' in listing
    assert f'value="{second.pk}"' in listing
    assert f'value="{theirs.pk}"' not in listing  # another assessor's

    nothing = client.post(url, {}).content.decode()
    assert "Choose at least one assessment to confirm." in nothing
    not_mine = client.post(url, {"assessment": [first.pk, theirs.pk]}).content.decode()
    assert "no longer waiting for you: nothing was confirmed" in not_mine
    assert counting() == []

    done = client.post(url, {"assessment": [first.pk]}, follow=True).content.decode()
    assert "You confirmed 1 assessment: it counts from now on." in done
    assert f'value="{first.pk}"' not in done
    assert f'value="{second.pk}"' in done
    assert counting() == [first]
