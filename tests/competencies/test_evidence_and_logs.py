"""Evidence (uploads checked by content and size; review outcomes), supervision and CPD logs."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from competencies import services
from competencies.models import (
    Evidence,
    EvidenceKind,
    EvidenceOutcome,
    EvidenceReview,
    SupervisionKind,
)
from competencies.selectors import evidence_with_outcome, review_queue

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _submit(worker, competency, **overrides):
    arguments = {
        "worker": worker,
        "kind": EvidenceKind.REFLECTIVE_ACCOUNT,
        "title": "What I learnt about step-down",
        "text": "I planned the ending with the person from the start.",
        "competencies": [competency],
    } | overrides
    return services.evidence_submit(**arguments)


def test_a_reflective_account_needs_its_text(link_worker, competency):
    with pytest.raises(ValidationError, match="Write the reflective account"):
        _submit(link_worker, competency, text="  ")


def test_evidence_must_claim_a_competency(link_worker, competency):
    with pytest.raises(ValidationError, match="at least one competency"):
        _submit(link_worker, competency, competencies=[])


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        (EvidenceKind.DOCUMENT, "plan.pdf", PDF),
        (EvidenceKind.DOCUMENT, "plan.docx", None),
        (EvidenceKind.PHOTO, "board.png", PNG),
        (EvidenceKind.ELEARNING_CERTIFICATE, "elfh.pdf", PDF),
    ],
)
def test_accepted_files_are_stored_with_their_real_type(
    link_worker, competency, kind, name, content
):
    content = content if content is not None else _docx()
    evidence = _submit(
        link_worker,
        competency,
        kind=kind,
        text="",
        upload=SimpleUploadedFile(name, content, "application/octet-stream"),
    )

    assert evidence.file.name.startswith(f"evidence/{link_worker.pk}/")
    assert name not in evidence.file.name  # stored under an unguessable name
    assert evidence.original_filename == name
    assert evidence.file_content_type in {
        "application/pdf",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


def test_a_program_renamed_as_a_pdf_is_refused(link_worker, competency):
    with pytest.raises(ValidationError) as refused:
        _submit(
            link_worker,
            competency,
            kind=EvidenceKind.DOCUMENT,
            upload=SimpleUploadedFile("notes.pdf", b"MZ\x90\x00" + b"\x00" * 60),
        )

    assert refused.value.error_list[0].code == "file_type"
    assert not Evidence.objects.exists()


def test_a_photo_must_be_an_image(link_worker, competency):
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP photo"):
        _submit(
            link_worker,
            competency,
            kind=EvidenceKind.PHOTO,
            upload=SimpleUploadedFile("photo.png", PDF),
        )


def test_files_over_the_limit_and_empty_files_are_refused(settings, link_worker, competency):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is 100"):
        _submit(
            link_worker,
            competency,
            kind=EvidenceKind.DOCUMENT,
            upload=SimpleUploadedFile("big.pdf", PDF + b" " * 200),
        )
    with pytest.raises(ValidationError, match="is empty"):
        _submit(
            link_worker,
            competency,
            kind=EvidenceKind.DOCUMENT,
            upload=SimpleUploadedFile("empty.pdf", b""),
        )


def test_the_review_queue_holds_waiting_evidence_of_the_assessors_organisation(
    assessor, link_worker, outside_link_worker, competency
):
    mine = _submit(link_worker, competency)
    _submit(outside_link_worker, competency, title="Elsewhere")

    assert list(review_queue(assessor)) == [mine]


def test_accepting_evidence_records_an_assessment_and_leaves_the_queue(
    assessor, link_worker, competency, methods
):
    evidence = _submit(link_worker, competency)

    assessment = services.evidence_accept(
        evidence=evidence,
        reviewer=assessor,
        competency=competency,
        level=3,
        method=methods["DOP"],
        assessed_on=TODAY,
    )

    assert list(assessment.evidence.all()) == [evidence]
    assert evidence_with_outcome(Evidence.objects.all()).get().outcome == EvidenceOutcome.ACCEPTED
    assert list(review_queue(assessor)) == []
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.evidence_return(evidence=evidence, reviewer=assessor, feedback="Too late")


def test_evidence_is_accepted_only_for_a_competency_it_claims(
    assessor, link_worker, competency, framework, methods
):
    evidence = _submit(link_worker, competency)

    with pytest.raises(ValidationError, match="does not claim SPLW-SAF-02"):
        services.evidence_accept(
            evidence=evidence,
            reviewer=assessor,
            competency=framework.competencies.get(id_number="SPLW-SAF-02"),
            level=3,
            method=methods["SIM"],
            assessed_on=TODAY,
        )


def test_returning_evidence_needs_feedback_and_is_kept(assessor, link_worker, competency):
    evidence = _submit(link_worker, competency)
    with pytest.raises(ValidationError, match="Say what the link worker should change"):
        services.evidence_return(evidence=evidence, reviewer=assessor, feedback="")

    services.evidence_return(evidence=evidence, reviewer=assessor, feedback="Add the date.")

    evidence = evidence_with_outcome(Evidence.objects.all()).get()
    assert evidence.outcome == EvidenceOutcome.RETURNED
    assert evidence.reviews.get().feedback == "Add the date."


def test_an_assessor_elsewhere_cannot_review(outside_assessor, link_worker, competency):
    evidence = _submit(link_worker, competency)

    with pytest.raises(PermissionDenied, match="To review evidence"):
        services.evidence_return(evidence=evidence, reviewer=outside_assessor, feedback="No")
    assert not EvidenceReview.objects.filter(evidence=evidence).exists()


def test_supervision_counts_once_the_supervisor_confirms_it(assessor, link_worker, manager):
    with pytest.raises(ValidationError, match="cannot be your supervisor"):
        services.supervision_log(
            worker=link_worker,
            supervisor=manager,
            held_on=TODAY,
            kind=SupervisionKind.PROFESSIONAL,
            reflections="Talked about boundaries.",
        )
    session = services.supervision_log(
        worker=link_worker,
        supervisor=assessor,
        held_on=TODAY,
        kind=SupervisionKind.PROFESSIONAL,
        reflections="Talked about boundaries.",
    )
    with pytest.raises(PermissionDenied, match="Only the supervisor named"):
        services.supervision_confirm(session=session, supervisor=manager)

    services.supervision_confirm(session=session, supervisor=assessor)

    session.refresh_from_db()
    assert session.confirmed_at is not None
    with pytest.raises(ValidationError, match="already confirmed"):
        services.supervision_confirm(session=session, supervisor=assessor)


def test_a_supervisor_who_has_left_cannot_confirm_a_session(assessor, link_worker):
    session = services.supervision_log(
        worker=link_worker,
        supervisor=assessor,
        held_on=TODAY - datetime.timedelta(days=7),
        kind=SupervisionKind.PROFESSIONAL,
        reflections="Talked about boundaries.",
    )
    assessor.memberships.update(ends_on=TODAY - datetime.timedelta(days=1))

    with pytest.raises(PermissionDenied, match="To countersign"):
        services.supervision_confirm(session=session, supervisor=assessor)

    session.refresh_from_db()
    assert session.confirmed_at is None


def test_supervision_cannot_be_in_the_future(assessor, link_worker):
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.supervision_log(
            worker=link_worker,
            supervisor=assessor,
            held_on=TODAY + datetime.timedelta(days=1),
            kind=SupervisionKind.GROUP,
            reflections="Not yet",
        )


@pytest.mark.parametrize(
    ("hours", "points", "message"),
    [
        (Decimal("0"), Decimal("1"), "Hours must be more than 0"),
        (Decimal("101"), Decimal("1"), "at most 100"),
        (Decimal("1"), Decimal("-1"), "Points cannot be negative"),
    ],
)
def test_cpd_amounts_are_checked(link_worker, hours, points, message):
    with pytest.raises(ValidationError, match=message):
        services.cpd_log(
            worker=link_worker,
            done_on=TODAY,
            activity="Course",
            hours=hours,
            is_formal=True,
            points=points,
        )


def test_cpd_is_logged(link_worker):
    entry = services.cpd_log(
        worker=link_worker,
        done_on=TODAY,
        activity="  Safeguarding refresher ",
        hours=Decimal("3"),
        is_formal=True,
        points=Decimal("3"),
    )

    assert entry.activity == "Safeguarding refresher"
