"""Learner and assessor pages: rendering, saving through the services, refusals and scope."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from competencies import services
from competencies.models import (
    Assessment,
    Countersignature,
    CPDEntry,
    Evidence,
    EvidenceKind,
    EvidenceOutcome,
    EvidenceReview,
    SupervisionSession,
)
from tests.factories import MembershipFactory
from workforce.models import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _text(response) -> str:
    return response.content.decode()


def _h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", _text(response), re.S)
    return match.group(1).strip() if match else ""


def _options(response, name: str) -> list[str]:
    """The values of the radio, checkbox or select options named `name` in the page."""
    page = _text(response)
    radios = re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    options = re.findall(r'<option value="([^"]*)"', select.group(1)) if select else []
    return radios + [value for value in options if value]


def _submit(worker, competency, **overrides):
    arguments = {
        "worker": worker,
        "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
        "title": "Explaining my role",
        "competencies": [competency],
        "text": "I explained what a link worker does and does not do.",
    } | overrides
    return services.evidence_submit(**arguments)


@pytest.fixture
def second_assessor(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user


@pytest.fixture
def colleague(organisation):
    """Another link worker in the same organisation."""
    return MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user


@pytest.fixture
def kt_competency(framework):
    """A live competency whose evidence rule takes the knowledge test, which SPLW-ROL-01's does
    not, and not a direct observation."""
    return (
        framework.competencies.exclude(parent_id_number="")
        .filter(is_retired=False, required_methods__code="KT")
        .exclude(required_methods__code="DOP")
        .exclude(accepted_methods__code="DOP")
        .order_by("sort_order")
        .first()
    )


# --- Pages render for their roles ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/progress/", "My progress"),
        ("/evidence/", "My evidence"),
        ("/evidence/submit/", "Submit evidence"),
        ("/supervision/", "Supervision log"),
        ("/supervision/log/", "Log a supervision session"),
        ("/cpd/", "CPD log"),
        ("/cpd/add/", "Add a CPD entry"),
    ],
)
def test_link_worker_pages_render(client, link_worker, assessor, demo_curriculum, path, heading):
    client.force_login(link_worker)

    response = client.get(path)

    assert response.status_code == 200
    assert _h1(response) == heading


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/caseload/", "My caseload"),
        ("/reviews/", "Evidence to review"),
        ("/countersign/", "Assessments to countersign"),
        ("/supervision/to-confirm/", "Supervision sessions to confirm"),
    ],
)
def test_assessor_pages_render(client, assessor, link_worker, demo_curriculum, path, heading):
    client.force_login(assessor)

    response = client.get(path)

    assert response.status_code == 200
    assert _h1(response) == heading


@pytest.mark.parametrize(
    "path",
    [
        "/evidence/",
        "/evidence/submit/",
        "/supervision/",
        "/supervision/log/",
        "/cpd/",
        "/cpd/add/",
        "/reviews/",
        "/countersign/",
        "/supervision/to-confirm/",
        "/evidence/1/",
        "/evidence/1/file/",
        "/workers/1/competencies/1/",
        "/caseload/1/",
        "/caseload/1/competencies/1/record/",
        "/assessments/1/correct/",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("link_worker", "/reviews/"),
        ("link_worker", "/countersign/"),
        ("link_worker", "/supervision/to-confirm/"),
        ("assessor", "/evidence/submit/"),
        ("assessor", "/supervision/log/"),
        ("manager", "/cpd/"),
    ],
)
def test_role_pages_refuse_other_roles(client, request, person, path):
    client.force_login(request.getfixturevalue(person))

    assert client.get(path).status_code == 403


def test_progress_says_when_no_curriculum_is_published(client, link_worker):
    client.force_login(link_worker)

    response = client.get("/progress/")

    assert response.status_code == 200
    assert "No curriculum has been published yet" in _text(response)


def test_caseload_says_when_no_curriculum_is_published(client, assessor, link_worker):
    client.force_login(assessor)

    content = _text(client.get("/caseload/"))

    assert "No curriculum has been published yet" in content
    assert escape(link_worker.full_name) in content


# --- My progress --------------------------------------------------------------------------


def test_progress_shows_modules_milestone_core_figures_and_next_steps(
    client, link_worker, assessor, record, competency, framework, demo_curriculum
):
    record(level=3)
    session = services.supervision_log(
        worker=link_worker,
        supervisor=assessor,
        held_on=YESTERDAY,
        kind="professional",
        reflections="Talked through a hard referral.",
    )
    services.supervision_confirm(session=session, supervisor=assessor)
    services.cpd_log(
        worker=link_worker,
        done_on=TODAY,
        activity="Safeguarding adults level 2",
        hours=3,
        is_formal=True,
        points=3,
    )
    milestone = framework.competencies.filter(needed_before_unsupervised_work=True).count()
    client.force_login(link_worker)

    content = _text(client.get("/progress/"))

    first_module = demo_curriculum.get_children().live().order_by("path").first()
    assert first_module.title in content
    assert '<progress class="app-progress"' in content
    assert f'max="{milestone}" value="1"' in content
    assert f"1 of {milestone} competencies needed before unsupervised work" in content
    assert "Not yet reached" in content
    assert re.search(
        r"Confirmed supervision sessions in the last 12 months</dt>\s*<dd[^>]*>1<", content
    )
    assert re.search(r"CPD points, last 12 months</dt>\s*<dd[^>]*>3<", content)
    history = f"/workers/{link_worker.pk}/competencies/{competency.pk}/"
    assert history in content
    assert 'class="app-table-scroll" tabindex="0" role="region" aria-label=' in content
    # Next steps list open core competencies; ROL-01 is now proficient, so not among them.
    next_steps = content.split("Next steps", 1)[1].split("Progress by module", 1)[0]
    assert competency.id_number not in next_steps
    assert "SPLW-ROL-03" in next_steps


def test_progress_query_count_does_not_grow_with_assessments(
    client, link_worker, assessor, framework, demo_curriculum
):
    competencies = list(
        framework.competencies.exclude(parent_id_number="")
        .filter(is_retired=False, accepted_methods__isnull=False)
        .prefetch_related("accepted_methods")
        .distinct()
        .order_by("sort_order")[:12]
    )
    assert len(competencies) == 12
    client.force_login(link_worker)

    def record(items):
        for competency in items:
            services.assessment_record(
                worker=link_worker,
                competency=competency,
                level=2,
                method=competency.accepted_methods.all()[0],
                assessed_on=YESTERDAY,
                assessor=assessor,
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/progress/").status_code == 200
        return len(captured)

    record(competencies[:3])
    with_three = queries()
    record(competencies[3:])
    with_twelve = queries()

    assert Assessment.objects.filter(worker=link_worker).count() == 12
    assert with_three == with_twelve


# --- History ------------------------------------------------------------------------------


def test_history_shows_every_assessment_with_corrections_and_evidence(
    client, link_worker, assessor, record, competency, methods
):
    evidence = _submit(link_worker, competency)
    original = record(level=2, notes="First observation.")
    services.assessment_correct(
        original=original,
        assessor=assessor,
        level=3,
        method=methods["SIM"],
        assessed_on=YESTERDAY,
        reason="Entered the wrong level.",
    )
    client.force_login(link_worker)

    response = client.get(f"/workers/{link_worker.pk}/competencies/{competency.pk}/")

    content = _text(response)
    assert response.status_code == 200
    assert content.count('nhsuk-tag--grey">Superseded</strong>') == 1
    assert content.count('nhsuk-tag--green">Counts now</strong>') == 1
    assert "Reason: Entered the wrong level." in content
    assert "First observation." in content
    assert '<td class="nhsuk-table__cell">2 Developing</td>' in content
    assert '<td class="nhsuk-table__cell">3 Proficient</td>' in content
    assert escape(str(assessor)) in content
    assert evidence.title in content
    # The link worker sees no correction link: only assessors correct.
    assert "/correct/" not in content


def test_an_assessor_sees_the_history_with_a_correction_link_for_the_current_one(
    client, assessor, link_worker, record, methods
):
    original = record(level=2)
    current = services.assessment_correct(
        original=original,
        assessor=assessor,
        level=3,
        method=methods["DOP"],
        assessed_on=YESTERDAY,
        reason="Typo.",
    )
    client.force_login(assessor)

    content = _text(client.get(f"/workers/{link_worker.pk}/competencies/{original.competency_id}/"))

    assert f"/assessments/{current.pk}/correct/" in content
    assert f"/assessments/{original.pk}/correct/" not in content


# --- Access by URL guessing -----------------------------------------------------------------


def test_a_link_worker_cannot_open_another_workers_records(
    client, link_worker, colleague, outside_link_worker, competency, demo_curriculum
):
    theirs = _submit(
        colleague,
        competency,
        kind=EvidenceKind.DOCUMENT,
        text="",
        upload=SimpleUploadedFile("notes.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    client.force_login(link_worker)

    for other in (colleague, outside_link_worker):
        assert client.get(f"/workers/{other.pk}/competencies/{competency.pk}/").status_code == 404
    assert client.get(f"/evidence/{theirs.pk}/").status_code == 404
    assert client.get(f"/evidence/{theirs.pk}/file/").status_code == 404
    assert client.get(f"/caseload/{colleague.pk}/").status_code == 403
    # Their own history opens.
    assert client.get(f"/workers/{link_worker.pk}/competencies/{competency.pk}/").status_code == 200


def test_unknown_ids_are_404_not_500(client, assessor, link_worker, demo_curriculum):
    client.force_login(assessor)

    for path in [
        "/evidence/999999/",
        "/evidence/999999/file/",
        f"/workers/999999/competencies/{link_worker.pk}/",
        f"/workers/{link_worker.pk}/competencies/999999/",
        "/caseload/999999/",
        f"/caseload/{link_worker.pk}/competencies/999999/record/",
        "/assessments/999999/correct/",
    ]:
        assert client.get(path).status_code == 404, path
    for path in [
        "/evidence/999999/accept/",
        "/evidence/999999/return/",
        "/countersign/999999/",
        "/supervision/999999/confirm/",
    ]:
        assert client.post(path).status_code == 404, path


def test_an_assessor_of_another_organisation_gets_404(
    client, outside_assessor, link_worker, record, competency
):
    assessment = record()
    evidence = _submit(link_worker, competency)
    client.force_login(outside_assessor)

    for path in [
        f"/caseload/{link_worker.pk}/",
        f"/caseload/{link_worker.pk}/competencies/{competency.pk}/record/",
        f"/workers/{link_worker.pk}/competencies/{competency.pk}/",
        f"/assessments/{assessment.pk}/correct/",
        f"/evidence/{evidence.pk}/",
    ]:
        assert client.get(path).status_code == 404, path
    assert (
        client.post(f"/evidence/{evidence.pk}/return/", {"return-feedback": "No"}).status_code
        == 404
    )
    assert client.post(f"/countersign/{assessment.pk}/").status_code == 404
    assert not EvidenceReview.objects.exists()
    assert escape(link_worker.full_name) not in _text(client.get("/caseload/"))


def test_a_manager_reads_the_history_but_not_the_evidence(
    client, manager, link_worker, record, competency
):
    record()
    evidence = _submit(link_worker, competency)
    client.force_login(manager)

    response = client.get(f"/workers/{link_worker.pk}/competencies/{competency.pk}/")

    assert response.status_code == 200
    assert f"/evidence/{evidence.pk}/" not in _text(response)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


# --- Recording and correcting assessments --------------------------------------------------


def test_the_worker_page_lists_competencies_by_module_with_record_links(
    client, assessor, link_worker, competency, demo_curriculum
):
    client.force_login(assessor)

    response = client.get(f"/caseload/{link_worker.pk}/")

    content = _text(response)
    assert response.status_code == 200
    assert _h1(response) == escape(link_worker.full_name)
    first_module = demo_curriculum.get_children().live().order_by("path").first()
    assert first_module.title in content
    assert f"/caseload/{link_worker.pk}/competencies/{competency.pk}/record/" in content


def test_the_record_form_offers_the_competencys_methods_the_scale_and_today(
    client, assessor, second_assessor, outside_assessor, link_worker, competency, methods
):
    client.force_login(assessor)

    response = client.get(f"/caseload/{link_worker.pk}/competencies/{competency.pk}/record/")

    content = _text(response)
    assert response.status_code == 200
    assert sorted(_options(response, "method")) == sorted(
        str(methods[code].pk) for code in ("DOP", "SIM")
    )
    assert _options(response, "level") == ["1", "2", "3", "4"]
    assert "3 Proficient" in content
    assert f'value="{TODAY.isoformat()}"' in content
    assert _options(response, "countersign_requested_from") == [str(second_assessor.pk)]
    # The criteria and accepted methods are beside the form.
    assert competency.criteria_list[0] in content
    assert methods["DOP"].name in content
    assert str(outside_assessor.pk) not in _options(response, "countersign_requested_from")


def test_recording_an_assessment_saves_it_through_the_service(
    client, assessor, second_assessor, link_worker, competency, methods, framework
):
    client.force_login(assessor)

    response = client.post(
        f"/caseload/{link_worker.pk}/competencies/{competency.pk}/record/",
        {
            "level": "3",
            "method": methods["DOP"].pk,
            "assessed_on": YESTERDAY.isoformat(),
            "notes": "Explained the role to a new referral.",
            "countersign_requested_from": second_assessor.pk,
        },
    )

    assert response.status_code == 302
    assert response.url == f"/workers/{link_worker.pk}/competencies/{competency.pk}/"
    assessment = Assessment.objects.get()
    assert (assessment.worker, assessment.competency, assessment.assessor) == (
        link_worker,
        competency,
        assessor,
    )
    assert (assessment.level, assessment.method, assessment.assessed_on) == (
        3,
        methods["DOP"],
        YESTERDAY,
    )
    assert assessment.countersign_requested_from == second_assessor
    assert assessment.framework_version == framework.versions.latest("number")
    assert "level 3 was recorded" in _text(client.get(response.url))


def test_a_refused_assessment_shows_the_services_message_and_saves_nothing(
    client, assessor, link_worker, competency, methods
):
    client.force_login(assessor)

    response = client.post(
        f"/caseload/{link_worker.pk}/competencies/{competency.pk}/record/",
        {
            "level": "3",
            "method": methods["DOP"].pk,
            "assessed_on": (TODAY + datetime.timedelta(days=2)).isoformat(),
        },
    )

    content = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "The assessment date cannot be in the future" in content
    assert "nhsuk-form-group--error" in content
    assert not Assessment.objects.exists()


def test_a_method_the_competency_does_not_accept_is_not_a_choice(
    client, assessor, link_worker, competency, methods
):
    client.force_login(assessor)

    response = client.post(
        f"/caseload/{link_worker.pk}/competencies/{competency.pk}/record/",
        {"level": "3", "method": methods["KT"].pk, "assessed_on": YESTERDAY.isoformat()},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in _text(response)
    assert not Assessment.objects.exists()


def test_correcting_an_assessment_supersedes_it_with_the_reason(
    client, assessor, link_worker, record, methods
):
    original = record(level=2)
    client.force_login(assessor)

    page = client.get(f"/assessments/{original.pk}/correct/")
    response = client.post(
        f"/assessments/{original.pk}/correct/",
        {
            "level": "3",
            "method": methods["SIM"].pk,
            "assessed_on": YESTERDAY.isoformat(),
            "reason": "Recorded the wrong level.",
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    correction = Assessment.objects.get(supersedes=original)
    assert (correction.level, correction.method, correction.correction_reason) == (
        3,
        methods["SIM"],
        "Recorded the wrong level.",
    )
    assert Assessment.objects.count() == 2


def test_a_correction_without_a_reason_is_refused(client, assessor, record, methods):
    original = record(level=2)
    client.force_login(assessor)

    response = client.post(
        f"/assessments/{original.pk}/correct/",
        {"level": "3", "method": methods["DOP"].pk, "assessed_on": YESTERDAY.isoformat()},
    )

    assert response.status_code == 200
    assert "Say why the assessment is being corrected." in _text(response)
    assert Assessment.objects.count() == 1


def test_an_assessment_already_corrected_cannot_be_corrected_again(
    client, assessor, record, methods
):
    original = record(level=2)
    services.assessment_correct(
        original=original,
        assessor=assessor,
        level=3,
        method=methods["DOP"],
        assessed_on=YESTERDAY,
        reason="Typo.",
    )
    client.force_login(assessor)

    response = client.post(
        f"/assessments/{original.pk}/correct/",
        {
            "level": "4",
            "method": methods["DOP"].pk,
            "assessed_on": YESTERDAY.isoformat(),
            "reason": "Again.",
        },
    )

    assert response.status_code == 200
    assert "already been corrected" in _text(response)
    assert Assessment.objects.count() == 2


# --- Countersigning ------------------------------------------------------------------------


def test_countersigning_a_requested_assessment(
    client, assessor, second_assessor, link_worker, record
):
    assessment = record(countersign_requested_from=second_assessor)
    client.force_login(second_assessor)

    listing = client.get("/countersign/")
    response = client.post(f"/countersign/{assessment.pk}/")
    again = client.post(f"/countersign/{assessment.pk}/")

    assert escape(link_worker.full_name) in _text(listing)
    assert f'action="/countersign/{assessment.pk}/"' in _text(listing)
    assert response.status_code == 302
    assert Countersignature.objects.get().supervisor == second_assessor
    assert again.status_code == 200
    assert "already countersigned" in _text(again)
    assert Countersignature.objects.count() == 1


def test_only_the_requested_supervisor_may_countersign(client, assessor, second_assessor, record):
    assessment = record(countersign_requested_from=second_assessor)
    client.force_login(assessor)

    assert client.get(f"/countersign/{assessment.pk}/").status_code == 405
    assert client.post(f"/countersign/{assessment.pk}/").status_code == 404
    assert not Countersignature.objects.exists()


# --- Evidence -----------------------------------------------------------------------------


def test_submitting_a_reflective_account(
    client, link_worker, competency, kt_competency, demo_curriculum
):
    client.force_login(link_worker)

    form = client.get(f"/evidence/submit/?competency={competency.pk}")
    response = client.post(
        "/evidence/submit/",
        {
            "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
            "title": "My first week",
            "competencies": [competency.pk, kt_competency.pk],
            "text": "What I learned about explaining my role.",
        },
    )

    assert re.search(rf'value="{competency.pk}"[^>]*checked', _text(form))
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response.url == f"/evidence/{evidence.pk}/"
    assert evidence.worker == link_worker
    assert set(evidence.competencies.all()) == {competency, kt_competency}
    assert evidence.text == "What I learned about explaining my role."
    detail = _text(client.get(response.url))
    assert "Waiting for review" in detail
    assert "What I learned about explaining my role." in detail


def test_evidence_refused_by_the_service_is_not_saved(
    client, link_worker, competency, demo_curriculum
):
    client.force_login(link_worker)

    response = client.post(
        "/evidence/submit/",
        {
            "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
            "title": "Empty",
            "competencies": [competency.pk],
            "text": "",
        },
    )

    assert response.status_code == 200
    assert "Write the reflective account." in _text(response)
    assert not Evidence.objects.exists()


def test_evidence_must_claim_a_competency(client, link_worker, demo_curriculum):
    client.force_login(link_worker)

    response = client.post(
        "/evidence/submit/",
        {"kind": EvidenceKind.REFLECTIVE_ACCOUNT, "title": "No claim", "text": "Words."},
    )

    assert response.status_code == 200
    assert "Choose at least one competency this evidence shows." in _text(response)
    assert not Evidence.objects.exists()


def test_uploading_a_pdf_and_who_may_download_it(
    client,
    demo_curriculum,
    link_worker,
    colleague,
    assessor,
    manager,
    outside_assessor,
    competency,
):
    client.force_login(link_worker)
    response = client.post(
        "/evidence/submit/",
        {
            "kind": EvidenceKind.ELEARNING_CERTIFICATE,
            "title": "Safeguarding e-learning",
            "competencies": [competency.pk],
            "upload": SimpleUploadedFile("certificate.pdf", PDF_BYTES, "application/pdf"),
        },
    )

    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert evidence.file_content_type == "application/pdf"
    assert evidence.original_filename == "certificate.pdf"
    url = f"/evidence/{evidence.pk}/file/"
    assert url in _text(client.get(f"/evidence/{evidence.pk}/"))
    assert "/media/" not in _text(client.get(f"/evidence/{evidence.pk}/"))

    for person in (link_worker, assessor):
        client.force_login(person)
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        # Named from the evidence title, not the name it was uploaded with.
        assert 'filename="Safeguarding e-learning.pdf"' in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in download["Content-Security-Policy"]

    for person in (colleague, manager, outside_assessor):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_photo_is_shown_inline_but_never_sniffed(client, link_worker, competency):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    evidence = _submit(
        link_worker,
        competency,
        kind=EvidenceKind.PHOTO,
        text="",
        upload=SimpleUploadedFile("board.png", png, content_type="image/png"),
    )
    client.force_login(link_worker)

    download = client.get(f"/evidence/{evidence.pk}/file/")

    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("inline;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == png


def test_an_executable_named_pdf_is_refused(client, link_worker, competency, demo_curriculum):
    client.force_login(link_worker)

    response = client.post(
        "/evidence/submit/",
        {
            "kind": EvidenceKind.DOCUMENT,
            "title": "Totally a PDF",
            "competencies": [competency.pk],
            "upload": SimpleUploadedFile(
                "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/pdf"
            ),
        },
    )

    content = _text(response)
    assert response.status_code == 200
    assert (
        "The file report.pdf is not a PDF, Word (.docx), OpenDocument text (.odt), PNG, JPEG or "
        "WebP file (judged by its content, not its name)." in content
    )
    assert 'href="#id_upload"' in content
    assert not Evidence.objects.exists()


def test_the_review_queue_lists_waiting_evidence_of_the_assessors_workers(
    client, assessor, link_worker, outside_link_worker, competency
):
    mine = _submit(link_worker, competency, title="Mine to review")
    _submit(outside_link_worker, competency, title="Not mine to review")
    client.force_login(assessor)

    content = _text(client.get("/reviews/"))

    assert f"/evidence/{mine.pk}/" in content
    assert "Not mine to review" not in content


def test_an_assessor_opens_evidence_and_accepts_it_into_an_assessment(
    client, assessor, link_worker, competency, kt_competency, methods
):
    evidence = _submit(link_worker, competency, competencies=[competency, kt_competency])
    client.force_login(assessor)

    page = client.get(f"/evidence/{evidence.pk}/")
    response = client.post(
        f"/evidence/{evidence.pk}/accept/",
        {
            "accept-competency": competency.pk,
            "accept-level": "3",
            "accept-method": methods["DOP"].pk,
            "accept-assessed_on": YESTERDAY.isoformat(),
        },
    )

    assert page.status_code == 200
    assert evidence.text in _text(page)
    assert sorted(_options(page, "accept-competency")) == sorted(
        [str(competency.pk), str(kt_competency.pk)]
    )
    assert response.status_code == 302
    assert response.url == "/reviews/"
    assessment = Assessment.objects.get()
    assert (assessment.competency, assessment.level, assessment.assessor) == (
        competency,
        3,
        assessor,
    )
    assert list(assessment.evidence.all()) == [evidence]
    assert EvidenceReview.objects.get().outcome == EvidenceOutcome.ACCEPTED
    assert f"/evidence/{evidence.pk}/" not in _text(client.get("/reviews/"))


def test_accepting_with_a_method_the_chosen_competency_refuses_shows_the_error(
    client, assessor, link_worker, competency, kt_competency, methods
):
    evidence = _submit(link_worker, competency, competencies=[competency, kt_competency])
    client.force_login(assessor)

    response = client.post(
        f"/evidence/{evidence.pk}/accept/",
        {
            "accept-competency": competency.pk,
            "accept-level": "3",
            "accept-method": methods["KT"].pk,
            "accept-assessed_on": YESTERDAY.isoformat(),
        },
    )

    assert response.status_code == 200
    assert f"{competency.id_number} is not assessed by {methods['KT'].name}" in _text(response)
    assert not Assessment.objects.exists()
    assert not EvidenceReview.objects.exists()


def test_returning_evidence_needs_feedback_and_the_worker_sees_it(
    client, assessor, link_worker, competency
):
    evidence = _submit(link_worker, competency)
    client.force_login(assessor)

    refused = client.post(f"/evidence/{evidence.pk}/return/", {"return-feedback": " "})
    returned = client.post(
        f"/evidence/{evidence.pk}/return/", {"return-feedback": "Add what happened next."}
    )
    again = client.post(f"/evidence/{evidence.pk}/return/", {"return-feedback": "Twice."})

    assert refused.status_code == 200
    assert "Say what the link worker should change." in _text(refused)
    assert returned.status_code == 302
    assert again.status_code == 200
    assert "This evidence has already been reviewed." in _text(again)
    review = EvidenceReview.objects.get()
    assert (review.outcome, review.feedback) == (
        EvidenceOutcome.RETURNED,
        "Add what happened next.",
    )
    client.force_login(link_worker)
    content = _text(client.get("/evidence/"))
    assert "Returned with feedback" in content
    assert "Add what happened next." in content


# --- Supervision and CPD -------------------------------------------------------------------


def test_logging_a_supervision_session_names_an_assessor_of_the_organisation(
    client, link_worker, assessor, outside_assessor
):
    client.force_login(link_worker)

    form = client.get("/supervision/log/")
    response = client.post(
        "/supervision/log/",
        {
            "supervisor": assessor.pk,
            "held_on": YESTERDAY.isoformat(),
            "kind": "group",
            "reflections": "We discussed a person who was isolated.",
            "agreed_actions": "Look up befriending services.",
        },
    )

    assert _options(form, "supervisor") == [str(assessor.pk)]
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert (session.worker, session.supervisor, session.held_on, session.kind) == (
        link_worker,
        assessor,
        YESTERDAY,
        "group",
    )
    assert session.confirmed_at is None
    assert "Waiting for confirmation" in _text(client.get("/supervision/"))


def test_a_supervision_session_refused_by_the_service_is_not_saved(client, link_worker, assessor):
    client.force_login(link_worker)

    response = client.post(
        "/supervision/log/",
        {"supervisor": assessor.pk, "held_on": YESTERDAY.isoformat(), "kind": "peer"},
    )

    assert response.status_code == 200
    assert "Write your reflections on the session." in _text(response)
    assert not SupervisionSession.objects.exists()


def test_the_supervisor_confirms_a_session(client, link_worker, assessor, second_assessor):
    session = services.supervision_log(
        worker=link_worker,
        supervisor=assessor,
        held_on=YESTERDAY,
        kind="professional",
        reflections="Reflections.",
    )
    client.force_login(second_assessor)
    assert client.post(f"/supervision/{session.pk}/confirm/").status_code == 404
    client.force_login(assessor)

    listing = client.get("/supervision/to-confirm/")
    response = client.post(f"/supervision/{session.pk}/confirm/")
    again = client.post(f"/supervision/{session.pk}/confirm/")

    assert escape(link_worker.full_name) in _text(listing)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.confirmed_at is not None
    assert again.status_code == 200
    assert "This session is already confirmed." in _text(again)


def test_adding_a_cpd_entry(client, link_worker, competency):
    evidence = _submit(link_worker, competency)
    client.force_login(link_worker)

    response = client.post(
        "/cpd/add/",
        {
            "done_on": YESTERDAY.isoformat(),
            "activity": "Motivational interviewing course",
            "hours": "6.5",
            "is_formal": "on",
            "points": "6",
            "reflection": "Open questions.",
            "evidence": evidence.pk,
        },
    )

    assert response.status_code == 302
    entry = CPDEntry.objects.get()
    assert (entry.worker, entry.activity, str(entry.hours), entry.is_formal, entry.evidence) == (
        link_worker,
        "Motivational interviewing course",
        "6.50",
        True,
        evidence,
    )
    assert "Motivational interviewing course" in _text(client.get("/cpd/"))


def test_a_cpd_entry_refused_by_the_service_is_not_saved(client, link_worker):
    client.force_login(link_worker)

    response = client.post(
        "/cpd/add/",
        {"done_on": YESTERDAY.isoformat(), "activity": "Reading", "hours": "0", "points": "1"},
    )

    content = _text(response)
    assert response.status_code == 200
    assert "Hours must be more than 0 and at most 100." in content
    assert 'href="#id_hours"' in content
    assert not CPDEntry.objects.exists()


def test_cpd_evidence_choices_are_the_workers_own(client, link_worker, colleague, competency):
    mine = _submit(link_worker, competency, title="Mine")
    theirs = _submit(colleague, competency, title="Theirs")
    client.force_login(link_worker)

    options = _options(client.get("/cpd/add/"), "evidence")

    assert options == [str(mine.pk)]
    assert str(theirs.pk) not in options


# --- Caseload --------------------------------------------------------------------------------


def test_caseload_shows_each_workers_proficient_count(
    client, assessor, link_worker, colleague, record, framework
):
    record(level=3)
    total = framework.competencies.filter(is_core=True, is_retired=False).count()
    client.force_login(assessor)

    content = _text(client.get("/caseload/"))

    assert f"/caseload/{link_worker.pk}/" in content
    assert re.search(rf'id="caseload-{link_worker.pk}">1 of {total}<', content), (
        "the link worker's count"
    )
    assert re.search(rf'id="caseload-{colleague.pk}">0 of {total}<', content)


def test_only_the_latest_assessment_by_a_method_counts(client, assessor, link_worker, record):
    earlier = record(level=2, assessed_on=timezone.localdate() - datetime.timedelta(days=20))
    latest = record(level=3)
    client.force_login(link_worker)

    content = _text(client.get(f"/workers/{link_worker.pk}/competencies/{latest.competency_id}/"))

    assert content.count(">Counts now</strong>") == 1
    assert content.count(">Earlier</strong>") == 1
    assert earlier.pk != latest.pk


def test_a_correction_form_starts_from_the_original_date(client, assessor, record):
    original = record(level=2, assessed_on=timezone.localdate() - datetime.timedelta(days=9))
    client.force_login(assessor)

    content = _text(client.get(f"/assessments/{original.pk}/correct/"))

    assert f'value="{original.assessed_on:%Y-%m-%d}"' in content
