"""Every service and every export or download writes its audit entry (issue 14, item 6).

Each case builds the few rows it needs with factories and the services below it (never the
demo), runs one service or fetches one download, and names the entry it must have written: the
action, who did it and the object it is about. The lists are checked against the code itself:
a new public service function, or a new download URL, without a case here fails the suite.
"""

import datetime
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

import certificates.services
import competencies.services
import credentials.services
import curriculum.services
import quality.services
import sharing.services
import workforce.services
from certificates.models import BulkIssue, Certificate, Qualification, RevocationReason
from competencies.models import EvidenceKind, IqaDecision, SupervisionKind
from curriculum.models import AssessmentMethod, CompetencyFramework
from curriculum.rules import ScaleLevelData
from tests.certificates.conftest import (  # noqa: F401 - fixtures, used by name
    assess,
    core_codes,
    eligible_worker,
    methods,
    qualification,
    second_assessor,
)
from tests.certificates.records import cpd, everything, signed_off, supervision
from tests.certificates.test_issue import _renewal_records, due_certificate  # noqa: F401
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.imports.conftest import HEADERS, as_csv
from workforce.models import Membership, OrganisationKind, Role
from workforce.permissions import TRAINERS_GROUP

pytestmark = pytest.mark.django_db

SERVICE_MODULES = [
    certificates.services,
    competencies.services,
    credentials.services,
    curriculum.services,
    quality.services,
    sharing.services,
    workforce.services,
]
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Entry:
    """The log entry a case must have written."""

    action: str
    user: object
    instance: object
    data: dict = field(default_factory=dict)


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def assert_logged(run: Callable[[], Entry]) -> ModelLogEntry:
    """Run a case and find its entry among those it wrote: a case that logs nothing fails."""
    before = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    expected = run()
    written = ModelLogEntry.objects.filter(pk__gt=before)
    assert expected.action in dict(log_action_registry.get_choices()), (
        f"{expected.action} is not registered with a label"
    )
    found = written.filter(
        action=expected.action,
        user=expected.user,
        content_type=ContentType.objects.get_for_model(expected.instance, for_concrete_model=False),
        object_id=str(expected.instance.pk),
    ).first()
    assert found is not None, (
        f"No {expected.action} entry by {expected.user} about {expected.instance!r}; "
        f"written: {list(written.values_list('action', 'user_id', 'object_id'))}"
    )
    for key, value in expected.data.items():
        assert found.data.get(key) == value, (key, found.data)
    return found


# --- The people and rules the cases share -----------------------------------------------------


@pytest.fixture
def trainer(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    return user


def _competency(framework, *, core=True):
    return (
        framework.competencies.filter(is_core=core, is_retired=False)
        .exclude(parent_id_number="")
        .order_by("sort_order")
        .first()
    )


def _record(get, **extra):
    framework = get("framework")
    competency = _competency(framework)
    return competencies.services.assessment_record(
        worker=get("link_worker"),
        competency=competency,
        level=3,
        method=competency.accepted_methods.order_by("code").first(),
        assessed_on=_yesterday(),
        assessor=get("assessor"),
        **extra,
    )


def _evidence(get, *, upload=None):
    framework = get("framework")
    if upload is not None:
        return competencies.services.evidence_submit(
            worker=get("link_worker"),
            kind=EvidenceKind.DOCUMENT,
            title="Referral letter",
            competencies=[_competency(framework)],
            upload=SimpleUploadedFile("letter.pdf", PDF, "application/pdf"),
        )
    return competencies.services.evidence_submit(
        worker=get("link_worker"),
        kind=EvidenceKind.REFLECTIVE_ACCOUNT,
        title="What I learnt",
        text="A reflection.",
        competencies=[_competency(framework)],
    )


def _session(get):
    return competencies.services.supervision_log(
        worker=get("link_worker"),
        supervisor=get("assessor"),
        held_on=_yesterday(),
        kind=SupervisionKind.PROFESSIONAL,
        reflections="Talked through a case.",
    )


def _assessments_file(get) -> bytes:
    competency = _competency(get("framework"))
    method = competency.accepted_methods.order_by("code").first()
    row = [
        get("link_worker").email,
        competency.id_number,
        3,
        method.code,
        _yesterday().isoformat(),
        get("assessor").email,
        "Observed.",
    ]
    return as_csv([row], HEADERS)


def _certificate(get) -> Certificate:
    return certificates.services.certificate_issue(
        actor=get("manager"), worker=get("eligible_worker"), qualification=get("qualification")
    )


def _bulk(get) -> BulkIssue:
    return certificates.services.bulk_issue_request(
        actor=get("manager"), qualification=get("qualification"), workers=[get("eligible_worker")]
    )


# --- Services ---------------------------------------------------------------------------------
# Each case: get (a fixture by name) -> the entry it must write.


def _qualification_create(get):
    trainer = get("trainer")
    made = certificates.services.qualification_create(
        actor=trainer,
        code="AUDIT-CERT",
        title="Audited certificate",
        framework=get("framework"),
        issuer_name="Link Worker Academy",
        signatory="Head of Training",
    )
    return Entry("certificates.qualification.create", trainer, made)


def _certificate_issue(get):
    certificate = _certificate(get)
    return Entry("certificates.certificate.issue", get("manager"), certificate)


def _certificate_revoke(get):
    certificate = certificates.services.certificate_revoke(
        actor=get("manager"),
        certificate=_certificate(get),
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued to the wrong person.",
    )
    return Entry("certificates.certificate.revoke", get("manager"), certificate)


def _certificate_renew(get):
    due = get("due_certificate")
    worker, assessor = get("link_worker"), get("assessor")
    _renewal_records(worker, assessor, get("assess"))
    supervision(worker, assessor, 10)
    cpd(worker, points=20, formal_hours=10)
    # Renewal, like the award, is signed off by an assessor and countersigned by the supervisor.
    signed_off(worker, due.qualification, assessor=get("second_assessor"), supervisor=assessor)
    renewed = certificates.services.certificate_renew(actor=get("manager"), certificate=due)
    return Entry("certificates.certificate.renew", get("manager"), renewed)


def _reminders_send(get):
    certificate = _certificate(get)
    sent = certificates.services.reminders_send(today=certificate.renewal_due_on)
    assert sent["renewal_due"] == 1
    return Entry("certificates.certificate.remind", None, certificate)


def _bulk_issue_request(get):
    return Entry("certificates.bulk_issue.request", get("manager"), _bulk(get))


def _bulk_issue_run(get):
    certificates.services.bulk_issue_run(bulk_issue=_bulk(get))
    issued = Certificate.objects.get(holder=get("eligible_worker"))
    return Entry("certificates.certificate.issue", get("manager"), issued)


def _certificate_download_record(get):
    certificate = _certificate(get)
    certificates.services.certificate_download_record(
        certificate=certificate, actor=get("eligible_worker")
    )
    return Entry(
        "certificates.certificate.download",
        get("eligible_worker"),
        certificate,
        {"by_holder": True},
    )


def _assessment_record(get):
    return Entry("competencies.assessment.record", get("assessor"), _record(get))


def _assessment_correct(get):
    original = _record(get)
    corrected = competencies.services.assessment_correct(
        original=original,
        assessor=get("assessor"),
        level=2,
        method=original.method,
        assessed_on=original.assessed_on,
        reason="Read the wrong observation.",
    )
    return Entry("competencies.assessment.correct", get("assessor"), corrected)


def _assessment_countersign(get):
    supervisor = MembershipFactory(organisation=get("organisation"), role=Role.ASSESSOR).user
    assessment = _record(get, countersign_requested_from=supervisor)
    competencies.services.assessment_countersign(assessment=assessment, supervisor=supervisor)
    return Entry("competencies.assessment.countersign", supervisor, assessment)


def _evidence_submit(get):
    return Entry("competencies.evidence.submit", get("link_worker"), _evidence(get))


def _evidence_return(get):
    evidence = _evidence(get)
    competencies.services.evidence_return(
        evidence=evidence, reviewer=get("assessor"), feedback="Say more about what you did."
    )
    return Entry("competencies.evidence.return", get("assessor"), evidence)


def _evidence_accept(get):
    evidence = _evidence(get)
    competency = evidence.competencies.get()
    competencies.services.evidence_accept(
        evidence=evidence,
        reviewer=get("assessor"),
        competency=competency,
        level=3,
        method=competency.accepted_methods.order_by("code").first(),
        assessed_on=_yesterday(),
    )
    return Entry("competencies.evidence.accept", get("assessor"), evidence)


def _supervision_log(get):
    return Entry("competencies.supervision.log", get("link_worker"), _session(get))


def _supervision_confirm(get):
    session = _session(get)
    competencies.services.supervision_confirm(session=session, supervisor=get("assessor"))
    return Entry("competencies.supervision.confirm", get("assessor"), session)


def _cpd_log(get):
    entry = competencies.services.cpd_log(
        worker=get("link_worker"),
        done_on=timezone.localdate(),
        activity="Accredited course",
        hours=Decimal("2"),
        is_formal=True,
        points=Decimal("2"),
    )
    return Entry("competencies.cpd.log", get("link_worker"), entry)


def _assessments_import(get):
    report = competencies.services.assessments_import(
        data=_assessments_file(get), filename="a.csv", actor=get("manager")
    )
    assert report.saved, report.problems()
    record = get("manager").assessment_imports.get()
    return Entry("competencies.assessment.import", get("manager"), record)


def _assessment_import_upload(get):
    record = competencies.services.assessment_import_upload(
        actor=get("manager"), filename="a.csv", data=_assessments_file(get)
    )
    return Entry("competencies.assessment.import_upload", get("manager"), record)


def _assessment_import_confirm(get):
    record = competencies.services.assessment_import_check(
        assessment_import=competencies.services.assessment_import_upload(
            actor=get("manager"), filename="a.csv", data=_assessments_file(get)
        )
    )
    record = competencies.services.assessment_import_confirm(
        assessment_import=record, actor=get("manager")
    )
    return Entry("competencies.assessment.import", get("manager"), record, {"created": 1})


def _assessment_import_fail(get):
    record = competencies.services.assessment_import_upload(
        actor=get("manager"), filename="a.csv", data=_assessments_file(get)
    )
    competencies.services.assessment_import_fail(assessment_import_id=record.pk)
    return Entry("competencies.assessment.import_fail", None, record)


def _pending_import(get):
    """An assessment the manager imported in the assessor's name: waiting for them."""
    report = competencies.services.assessments_import(
        data=_assessments_file(get), filename="a.csv", actor=get("manager")
    )
    assert report.saved, report.problems()
    assert report.pending == 1
    return get("manager").assessments_recorded.get()


def _assessment_confirm(get):
    assessment = _pending_import(get)
    competencies.services.assessment_confirm(assessment=assessment, assessor=get("assessor"))
    return Entry("competencies.assessment.confirm", get("assessor"), assessment)


def _assessments_confirm(get):
    assessment = _pending_import(get)
    competencies.services.assessments_confirm(assessments=[assessment], assessor=get("assessor"))
    return Entry("competencies.assessment.confirm", get("assessor"), assessment)


def _role_request(get):
    return workforce.services.role_grant_request(
        user=get("link_worker"),
        organisation=get("organisation"),
        role=Role.ASSESSOR,
        reason="Qualified assessor.",
        actor=get("manager"),
    )


def _role_grant_request(get):
    return Entry("workforce.role.request", get("manager"), _role_request(get))


def _role_grant_approve(get):
    grant_request = _role_request(get)
    second = MembershipFactory(organisation=get("organisation"), role=Role.MANAGER).user
    workforce.services.role_grant_approve(grant_request=grant_request, actor=second)
    return Entry("workforce.role.approve", second, grant_request)


def _role_grant_refuse(get):
    grant_request = _role_request(get)
    second = MembershipFactory(organisation=get("organisation"), role=Role.MANAGER).user
    workforce.services.role_grant_refuse(
        grant_request=grant_request, actor=second, reason="Not trained yet."
    )
    return Entry("workforce.role.refuse", second, grant_request)


def _evidence_download_record(get):
    evidence = _evidence(get)
    competencies.services.evidence_download_record(evidence=evidence, actor=get("assessor"))
    return Entry("competencies.evidence.download", get("assessor"), evidence, {"by_worker": False})


def _framework_version_record(get):
    framework = get("framework")
    trainer = get("trainer")
    revision = framework.save_revision(user=trainer)
    version = curriculum.services.framework_version_record(
        framework=framework, revision=revision, user=trainer
    )
    return Entry("curriculum.version.record", trainer, framework, {"version": version.number})


def _assessment_method_ensure(get):
    trainer = get("trainer")
    method = curriculum.services.assessment_method_ensure(
        code="AUD", name="Audit", description="An audited method.", actor=trainer
    )
    return Entry("curriculum.method.ensure", trainer, method, {"created": True})


def _framework_create(get):
    trainer = get("trainer")
    framework = curriculum.services.framework_create(
        id_number="AUDIT-FW",
        short_name="Audited framework",
        scale=[ScaleLevelData(value=1, name="Met", description="Does it.", is_proficient=True)],
        competencies=[{"id_number": "AUD-01", "short_name": "Keep records"}],
        actor=trainer,
        publish=False,
    )
    # Wagtail's own entry for the first revision (the admin's add view writes wagtail.create).
    return Entry("wagtail.edit", trainer, framework)


def _framework_revise(get):
    trainer = get("trainer")
    revised = curriculum.services.framework_revise(
        framework=get("framework"),
        competencies=[{"id_number": "SPLW-ROL-01", "short_name": "Explains the role, revised"}],
        actor=trainer,
    )
    # A trainer's edition is a draft revision for review: Wagtail's own entry records it.
    return Entry("wagtail.edit", trainer, revised)


def _national_reference_ensure(get):
    trainer = get("trainer")
    reference = curriculum.services.national_reference_ensure(
        framework="ST0958", code="K99", title="An audited knowledge item.", actor=trainer
    )
    return Entry("curriculum.reference.ensure", trainer, reference, {"created": True})


def _credential_sign(get):
    # Issuing signs the certificate's credential in the same transaction; the system signs.
    certificate = _certificate(get)
    return Entry("credentials.credential.sign", None, certificate.signed_credential)


def _share_link_create(get):
    certificate = _certificate(get)
    link = sharing.services.share_link_create(
        holder=certificate.holder, certificate=certificate, label="For an interview"
    )
    return Entry("sharing.link.create", certificate.holder, link, {"label": "For an interview"})


def _share_link_revoke(get):
    holder = get("link_worker")
    link = sharing.services.share_link_create(holder=holder, label="Whole record")
    sharing.services.share_link_revoke(holder=holder, link=link)
    return Entry("sharing.link.revoke", holder, link)


def _framework_import(get):
    trainer = get("trainer")
    example = Path(settings.BASE_DIR).parent / "shared" / "interop"
    data = (example / "moodle-lpimportcsv-example.csv").read_bytes()
    framework = curriculum.services.framework_import(data=data, actor=trainer)
    return Entry("curriculum.framework.import", trainer, framework)


def _eligible_and_supervised(get):
    """The link worker with every record the Core certificate asks for, and a named supervisor."""
    worker = get("link_worker")
    everything(get("assess"), get("core_codes"), worker, get("assessor"), get("second_assessor"))
    supervisor = MembershipFactory(organisation=get("organisation"), role=Role.ASSESSOR).user
    Membership.objects.filter(user=worker, role=Role.LINK_WORKER).update(supervisor=supervisor)
    return worker, supervisor


def _sign_off(get, worker):
    return certificates.services.award_sign_off(
        assessor=get("assessor"), worker=worker, qualification=get("qualification")
    )


def _award_sign_off(get):
    worker, _ = _eligible_and_supervised(get)
    return Entry("certificates.award.sign_off", get("assessor"), _sign_off(get, worker))


def _award_countersign(get):
    worker, supervisor = _eligible_and_supervised(get)
    sign_off = _sign_off(get, worker)
    certificates.services.award_countersign(supervisor=supervisor, sign_off=sign_off)
    return Entry("certificates.award.countersign", supervisor, sign_off)


def _membership_supervisor_set(get):
    manager = get("manager")
    membership = Membership.objects.get(user=get("link_worker"))
    workforce.services.membership_supervisor_set(
        actor=manager, membership=membership, supervisor=get("assessor")
    )
    return Entry("workforce.membership.supervisor", manager, membership)


def _user_create(get):
    manager = get("manager")
    user = workforce.services.user_create(
        email="new.person@example.org", full_name="New Person", actor=manager
    )
    return Entry("workforce.user.create", manager, user)


def _organisation_create(get):
    trainer = get("trainer")
    made = workforce.services.organisation_create(
        name="Audited PCN", kind=OrganisationKind.PCN, ods_code="U99999", actor=trainer
    )
    return Entry("workforce.organisation.create", trainer, made)


def _membership_start(get):
    manager = get("manager")
    membership = workforce.services.membership_start(
        user=UserFactory(), organisation=get("organisation"), role=Role.LINK_WORKER, actor=manager
    )
    return Entry("workforce.membership.start", manager, membership)


def _membership_end(get):
    manager = get("manager")
    membership = Membership.objects.get(user=get("link_worker"))
    workforce.services.membership_end(membership=membership, actor=manager)
    return Entry("workforce.membership.end", manager, membership)


def _user_rename(get):
    manager = get("manager")
    user = workforce.services.user_rename(
        user=get("link_worker"), full_name="Renamed Person", actor=manager
    )
    return Entry("workforce.user.rename", manager, user)


def _roster_import(get):
    manager = get("manager")
    organisation = get("organisation")
    data = as_csv(
        [["Roster Person", "roster.person@example.org", organisation.name, "Link worker"]],
        ["Name", "Email", "Organisation", "Role"],
    )
    plan = workforce.services.roster_import(data=data, filename="r.csv", actor=manager)
    assert plan.ok, plan.problems()
    return Entry("workforce.roster.import", manager, organisation, {"rows": 1})


def _export_record(get):
    manager = get("manager")
    workforce.services.export_record(
        actor=manager, report="certificate-register", file_format="csv", rows=3
    )
    return Entry("workforce.export", manager, manager, {"rows": 3})


def _iqa(get):
    return MembershipFactory(organisation=get("organisation"), role=Role.IQA).user


def _iqa_sample_record(get):
    assessment, iqa = _record(get), _iqa(get)
    quality.services.iqa_sample_record(
        assessment=assessment,
        quality_assurer=iqa,
        decision=IqaDecision.NOT_AGREED,
        reason="The notes do not show how the level was judged.",
    )
    return Entry("quality.sample.hold", iqa, assessment, {"decision": "not_agreed"})


SERVICE_CASES: dict[str, Callable] = {
    "certificates.services.qualification_create": _qualification_create,
    "certificates.services.certificate_issue": _certificate_issue,
    "certificates.services.certificate_revoke": _certificate_revoke,
    "certificates.services.certificate_renew": _certificate_renew,
    "certificates.services.reminders_send": _reminders_send,
    "certificates.services.bulk_issue_request": _bulk_issue_request,
    "certificates.services.bulk_issue_run": _bulk_issue_run,
    "certificates.services.certificate_download_record": _certificate_download_record,
    "certificates.services.award_sign_off": _award_sign_off,
    "certificates.services.award_countersign": _award_countersign,
    "competencies.services.assessment_record": _assessment_record,
    "competencies.services.assessment_correct": _assessment_correct,
    "competencies.services.assessment_countersign": _assessment_countersign,
    "competencies.services.evidence_submit": _evidence_submit,
    "competencies.services.evidence_return": _evidence_return,
    "competencies.services.evidence_accept": _evidence_accept,
    "competencies.services.supervision_log": _supervision_log,
    "competencies.services.supervision_confirm": _supervision_confirm,
    "competencies.services.cpd_log": _cpd_log,
    "competencies.services.assessments_import": _assessments_import,
    "competencies.services.assessment_import_upload": _assessment_import_upload,
    "competencies.services.assessment_import_confirm": _assessment_import_confirm,
    "competencies.services.assessment_import_fail": _assessment_import_fail,
    "competencies.services.evidence_download_record": _evidence_download_record,
    "competencies.services.assessment_confirm": _assessment_confirm,
    "competencies.services.assessments_confirm": _assessments_confirm,
    "curriculum.services.framework_version_record": _framework_version_record,
    "curriculum.services.assessment_method_ensure": _assessment_method_ensure,
    "curriculum.services.framework_create": _framework_create,
    "curriculum.services.framework_import": _framework_import,
    "curriculum.services.framework_revise": _framework_revise,
    "curriculum.services.national_reference_ensure": _national_reference_ensure,
    "credentials.services.credential_sign": _credential_sign,
    "sharing.services.share_link_create": _share_link_create,
    "sharing.services.share_link_revoke": _share_link_revoke,
    "workforce.services.user_create": _user_create,
    "workforce.services.organisation_create": _organisation_create,
    "workforce.services.membership_start": _membership_start,
    "workforce.services.membership_end": _membership_end,
    "workforce.services.user_rename": _user_rename,
    "workforce.services.roster_import": _roster_import,
    "workforce.services.membership_supervisor_set": _membership_supervisor_set,
    "workforce.services.role_grant_request": _role_grant_request,
    "workforce.services.role_grant_approve": _role_grant_approve,
    "workforce.services.role_grant_refuse": _role_grant_refuse,
    "workforce.services.export_record": _export_record,
    "quality.services.iqa_sample_record": _iqa_sample_record,
}

# Public functions of the services modules that write no entry of their own, and why. Short on
# purpose: anything added here needs a reason a reviewer accepts.
NOT_AUDITED = {
    "certificates.services.verification_url": "builds a link; writes nothing",
    "certificates.services.certificate_verified": (
        "an anonymous public check: its CertificateCheck row is the record (with a shared "
        "cache, one row per batch of checks, with their count)"
    ),
    "certificates.services.certificate_check_by_code": (
        "an anonymous public check by code: counted as certificate_verified counts one"
    ),
    "certificates.services.certificate_checks_flush": (
        "appends the public checks counted in the shared cache: the rows are the record"
    ),
    "competencies.services.assessment_import_check": (
        "checks a kept upload and stores its report; the upload before it and the confirmed "
        "import (or its failure) after it are logged"
    ),
    "competencies.services.assessment_import_queue": (
        "marks a checked upload as being saved by the background task, whose save is logged "
        "as competencies.assessment.import (or import_fail)"
    ),
    "credentials.services.status_list_url": "builds a link; writes nothing",
    "credentials.services.credentials_sign_missing": (
        "signs each certificate through credential_sign, which logs credentials.credential.sign"
    ),
    "sharing.services.share_link_opened": (
        "an anonymous opening: its ShareLinkOpening row (date and time only) is the record, and "
        "the holder reads it on the link's page"
    ),
    "workforce.services.user_invite_send": (
        "emails a set-password link to someone whose creation (workforce.user.create) is logged"
    ),
}


def _public_functions() -> set[str]:
    return {
        f"{module.__name__}.{name}"
        for module in SERVICE_MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }


def test_every_public_service_function_has_a_case_or_a_reason():
    found = _public_functions()

    assert not set(SERVICE_CASES) & set(NOT_AUDITED)
    assert set(SERVICE_CASES) | set(NOT_AUDITED) == found, (
        f"without a case: {sorted(found - set(SERVICE_CASES) - set(NOT_AUDITED))}; "
        f"no longer a service: {sorted((set(SERVICE_CASES) | set(NOT_AUDITED)) - found)}"
    )


@pytest.mark.parametrize("name", sorted(SERVICE_CASES))
def test_the_service_writes_its_audit_entry(request, name):
    assert_logged(lambda: SERVICE_CASES[name](request.getfixturevalue))


# --- The test of the test ---------------------------------------------------------------------


def test_a_case_whose_call_writes_nothing_fails(manager):
    def writes_nothing() -> Entry:
        certificates.services.verification_url("x" * 32)
        return Entry("workforce.user.rename", manager, manager)

    with pytest.raises(AssertionError, match=r"No workforce\.user\.rename entry"):
        assert_logged(writes_nothing)


def test_an_entry_by_someone_else_or_about_something_else_fails(manager, link_worker):
    def wrong_user() -> Entry:
        workforce.services.user_rename(user=link_worker, full_name="A", actor=link_worker)
        return Entry("workforce.user.rename", manager, link_worker)

    def wrong_object() -> Entry:
        workforce.services.user_rename(user=link_worker, full_name="B", actor=manager)
        return Entry("workforce.user.rename", manager, manager)

    for case in (wrong_user, wrong_object):
        with pytest.raises(AssertionError, match=r"No workforce\.user\.rename entry"):
            assert_logged(case)


def test_a_new_service_without_a_case_is_found(monkeypatch):
    def thing_do(*, actor) -> None:
        """A service added without a case."""

    thing_do.__module__ = workforce.services.__name__
    monkeypatch.setattr(workforce.services, "thing_do", thing_do, raising=False)

    with pytest.raises(AssertionError, match="thing_do"):
        test_every_public_service_function_has_a_case_or_a_reason()


# --- Exports and downloads, through their pages -----------------------------------------------


def _get(client, user, url: str):
    client.force_login(user)
    # A stored PDF's view redirects to its signed link; the entry is written as it is issued.
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    b"".join(response.streaming_content) if response.streaming else response.content
    return response


def _my_certificate_pdf(get, client):
    certificate = _certificate(get)
    holder = get("eligible_worker")
    _get(client, holder, f"/progress/certificates/{certificate.number}/pdf/")
    return Entry("certificates.certificate.download", holder, certificate, {"by_holder": True})


def _manage_pdf(get, client):
    certificate = _certificate(get)
    _get(client, get("manager"), f"/team/certificates/{certificate.number}/pdf/")
    return Entry(
        "certificates.certificate.download", get("manager"), certificate, {"by_holder": False}
    )


def _register_export(file_format):
    def case(get, client):
        _certificate(get)
        manager = get("manager")
        _get(client, manager, f"/team/certificates/register.{file_format}")
        return Entry(
            "workforce.export",
            manager,
            manager,
            {"report": "certificate-register", "file_format": file_format, "rows": 1},
        )

    return case


def _bulk_zip(get, client):
    bulk = _bulk(get)
    certificates.services.bulk_issue_run(bulk_issue=bulk)
    manager = get("manager")
    _get(client, manager, f"/team/certificates/bulk/{bulk.pk}/certificates.zip")
    return Entry(
        "workforce.export",
        manager,
        manager,
        {"report": "certificate-pdfs", "file_format": "zip", "rows": 1},
    )


def _evidence_file(get, client):
    evidence = _evidence(get, upload=True)
    _get(client, get("assessor"), f"/evidence/{evidence.pk}/file/")
    return Entry("competencies.evidence.download", get("assessor"), evidence)


def _history_export(file_format):
    def case(get, client):
        _record(get)
        manager = get("manager")
        _get(client, manager, f"/reports/assessment-history.{file_format}")
        return Entry(
            "workforce.export",
            manager,
            manager,
            {"report": "assessment-history", "file_format": file_format, "rows": 1},
        )

    return case


def _progress_matrix_export(get, client):
    get("demo_curriculum")
    get("link_worker")
    organisation = get("organisation")
    manager = get("manager")
    _get(client, manager, f"/reports/progress/{organisation.pk}.xlsx")
    return Entry(
        "workforce.export",
        manager,
        organisation,
        {"report": "progress-matrix", "file_format": "xlsx", "rows": 1},
    )


def _import_problems(get, client):
    manager = get("manager")
    get("framework")
    record = competencies.services.assessment_import_check(
        assessment_import=competencies.services.assessment_import_upload(
            actor=manager,
            filename="bad.csv",
            data=as_csv([["nobody@example.org", "NOPE", 9, "X", "", "", ""]], HEADERS),
        )
    )
    _get(client, manager, f"/imports/assessments/{record.pk}/problems.csv")
    return Entry("workforce.export", manager, manager, {"report": "import-problems"})


def _quality_evidence_file(get, client):
    evidence, iqa = _evidence(get, upload=True), _iqa(get)
    _get(client, iqa, f"/quality/evidence/{evidence.pk}/file/")
    return Entry("competencies.evidence.download", iqa, evidence)


EXPORT_CASES: dict[str, Callable] = {
    "certificates:my_certificate_pdf": _my_certificate_pdf,
    "certificates:manage_pdf": _manage_pdf,
    "certificates:register_export csv": _register_export("csv"),
    "certificates:register_export xlsx": _register_export("xlsx"),
    "certificates:bulk_zip": _bulk_zip,
    "competencies:evidence_file": _evidence_file,
    "imports:history_export csv": _history_export("csv"),
    "imports:history_export xlsx": _history_export("xlsx"),
    "imports:progress_matrix_export": _progress_matrix_export,
    "imports:import_problems": _import_problems,
    "quality:evidence_file": _quality_evidence_file,
}

# Download-like URLs that are not exports of anyone's records, and why.
NOT_EXPORTS = {
    "certificates:verify_json": "the public verification page's JSON twin, counted as a check",
    "certificates:verify_credential": "the public Open Badges credential, counted as a check",
}
# A URL that hands over a file or a report: a name that says so, or a path ending in a file.
DOWNLOAD = re.compile(r"export|pdf|file|zip|problems|json|credential|download|csv|xlsx")
PROJECT_NAMESPACES = {
    "certificates",
    "competencies",
    "imports",
    "oversight",
    "quality",
    "workforce",
}


def _project_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner in PROJECT_NAMESPACES:
                names |= _project_url_names(pattern, inner)
        elif (
            isinstance(pattern, URLPattern)
            and namespace
            and pattern.name
            and (DOWNLOAD.search(pattern.name) or DOWNLOAD.search(str(pattern.pattern)))
        ):
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_download_url_has_a_case_or_a_reason():
    covered = {case.split()[0] for case in EXPORT_CASES}

    assert not covered & set(NOT_EXPORTS)
    assert covered | set(NOT_EXPORTS) == _project_url_names()


@pytest.mark.parametrize("name", sorted(EXPORT_CASES))
def test_the_export_or_download_writes_its_audit_entry(request, client, name):
    assert_logged(lambda: EXPORT_CASES[name](request.getfixturevalue, client))


def test_a_download_refused_writes_nothing(
    client,
    eligible_worker,  # noqa: F811 - the fixture imported above
    manager,
    qualification,  # noqa: F811
):
    certificate = certificates.services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )
    stranger = MembershipFactory(organisation=OrganisationFactory(), role=Role.LINK_WORKER).user
    client.force_login(stranger)
    logged = ModelLogEntry.objects.filter(action="certificates.certificate.download").count()

    assert client.get(f"/progress/certificates/{certificate.number}/pdf/").status_code == 404
    assert client.get(f"/team/certificates/{certificate.number}/pdf/").status_code == 403
    assert ModelLogEntry.objects.filter(action="certificates.certificate.download").count() == (
        logged
    )


# --- Rules changed in the Wagtail admin ---------------------------------------------------------


def _form_data(html: str) -> dict[str, list[str]]:
    """What a browser would post back from the admin's edit form, unchanged."""
    form = BeautifulSoup(html, "html.parser").find("form", id="w-editor-form")
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        # Blank inline forms for the page's "add" buttons are templates, not part of the form.
        if not name or "__prefix__" in name or element.get("type") in ("submit", "button"):
            continue
        if element.name == "select":
            values = [
                o.get("value", o.text) for o in element.find_all("option") if o.has_attr("selected")
            ]
        elif element.name == "textarea":
            values = [element.text]
        elif element.get("type") in ("checkbox", "radio"):
            values = [element.get("value", "on")] if element.has_attr("checked") else []
        else:
            values = [element.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def _admin_edit(client, url: str, changes: dict[str, str]):
    data = _form_data(client.get(url).content.decode())
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(url, data)
    errors = BeautifulSoup(response.content, "html.parser").select(".error-message, .help-critical")
    assert response.status_code == 302, [e.get_text(" ", strip=True) for e in errors]
    return response


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_editing_a_qualification_in_the_admin_is_logged(
    client,
    superuser,
    qualification,  # noqa: F811 - the fixture imported above
):
    client.force_login(superuser)

    assert_logged(
        lambda: (
            _admin_edit(
                client,
                f"/admin/snippets/certificates/qualification/edit/{qualification.pk}/",
                # Rules change by publishing a revision: a plain save is a draft (issue 13).
                {"min_cpd_points_year": "25", "action-publish": "action-publish"},
            )
            and Entry("wagtail.edit", superuser, qualification)
        )
    )
    qualification.refresh_from_db()
    assert qualification.min_cpd_points_year == 25


def test_adding_a_qualification_in_the_admin_is_logged(client, superuser, framework):
    client.force_login(superuser)
    url = "/admin/snippets/certificates/qualification/add/"

    def add() -> Entry:
        _admin_edit(
            client,
            url,
            {
                "title": "Admin-made certificate",
                "code": "ADMIN-1",
                "framework": str(framework.pk),
                "issuer_name": "Link Worker Academy",
                "signatory": "Head of Training",
            },
        )
        return Entry("wagtail.create", superuser, Qualification.objects.get(code="ADMIN-1"))

    assert_logged(add)


def test_editing_a_framework_scale_and_competency_in_the_admin_is_logged(
    client, superuser, framework
):
    client.force_login(superuser)
    url = f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/"
    data = _form_data(client.get(url).content.decode())
    # The first scale level's name and the first competency's short name.
    level_name = next(k for k in data if re.fullmatch(r"scale_levels-\d+-name", k))
    competency_name = next(k for k in data if re.fullmatch(r"competencies-\d+-short_name", k))

    def edit() -> Entry:
        _admin_edit(
            client,
            url,
            {level_name: "Aware (renamed)", competency_name: "Renamed in the admin"},
        )
        return Entry("wagtail.edit", superuser, CompetencyFramework.objects.get(pk=framework.pk))

    assert_logged(edit)
    framework.refresh_from_db()
    assert framework.latest_revision.content["scale_levels"][0]["name"] == "Aware (renamed)"


def test_editing_an_assessment_method_in_the_admin_is_logged(client, superuser, framework):
    client.force_login(superuser)
    method = AssessmentMethod.objects.order_by("code").first()

    assert_logged(
        lambda: (
            _admin_edit(
                client,
                f"/admin/snippets/curriculum/assessmentmethod/edit/{method.pk}/",
                {"name": "Renamed method", "action-publish": "action-publish"},
            )
            and Entry("wagtail.edit", superuser, method)
        )
    )
    method.refresh_from_db()
    assert method.name == "Renamed method"
