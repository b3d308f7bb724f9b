"""Award sign-off by an assessor, countersignature by the worker's named supervisor, and the
manager's issue rules: each hole a manager wanting a certificate for a friend might try."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import selectors, services
from certificates.models import AwardSignOff, Certificate, RevocationReason
from competencies.models import Assessment, AssessmentConfirmation, AssessmentImport
from curriculum.selectors import current_version
from tests.certificates.records import day
from tests.certificates.test_pdf import pdf_text
from tests.factories import MembershipFactory
from workforce.models import Membership, Role
from workforce.refusals import Refusal

pytestmark = pytest.mark.django_db


def _name_supervisor(worker, supervisor) -> None:
    Membership.objects.filter(user=worker, role=Role.LINK_WORKER).update(supervisor=supervisor)


def _sign_off(assessor, worker, qualification) -> AwardSignOff:
    return services.award_sign_off(assessor=assessor, worker=worker, qualification=qualification)


def _issue(manager, worker, qualification) -> Certificate:
    return services.certificate_issue(actor=manager, worker=worker, qualification=qualification)


@pytest.fixture
def supervised(eligible_records, named_supervisor):
    """The eligible worker, with their named supervisor set."""
    _name_supervisor(eligible_records, named_supervisor)
    return eligible_records


@pytest.fixture
def countersigned(supervised, qualification, assessor, named_supervisor) -> AwardSignOff:
    sign_off = _sign_off(assessor, supervised, qualification)
    return services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)


def _refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value


# --- Signing off and countersigning -------------------------------------------------------------


def test_signed_off_countersigned_then_issued_with_both_on_the_certificate(
    manager, supervised, qualification, assessor, named_supervisor
):
    sign_off = _sign_off(assessor, supervised, qualification)
    assert sign_off.assessor == assessor
    assert sign_off.countersigned_by is None
    assert ModelLogEntry.objects.for_instance(sign_off).get().action == (
        "certificates.award.sign_off"
    )

    services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)
    sign_off.refresh_from_db()
    assert sign_off.countersigned_by == named_supervisor
    assert sign_off.countersigned_at is not None

    certificate = _issue(manager, supervised, qualification)

    assert certificate.award_sign_off == sign_off
    assert certificate.qualification_revision_id == qualification.live_revision_id
    today = timezone.localdate().isoformat()
    entries = [e for e in certificate.snapshot["signoffs"] if e.get("kind")]
    assert entries == [
        {"kind": "sign_off", "role": "Signed off by", "name": assessor.full_name, "date": today},
        {
            "kind": "countersignature",
            "role": "Countersigned by",
            "name": named_supervisor.full_name,
            "as": "named supervisor",
            "date": today,
        },
    ]
    # The countersignature replaces the old "supervision confirmed" entry.
    roles = [entry["role"] for entry in certificate.snapshot["signoffs"]]
    assert "Supervisor, supervision confirmed" not in roles


def test_a_worker_who_is_not_eligible_is_not_signed_off(
    link_worker, qualification, assessor, named_supervisor, framework
):
    _name_supervisor(link_worker, named_supervisor)

    refused = _refused(lambda: _sign_off(assessor, link_worker, qualification))

    assert refused.code == Refusal.NOT_ELIGIBLE
    assert "Core competencies at level 3 or above" in refused.messages[0]
    assert "Direct observations" in refused.messages[0]
    assert not AwardSignOff.objects.exists()


def test_the_named_supervisor_does_not_sign_off(supervised, qualification, named_supervisor):
    refused = _refused(lambda: _sign_off(named_supervisor, supervised, qualification))

    assert refused.code == Refusal.SIGN_OFF_BY_SUPERVISOR
    assert not AwardSignOff.objects.exists()


def test_only_an_assessor_of_the_worker_signs_off(
    supervised, qualification, manager, outside_assessor
):
    for stranger in (manager, outside_assessor):
        with pytest.raises(PermissionDenied):
            _sign_off(stranger, supervised, qualification)
    assert not AwardSignOff.objects.exists()


def test_not_signed_off_twice_while_one_stands(
    supervised, qualification, assessor, second_assessor
):
    first = _sign_off(assessor, supervised, qualification)

    refused = _refused(lambda: _sign_off(second_assessor, supervised, qualification))

    assert refused.code == Refusal.ALREADY_SIGNED_OFF
    assert assessor.full_name in refused.messages[0]
    assert list(AwardSignOff.objects.all()) == [first]


def test_a_sign_off_older_than_90_days_neither_blocks_nor_counts(
    manager, supervised, qualification, assessor, second_assessor, named_supervisor
):
    # Kept from before: signed and countersigned 91 days ago, never used.
    long_ago = timezone.now() - datetime.timedelta(days=91)
    AwardSignOff.objects.create(
        holder=supervised,
        qualification=qualification,
        assessor=second_assessor,
        signed_at=long_ago,
        countersigned_by=named_supervisor,
        countersigned_at=long_ago,
    )

    refused = _refused(lambda: _issue(manager, supervised, qualification))
    assert refused.code == Refusal.NO_SIGN_OFF
    assert "No assessor has signed off" in refused.messages[0]

    fresh = _sign_off(assessor, supervised, qualification)
    services.award_countersign(supervisor=named_supervisor, sign_off=fresh)
    assert _issue(manager, supervised, qualification).award_sign_off == fresh


def test_only_the_named_supervisor_countersigns(
    supervised, qualification, assessor, second_assessor, outside_assessor, named_supervisor
):
    sign_off = _sign_off(assessor, supervised, qualification)

    refused = _refused(
        lambda: services.award_countersign(supervisor=second_assessor, sign_off=sign_off)
    )
    assert refused.code == Refusal.NOT_NAMED_SUPERVISOR
    with pytest.raises(PermissionDenied):
        services.award_countersign(supervisor=outside_assessor, sign_off=sign_off)
    sign_off.refresh_from_db()
    assert sign_off.countersigned_by is None

    services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)
    again = _refused(
        lambda: services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)
    )
    assert again.code == Refusal.ALREADY_COUNTERSIGNED
    assert [entry.action for entry in ModelLogEntry.objects.for_instance(sign_off)] == [
        "certificates.award.countersign",
        "certificates.award.sign_off",
    ]


def test_the_assessor_who_signed_off_never_countersigns_even_once_named(
    supervised, qualification, assessor
):
    sign_off = _sign_off(assessor, supervised, qualification)
    _name_supervisor(supervised, assessor)  # named afterwards, by a careless or friendly manager

    refused = _refused(lambda: services.award_countersign(supervisor=assessor, sign_off=sign_off))

    assert refused.code == Refusal.COUNTERSIGNER


# --- Issuing: what is missing -------------------------------------------------------------------


def test_issue_waits_for_a_sign_off_and_then_for_the_countersignature(
    manager, supervised, qualification, assessor, named_supervisor
):
    refused = _refused(lambda: _issue(manager, supervised, qualification))
    assert refused.code == Refusal.NO_SIGN_OFF
    assert "No assessor has signed off" in refused.messages[0]

    sign_off = _sign_off(assessor, supervised, qualification)
    refused = _refused(lambda: _issue(manager, supervised, qualification))
    assert refused.code == Refusal.NO_SIGN_OFF
    assert refused.messages[0].startswith("Waiting for the named supervisor's countersignature")

    services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)
    assert _issue(manager, supervised, qualification).award_sign_off == sign_off


def test_a_sign_off_serves_one_certificate(
    manager, supervised, qualification, countersigned, assessor
):
    first = _issue(manager, supervised, qualification)
    services.certificate_revoke(
        actor=manager,
        certificate=first,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Wrong employer.",
    )

    refused = _refused(lambda: _issue(manager, supervised, qualification))

    assert refused.code == Refusal.NO_SIGN_OFF
    assert Certificate.objects.count() == 1


# --- The manager who wants a certificate for a friend ---------------------------------------------


def _also(person, organisation, role) -> None:
    MembershipFactory(user=person, organisation=organisation, role=role)


def test_a_manager_who_signed_off_does_not_issue(
    manager, organisation, supervised, qualification, named_supervisor
):
    _also(manager, organisation, Role.ASSESSOR)
    sign_off = _sign_off(manager, supervised, qualification)
    services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)

    refused = _refused(lambda: _issue(manager, supervised, qualification))

    assert refused.code == Refusal.ISSUER_TOOK_PART
    assert "You signed off" in refused.messages[0]
    assert not Certificate.objects.exists()


def test_a_manager_who_countersigned_does_not_issue(
    manager, organisation, eligible_records, qualification, assessor
):
    _also(manager, organisation, Role.ASSESSOR)
    _name_supervisor(eligible_records, manager)  # names themselves
    sign_off = _sign_off(assessor, eligible_records, qualification)
    services.award_countersign(supervisor=manager, sign_off=sign_off)

    refused = _refused(lambda: _issue(manager, eligible_records, qualification))

    assert refused.code == Refusal.ISSUER_TOOK_PART
    assert "You countersigned" in refused.messages[0]
    assert not Certificate.objects.exists()


def _observation(worker, qualification, *, assessor, **fields) -> Assessment:
    """A direct observation of PCP-01 yesterday, with who entered it as `fields` say."""
    competency = qualification.framework.competencies.get(id_number="SPLW-PCP-01")
    return Assessment.objects.create(
        worker=worker,
        competency=competency,
        framework_version=current_version(qualification.framework),
        level=3,
        method=qualification.observation_method,
        assessed_on=day(0),
        assessor=assessor,
        **fields,
    )


def test_a_manager_who_entered_an_assessment_in_a_colleagues_name_does_not_issue(
    manager, countersigned, qualification, second_assessor
):
    worker = countersigned.holder
    _observation(worker, qualification, assessor=second_assessor, recorded_by=manager)

    refused = _refused(lambda: _issue(manager, worker, qualification))

    assert refused.code == Refusal.ISSUER_TOOK_PART
    assert "an assessment you entered (SPLW-PCP-01" in refused.messages[0]


def test_a_manager_who_imported_an_assessment_does_not_issue(
    manager, countersigned, qualification, second_assessor
):
    worker = countersigned.holder
    upload = AssessmentImport.objects.create(
        created_by=manager, filename="observations.csv", data=b"", sha256="0" * 64
    )
    imported = _observation(
        worker,
        qualification,
        assessor=second_assessor,
        recorded_by=manager,
        source_import=upload,
        needs_confirmation=True,
    )
    # Confirmed by the assessor named on it: it counts, and the award rests on it.
    AssessmentConfirmation.objects.create(assessment=imported, confirmed_by=second_assessor)

    refused = _refused(lambda: _issue(manager, worker, qualification))

    assert refused.code == Refusal.ISSUER_TOOK_PART
    assert "an assessment you imported" in refused.messages[0]


def test_a_manager_who_confirmed_an_assessment_does_not_issue(
    manager, organisation, countersigned, qualification, second_assessor
):
    worker = countersigned.holder
    _also(manager, organisation, Role.ASSESSOR)
    confirmed = _observation(
        worker,
        qualification,
        assessor=manager,
        recorded_by=second_assessor,
        needs_confirmation=True,
    )
    AssessmentConfirmation.objects.create(assessment=confirmed, confirmed_by=manager)

    refused = _refused(lambda: _issue(manager, worker, qualification))

    assert refused.code == Refusal.ISSUER_TOOK_PART
    assert "an assessment you imported" not in refused.messages[0]
    assert "an assessment you confirmed" in refused.messages[0]


def test_a_pending_import_by_the_manager_is_no_part_of_the_award(
    manager, countersigned, qualification, second_assessor
):
    # Not confirmed by its assessor, it counts for nothing: the award does not rest on it.
    worker = countersigned.holder
    upload = AssessmentImport.objects.create(
        created_by=manager, filename="observations.csv", data=b"", sha256="0" * 64
    )
    _observation(
        worker,
        qualification,
        assessor=second_assessor,
        recorded_by=manager,
        source_import=upload,
        needs_confirmation=True,
    )

    certificate = _issue(manager, worker, qualification)

    assert certificate.award_sign_off == countersigned


def test_another_manager_who_took_no_part_issues(
    manager, organisation, countersigned, qualification, second_assessor
):
    worker = countersigned.holder
    _observation(worker, qualification, assessor=second_assessor, recorded_by=manager)
    colleague = MembershipFactory(organisation=organisation, role=Role.MANAGER).user

    certificate = _issue(colleague, worker, qualification)

    assert certificate.issued_by == colleague


def test_the_pdf_prints_the_sign_off_and_countersignature(
    manager, countersigned, qualification, assessor, named_supervisor
):
    certificate = _issue(manager, countersigned.holder, qualification)

    text = " ".join(pdf_text(certificate.pdf.read()).split())

    today = f"{timezone.localdate():%-d %B %Y}"
    assert f"Signed off by {assessor.full_name}, {today}" in text
    assert f"Countersigned by {named_supervisor.full_name}, named supervisor, {today}" in text
    assert "supervision confirmed" not in text


@pytest.mark.parametrize(
    ("signed", "stands"),
    [
        (datetime.datetime(2026, 3, 30, 0, 0), True),  # the first of the 90 days, at midnight
        (datetime.datetime(2026, 3, 29, 23, 59, 59), False),  # the day before them
        (datetime.datetime(2026, 6, 27, 23, 59, 59), True),  # the last moment of the day itself
        (datetime.datetime(2026, 6, 28, 0, 0), False),  # the day after
    ],
)
def test_a_sign_off_stands_for_90_days_of_local_dates(
    supervised, qualification, second_assessor, signed, stands
):
    """Freshness goes by the date on the clock where the service runs (London, in summer time
    here: an hour ahead of the stored UTC), whatever the moment stored."""
    sign_off = AwardSignOff.objects.create(
        holder=supervised,
        qualification=qualification,
        assessor=second_assessor,
        signed_at=timezone.make_aware(signed),
    )
    found = selectors.standing_sign_off(supervised, qualification, as_of=datetime.date(2026, 6, 27))
    assert (found == sign_off) is stands
