"""Issuing, revoking and renewing certificates: the rules, the snapshot and the audit log."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import Certificate, CertificateStatus, RevocationReason
from certificates.selectors import qualification_checklist, renewal_checklist
from competencies import services as competency_services
from competencies.models import EvidenceKind, SupervisionKind
from curriculum.models import AssessmentMethod, Competency
from tests.certificates.records import cpd, day, meet_rule, signed_off, supervision
from tests.factories import MembershipFactory
from workforce.models import Membership, Role
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db


def _issue(manager, worker, qualification, **extra) -> Certificate:
    return services.certificate_issue(
        actor=manager, worker=worker, qualification=qualification, **extra
    )


def _actions(certificate) -> list[str]:
    return list(
        ModelLogEntry.objects.for_instance(certificate)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def test_a_manager_issues_to_an_eligible_worker(manager, eligible_worker, qualification):
    certificate = _issue(manager, eligible_worker, qualification)

    today = timezone.localdate()
    assert certificate.holder == eligible_worker
    assert certificate.holder_name == eligible_worker.full_name
    assert certificate.employer_name == "Riverside Test PCN"
    assert certificate.qualification_title == "Link Worker Practice Certificate (Core)"
    assert certificate.issuer_name == "Link Worker Academy"
    assert certificate.issued_on == today
    assert certificate.expires_on == today + relativedelta(months=36)
    assert certificate.renewal_due_on == certificate.expires_on - datetime.timedelta(days=60)
    assert certificate.framework_version == qualification.framework.versions.latest("number")
    assert certificate.number.startswith(f"LWPC-CORE-{today.year}-")
    assert certificate.status_on(today) == CertificateStatus.VALID
    assert _actions(certificate) == ["certificates.certificate.issue"]


def test_the_snapshot_lists_each_competency_and_the_sign_offs(
    manager, eligible_worker, qualification, assessor, core_codes
):
    certificate = _issue(manager, eligible_worker, qualification)

    rows = {row["code"]: row for row in certificate.snapshot["competencies"]}
    assert set(core_codes) <= set(rows)
    first = rows[core_codes[0]]
    assert first["assessor"] == assessor.full_name
    assert first["level"] == 3
    assert first["level_name"]
    assert first["method"]
    roles = [signoff["role"] for signoff in certificate.snapshot["signoffs"]]
    assert roles == [
        "Assessor, professional discussion",
        "Signed off by",
        "Countersigned by",
        "for Link Worker Academy",
    ]
    assert "CPD" in certificate.snapshot["renewal_conditions"][0]
    assert certificate.snapshot["curriculum"].endswith(
        f"version {certificate.framework_version.number}"
    )


def test_the_verification_code_is_long_and_unguessable(manager, eligible_worker, qualification):
    certificate = _issue(manager, eligible_worker, qualification)

    # token_urlsafe(24): 24 random bytes = 192 bits, 32 characters.
    assert len(certificate.verification_code) == 32
    assert certificate.verification_code not in certificate.number


def test_not_eligible_is_refused_with_what_is_missing(
    manager, link_worker, qualification, assess, core_codes
):
    assess(core_codes[0])

    with pytest.raises(ValidationError) as refused:
        _issue(manager, link_worker, qualification)

    assert refused.value.code == "not_eligible"
    assert "Core competencies at level 3 or above" in refused.value.messages[0]
    assert not Certificate.objects.exists()


def test_nobody_certifies_themselves(organisation, eligible_worker, qualification):
    MembershipFactory(user=eligible_worker, organisation=organisation, role=Role.MANAGER)

    with pytest.raises(PermissionDenied, match="Nobody may issue a certificate to themselves"):
        _issue(eligible_worker, eligible_worker, qualification)
    assert not Certificate.objects.exists()


def test_a_manager_of_another_organisation_is_refused(
    outside_manager, eligible_worker, qualification
):
    with pytest.raises(PermissionDenied, match="must be a manager"):
        _issue(outside_manager, eligible_worker, qualification)
    assert not Certificate.objects.exists()


def test_an_assessor_may_not_issue(assessor, eligible_worker, qualification):
    with pytest.raises(PermissionDenied):
        _issue(assessor, eligible_worker, qualification)


def test_a_second_current_certificate_is_refused(manager, eligible_worker, qualification):
    first = _issue(manager, eligible_worker, qualification)

    with pytest.raises(ValidationError) as refused:
        _issue(manager, eligible_worker, qualification)

    assert refused.value.code == "already_current"
    assert first.number in refused.value.messages[0]
    assert Certificate.objects.count() == 1


def test_the_database_holds_one_current_certificate_even_past_the_service(
    manager, eligible_worker, qualification
):
    first = _issue(manager, eligible_worker, qualification)
    twin = Certificate.objects.get(pk=first.pk)
    twin.pk = None
    twin.number = "LWPC-CORE-TWIN"
    twin.verification_code = "x" * 32
    twin.pdf_sha256 = "0" * 64

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_future_issue_date_is_refused(manager, eligible_worker, qualification):
    with pytest.raises(ValidationError) as refused:
        _issue(manager, eligible_worker, qualification, issued_on=day(-1))
    assert refused.value.code == "future_date"


def test_eligibility_is_judged_on_the_issue_date(manager, eligible_worker, qualification):
    # A year ago none of the records (made in the last year) existed yet.
    with pytest.raises(ValidationError) as refused:
        _issue(manager, eligible_worker, qualification, issued_on=day(400))
    assert refused.value.code == "not_eligible"


def test_revoking_needs_a_reason_and_keeps_the_certificate(manager, eligible_worker, qualification):
    certificate = _issue(manager, eligible_worker, qualification)

    with pytest.raises(ValidationError) as no_details:
        services.certificate_revoke(
            actor=manager,
            certificate=certificate,
            reason=RevocationReason.ISSUED_IN_ERROR,
            details="  ",
        )
    assert no_details.value.code == Refusal.REASON
    with pytest.raises(ValidationError) as no_reason:
        services.certificate_revoke(
            actor=manager, certificate=certificate, reason="Made up.", details="Some details."
        )
    assert no_reason.value.code == Refusal.REVOCATION_REASON
    services.certificate_revoke(
        actor=manager,
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued against the wrong record.",
    )

    certificate.refresh_from_db()
    assert certificate.status_on(timezone.localdate()) == CertificateStatus.REVOKED
    assert certificate.revocation_reason == RevocationReason.ISSUED_IN_ERROR
    assert certificate.revocation_details == "Issued against the wrong record."
    assert certificate.revoked_by == manager
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert _actions(certificate) == [
        "certificates.certificate.issue",
        "certificates.certificate.revoke",
    ]
    with pytest.raises(ValidationError) as again:
        services.certificate_revoke(
            actor=manager,
            certificate=certificate,
            reason=RevocationReason.ISSUED_IN_ERROR,
            details="Twice",
        )
    assert again.value.code == "already_revoked"


def test_after_revocation_a_new_certificate_may_be_issued(manager, eligible_worker, qualification):
    first = _issue(manager, eligible_worker, qualification)
    services.certificate_revoke(
        actor=manager,
        certificate=first,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Wrong name.",
    )

    # A new certificate rests on a new sign-off: the first one was used.
    signed_off(
        eligible_worker,
        qualification,
        assessor=first.award_sign_off.assessor,
        supervisor=first.award_sign_off.countersigned_by,
    )
    second = _issue(manager, eligible_worker, qualification)

    assert second.pk != first.pk
    assert Certificate.objects.filter(holder=eligible_worker).count() == 2


def test_only_the_workers_managers_may_revoke(
    manager, outside_manager, eligible_worker, qualification
):
    certificate = _issue(manager, eligible_worker, qualification)

    with pytest.raises(PermissionDenied):
        services.certificate_revoke(
            actor=outside_manager,
            certificate=certificate,
            reason=RevocationReason.ISSUED_IN_ERROR,
            details="No",
        )
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.parametrize(
    ("days_from_issue", "status"),
    [
        (0, CertificateStatus.VALID),
        (-1, CertificateStatus.RENEWAL_DUE),  # relative to the renewal-due day
        (None, CertificateStatus.EXPIRED),
    ],
)
def test_status_follows_the_dates(manager, eligible_worker, qualification, days_from_issue, status):
    certificate = _issue(manager, eligible_worker, qualification)
    if days_from_issue == 0:
        day_checked = certificate.renewal_due_on - datetime.timedelta(days=1)
    elif days_from_issue == -1:
        day_checked = certificate.renewal_due_on
    else:
        day_checked = certificate.expires_on

    assert certificate.status_on(day_checked) == status


def _renewal_records(worker, assessor, assess):
    assess("SPLW-PCP-01", method="DOP", days_ago=2)
    assess("SPLW-EQU-02", method="CBD", days_ago=2)
    for title in ("A first reflection", "A second reflection"):
        evidence = competency_services.evidence_submit(
            worker=worker,
            kind=EvidenceKind.REFLECTIVE_ACCOUNT,
            title=title,
            text="What I learnt.",
            competencies=[_competency("SPLW-EQU-03")],
        )
        competency_services.evidence_accept(
            evidence=evidence,
            reviewer=assessor,
            competency=_competency("SPLW-EQU-03"),
            level=3,
            method=_method("RFA"),
            assessed_on=day(1),
        )


def _competency(code):
    return Competency.objects.get(id_number=code)


def _method(code):
    return AssessmentMethod.objects.get(code=code)


@pytest.fixture
def due_certificate(
    manager, link_worker, qualification, assessor, second_assessor, assess, core_codes
):
    """A certificate issued 34 months ago (so renewal is due), with the records it rested on,
    signed off and countersigned by the worker's named supervisor on the day."""
    issued_days_ago = 1040
    supervisor = MembershipFactory(
        organisation=Membership.objects.get(user=link_worker).organisation, role=Role.ASSESSOR
    ).user
    Membership.objects.update(starts_on=day(issued_days_ago + 400))  # all in post since then
    for competency in Competency.objects.filter(id_number__in=core_codes):
        meet_rule(assess, competency, by=assessor, days_ago=issued_days_ago + 30)
    for observer in (assessor, second_assessor):
        assess("SPLW-PCP-01", method="DOP", by=observer, days_ago=issued_days_ago + 25)
    assess("SPLW-COM-02", method="PD", days_ago=issued_days_ago + 20)
    for number in range(10):
        session = competency_services.supervision_log(
            worker=link_worker,
            supervisor=assessor,
            held_on=day(issued_days_ago + 10 + 30 * number),
            kind=SupervisionKind.PROFESSIONAL,
            reflections="Talked through a case.",
        )
        competency_services.supervision_confirm(session=session, supervisor=assessor)
    issued_on = day(issued_days_ago)
    competency_services.cpd_log(
        worker=link_worker,
        done_on=issued_on.replace(month=1, day=1),
        activity="Accredited course",
        hours=20,
        is_formal=True,
        points=20,
    )
    signed_off(link_worker, qualification, assessor=assessor, supervisor=supervisor, on=issued_on)
    return _issue(manager, link_worker, qualification, issued_on=issued_on)


def test_renewal_lists_what_is_missing_until_met(
    manager, due_certificate, link_worker, assessor, assess
):
    assert due_certificate.status_on(timezone.localdate()) == CertificateStatus.RENEWAL_DUE
    checklist = renewal_checklist(due_certificate)
    assert not checklist.eligible
    with pytest.raises(ValidationError) as refused:
        services.certificate_renew(actor=manager, certificate=due_certificate)
    assert refused.value.code == "not_eligible"

    _renewal_records(link_worker, assessor, assess)
    supervision(link_worker, assessor, 10)
    cpd(link_worker, points=20, formal_hours=10)

    assert renewal_checklist(due_certificate).eligible
    # The renewal is signed off and countersigned as the award was.
    with pytest.raises(ValidationError) as unsigned:
        services.certificate_renew(actor=manager, certificate=due_certificate)
    assert unsigned.value.code == Refusal.NO_SIGN_OFF
    supervisor = due_certificate.award_sign_off.countersigned_by
    signed_off(link_worker, due_certificate.qualification, assessor=assessor, supervisor=supervisor)
    renewed = services.certificate_renew(actor=manager, certificate=due_certificate)

    due_certificate.refresh_from_db()
    today = timezone.localdate()
    assert due_certificate.status_on(today) == CertificateStatus.SUPERSEDED
    assert due_certificate.superseded_by == renewed
    assert renewed.supersedes == due_certificate
    assert renewed.status_on(today) == CertificateStatus.VALID
    assert renewed.pdf_sha256 != due_certificate.pdf_sha256
    assert _actions(renewed) == ["certificates.certificate.renew"]


def test_renewal_is_refused_before_the_window(manager, eligible_worker, qualification):
    certificate = _issue(manager, eligible_worker, qualification)

    with pytest.raises(ValidationError) as refused:
        services.certificate_renew(actor=manager, certificate=certificate)

    assert refused.value.code == "too_early"
    assert f"{certificate.renewal_due_on:%d %B %Y}" in refused.value.messages[0]


def test_a_revoked_certificate_cannot_be_renewed(manager, due_certificate):
    services.certificate_revoke(
        actor=manager,
        certificate=due_certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Fraud.",
    )

    with pytest.raises(ValidationError) as refused:
        services.certificate_renew(actor=manager, certificate=due_certificate)
    assert refused.value.code == "not_current"


def test_a_framework_without_core_competencies_certifies_nobody(
    manager, eligible_worker, qualification, framework
):
    framework.competencies.filter(is_core=True).update(is_retired=True)

    checklist = qualification_checklist(eligible_worker, qualification)

    assert checklist.items[0].met is False
    assert checklist.items[0].detail == "no core competencies yet"
    with pytest.raises(ValidationError) as refused:
        _issue(manager, eligible_worker, qualification)
    assert refused.value.code == "not_eligible"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "lwpc core"}, "code"),
        ({"code": "A" * 21}, "code"),
        ({"code": "LWPC/CORE"}, "code"),
        ({"validity_months": 0}, "validity_months"),
        ({"validity_months": 2, "renewal_window_days": 60}, "renewal_window_days"),
    ],
)
def test_qualification_rules_that_cannot_work_are_refused(framework, fields, field):
    values = {
        "code": "NEW-CERT",
        "title": "New certificate",
        "framework": framework,
        "issuer_name": "Link Worker Academy",
        "signatory": "Head of Training",
        **fields,
    }

    with pytest.raises(ValidationError) as refused:
        services.qualification_create(**values)

    assert field in refused.value.message_dict


def test_only_the_one_current_rule_reads_as_already_current(
    manager, eligible_worker, qualification, monkeypatch
):
    # Any other database refusal is not explained away as "already has one".
    monkeypatch.setattr(services, "relativedelta", lambda **kwargs: datetime.timedelta(0))

    with pytest.raises(IntegrityError):
        _issue(manager, eligible_worker, qualification)
    assert not Certificate.objects.exists()
