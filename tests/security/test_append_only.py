"""Kept records stay: no path deletes an assessment, evidence, a review, a countersignature, a
certificate, a check of one, a signed credential, a share link or an opening of one, or an audit
log entry, or rewrites what it recorded."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateCheck, RevocationReason
from competencies import services
from competencies.models import (
    Assessment,
    Countersignature,
    Evidence,
    EvidenceKind,
    EvidenceReview,
)
from credentials.models import SignedCredential
from sharing import services as sharing_services
from sharing.models import ShareLink, ShareLinkOpening
from workforce.append_only import REWRITE_SETTING, AppendOnlyModel, KeptRecordError

pytestmark = pytest.mark.django_db
PROJECT_ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "certificates",
    "competencies",
    "config",
    "credentials",
    "curriculum",
    "demo",
    "imports",
    "oversight",
    "quality",
    "sharing",
    "workforce",
)
KEPT_MODELS = {
    Assessment,
    Countersignature,
    Evidence,
    EvidenceReview,
    Certificate,
    CertificateCheck,
    SignedCredential,
    ShareLink,
    ShareLinkOpening,
}
# What hand-written SQL meets: PostgreSQL's triggers; SQLite, the demo's database, has none.
EXPECTED = "refused" if connection.vendor == "postgresql" else "ran"


@pytest.fixture
def kept(
    framework,
    methods,
    link_worker,
    assessor,
    second_assessor,
    manager,
    eligible_worker,
    qualification,
):
    """One record of each kept model, made through the services."""
    competency = framework.competencies.get(id_number="SPLW-PCP-01")
    evidence = services.evidence_submit(
        worker=link_worker,
        kind=EvidenceKind.REFLECTIVE_ACCOUNT,
        title="Home visit",
        competencies=[competency],
        text="What I learned.",
    )
    assessment = services.evidence_accept(
        evidence=evidence,
        reviewer=assessor,
        competency=competency,
        level=3,
        method=methods["DOP"],
        assessed_on=timezone.localdate(),
    )
    asked = services.assessment_record(
        worker=link_worker,
        competency=competency,
        level=3,
        method=methods["DOP"],
        assessed_on=timezone.localdate(),
        assessor=assessor,
        countersign_requested_from=second_assessor,
    )
    countersignature = services.assessment_countersign(assessment=asked, supervisor=second_assessor)
    certificate = certificate_services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )
    certificate_services.certificate_verified(certificate=certificate)
    link = sharing_services.share_link_create(
        holder=eligible_worker, certificate=certificate, label="For an interview"
    )
    return {
        Assessment: assessment,
        Evidence: evidence,
        EvidenceReview: evidence.reviews.get(),
        Countersignature: countersignature,
        Certificate: certificate,
        CertificateCheck: certificate.checks.get(),
        SignedCredential: certificate.signed_credential,
        ShareLink: link,
        ShareLinkOpening: sharing_services.share_link_opened(link=link),
    }


def test_every_kept_model_is_append_only():
    assert all(issubclass(model, AppendOnlyModel) for model in KEPT_MODELS)


# One set of records serves each test below (issuing a certificate renders a PDF): each loops
# over the kept models rather than building them again per model.


def test_the_orm_deletes_none(kept):
    for model, record in kept.items():
        with pytest.raises(KeptRecordError, match="kept for good"):
            record.delete()
        with pytest.raises(KeptRecordError):
            model.objects.filter(pk=record.pk).delete()
        with pytest.raises(KeptRecordError):
            model.objects.all()._raw_delete(connection.alias)

        assert model.objects.filter(pk=record.pk).exists(), model


def test_the_orm_rewrites_none(kept):
    for model, record in kept.items():
        written = {field.name for field in model._meta.concrete_fields} - {"id"}

        with pytest.raises(KeptRecordError, match="saving one again"):
            record.save()
        for field in sorted(written - model.changeable_fields):
            with pytest.raises(KeptRecordError, match=f"changing {field}"):
                record.save(update_fields=[field])
            column = model._meta.get_field(field).attname
            if column != field:  # a foreign key named by its column is the same field
                with pytest.raises(KeptRecordError, match=f"changing {field}"):
                    record.save(update_fields=[column])


def test_a_certificate_changes_only_by_revocation_and_renewal(kept, manager):
    certificate = kept[Certificate]

    certificate_services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Wrong person.",
    )

    certificate.refresh_from_db()
    assert certificate.revocation_details == "Wrong person."
    certificate.save(update_fields=["revoked_by_id", "is_current"])  # what revoking writes
    assert Certificate.changeable_fields == {
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "revocation_details",
        "is_current",
    }


def _database_says(statement: str, params=()) -> str:
    """Run hand-written SQL and roll it back: "refused" if the database refused it for a kept
    record, "ran" if it ran."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
            transaction.set_rollback(True)
    except IntegrityError as error:
        if "kept for good" not in str(error):
            raise
        return "refused"
    return "ran"


def test_the_database_refuses_delete(kept):
    """Hand-written SQL, from the shell or another client: PostgreSQL's triggers refuse it.

    SQLite, the demo database, relies on the ORM guard alone (Django's test flush empties
    SQLite tables with DELETE, which a trigger would refuse), so there the statement runs (and
    is rolled back here).
    """
    for model, record in kept.items():
        table = model._meta.db_table

        said = _database_says(f"DELETE FROM {table} WHERE id = %s", [record.pk])  # noqa: S608

        assert said == EXPECTED, model
        assert model.objects.filter(pk=record.pk).exists(), model


def test_the_database_refuses_rewriting_a_certificate(kept, manager):
    table, pk = Certificate._meta.db_table, kept[Certificate].pk
    rewrites = [
        ("holder_name = %s", ["Someone Else"]),
        ("expires_on = %s", [datetime.date(2099, 1, 1)]),
        ("pdf_sha256 = %s", ["0" * 64]),
        ("snapshot = %s", ['{"competencies": []}']),
    ]

    for assignment, params in rewrites:
        said = _database_says(
            f"UPDATE {table} SET {assignment} WHERE id = %s",  # noqa: S608 - our names
            [*params, pk],
        )
        assert said == EXPECTED, assignment

    # Revoking, once, is the change a certificate may take; then it is fixed too.
    certificate_services.certificate_revoke(
        actor=manager,
        certificate=kept[Certificate],
        reason=RevocationReason.REVIEW,
        details="Checked and withdrawn.",
    )
    for assignment, params in [
        ("revocation_details = %s", ["Rewritten."]),
        ("revoked_at = NULL, is_current = %s", [True]),
    ]:
        said = _database_says(
            f"UPDATE {table} SET {assignment} WHERE id = %s",  # noqa: S608 - our names
            [*params, pk],
        )
        assert said == EXPECTED, assignment


def test_the_database_refuses_rewriting_an_assessment_or_deleting_the_log(kept):
    assessment = kept[Assessment]
    entry = ModelLogEntry.objects.filter(action="competencies.assessment.record").first()

    assessments, log = Assessment._meta.db_table, ModelLogEntry._meta.db_table

    assert (
        _database_says(f"UPDATE {assessments} SET level = 1 WHERE id = %s", [assessment.pk])  # noqa: S608
        == EXPECTED
    )
    assert _database_says(f"DELETE FROM {log} WHERE id = %s", [entry.pk]) == EXPECTED  # noqa: S608
    # Wagtail marks an entry whose object was deleted; that is the one change it takes.
    assert _database_says(f"UPDATE {log} SET deleted = %s WHERE id = %s", [True, entry.pk]) == "ran"  # noqa: S608


def _project_modules():
    for app in APPS:
        for path in (PROJECT_ROOT / app).rglob("*.py"):
            yield path, ast.parse(path.read_text(), filename=str(path))


def test_no_application_module_switches_the_database_guard_off():
    """Only the database owner may set the rewrite switch: no module of the application does."""
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path, tree in _project_modules()
        if path.name != "append_only.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (REWRITE_SETTING in node.value or "DISABLE TRIGGER" in node.value.upper())
    ]

    assert offenders == []


def test_no_page_or_admin_view_deletes_a_kept_record():
    """Walk every URL: none names a delete of a kept model, and no admin viewset offers one."""
    kept_names = {model._meta.model_name for model in KEPT_MODELS}

    def names(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or ""

    deletes = [
        (route, name)
        for route, name in names(get_resolver())
        if "delete" in (route + name).lower()
        and kept_names & set(re.split(r"[/_:.<>]", route + "/" + name))
    ]

    assert deletes == []


def test_no_service_importer_or_command_deletes_a_kept_record():
    """No module of the application calls delete on a kept model's rows (files excepted: a
    certificate whose row failed to save takes its just-written PDF with it)."""
    kept_names = {model.__name__ for model in KEPT_MODELS}
    calls = []
    for path, tree in _project_modules():
        if "migrations" in path.parts:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"delete", "_raw_delete"}
            ):
                source = ast.unparse(node.func.value)
                if any(name in source for name in kept_names) or source in {
                    "assessment",
                    "certificate",
                    "evidence",
                    "review",
                }:
                    calls.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {source}")

    assert calls == []


def test_a_stored_file_is_never_removed_by_a_kept_record(kept):
    evidence = Evidence(
        worker=kept[Evidence].worker,
        kind=EvidenceKind.DOCUMENT,
        title="Certificate of attendance",
    )
    evidence.file.save("attendance.pdf", ContentFile(b"%PDF-1.7 ..."), save=False)
    evidence.save()

    with pytest.raises(KeptRecordError):
        evidence.delete()

    assert evidence.file.storage.exists(evidence.file.name)
