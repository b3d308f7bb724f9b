"""seed_scale at a tiny size: counts, every certificate status, stored files matching their
hashes, the invariants the services keep, reuse, refusals, and pages for the named accounts.

The seed runs once for the module, inside a transaction rolled back at its end (each test runs
in a savepoint of it), so that the tests read one seeded database in a few seconds.
"""

import datetime
import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.test import Client, override_settings
from django.urls import reverse

from certificates.models import AwardSignOff, Certificate, CertificateStatus, RevocationReason
from certificates.selectors import certificates_visible_to, with_status
from competencies.models import Assessment, CPDEntry, Evidence, IqaSample, SupervisionSession
from competencies.rules import rule_method_codes
from scale import seeding
from scale.seeding_write import Table, write_rows
from tests.conftest import _indexes_left_alone
from tests.factories import UserFactory
from workforce.models import Membership, Organisation, Role, User
from workforce.permissions import Action, denial_reason

pytestmark = pytest.mark.django_db

TINY = seeding.Sizes(workers=14, organisations=3, assessments=1500, certificates=16)
TINY_ARGUMENTS = [
    f"--workers={TINY.workers}",
    f"--organisations={TINY.organisations}",
    f"--assessments={TINY.assessments}",
    f"--certificates={TINY.certificates}",
    "--random-seed=5",
    "--rendered=1",
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The tiny seed, made by the command; its PDFs in a folder of the module's own."""
    folder = tmp_path_factory.mktemp("seeded-certificates")
    storages = {
        **settings.STORAGES,
        "certificates": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    output, progress = StringIO(), StringIO()
    # The field's own storage, which the services and the download views use, points at the
    # module's folder.
    field = Certificate._meta.get_field("pdf")
    kept_storage, field.storage = field.storage, FileSystemStorage(location=folder)
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages),
        transaction.atomic(),
    ):
        with _indexes_left_alone():
            call_command("seed_scale", *TINY_ARGUMENTS, stdout=output, stderr=progress)
        yield {
            "files": FileSystemStorage(location=folder),
            "output": output.getvalue(),
            "progress": progress.getvalue(),
        }
        transaction.set_rollback(True)
    field.storage = kept_storage


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_the_sizes_asked_for_are_seeded(seeded):
    assert "Seeded in" in seeded["output"]
    assert seeding.seeded_sizes() == TINY
    assert seeding.is_seeded(TINY)
    assert Assessment.objects.count() == TINY.assessments
    assert Certificate.objects.count() == TINY.certificates
    assert Organisation.objects.count() == TINY.organisations
    link_workers = Membership.objects.filter(role=Role.LINK_WORKER)
    assert link_workers.values("user").distinct().count() == TINY.workers
    by_organisation = dict(
        link_workers.values_list("organisation__name").annotate(n=Count("pk")).order_by()
    )
    assert by_organisation[seeding.SMALL_ORGANISATION] == seeding.SMALL_ORGANISATION_WORKERS
    # 200 at the national size; at this size half of what the small one leaves.
    assert by_organisation[seeding.BIG_ORGANISATION] == (TINY.workers - 2) // 2
    assert SupervisionSession.objects.exists()
    assert CPDEntry.objects.exists()
    assert Evidence.objects.filter(reviews__isnull=False).exists()
    # The progress bar names each phase with its rows done.
    for phase in ("curriculum", "people", "records", "finish"):
        assert phase in seeded["progress"]
    assert f"{TINY.assessments:,}/{TINY.assessments:,}" in seeded["progress"]


def test_the_typical_worker_has_the_average_number_of_assessments_and_certificates(seeded):
    typical = _user(seeding.TYPICAL_WORKER_EMAIL)
    assert typical.assessments.count() == round(TINY.assessments / TINY.workers)
    statuses = {c.status for c in with_status(typical.certificates.all())}
    assert CertificateStatus.VALID in statuses
    assert CertificateStatus.SUPERSEDED in statuses
    assert Membership.objects.get(user=typical).organisation.name == seeding.BIG_ORGANISATION
    assert Membership.objects.get(user=typical).supervisor == _user(seeding.ASSESSOR_EMAIL)


def test_every_certificate_status_is_present_with_revocation_reasons(seeded):
    statuses = set(with_status(Certificate.objects.all()).values_list("status", flat=True))
    assert statuses == set(CertificateStatus.values)
    for certificate in Certificate.objects.filter(revoked_at__isnull=False):
        assert certificate.revocation_reason in RevocationReason.values
        assert certificate.revocation_details
    for status in (CertificateStatus.VALID, CertificateStatus.REVOKED):
        codes = seeding.verification_codes(status, limit=3)
        assert codes
        assert all(
            Certificate.objects.get(verification_code=code).status_today == status for code in codes
        )


def test_each_stored_pdf_matches_its_certificates_hash(seeded):
    files = seeded["files"]
    hashes = set()
    for certificate in Certificate.objects.all():
        with files.open(certificate.pdf.name) as stored:
            content = stored.read()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
        hashes.add(certificate.pdf_sha256)
    assert len(hashes) == TINY.certificates


def test_assessments_keep_the_rules_the_services_keep(seeded):
    assert not Assessment.objects.filter(worker=F("assessor")).exists()
    for assessment in Assessment.objects.select_related("competency", "method"):
        assert assessment.method.code in rule_method_codes(assessment.competency)
        assert assessment.assessed_on < datetime.date.today() + datetime.timedelta(days=1)
    # Each assessor could assess the worker on the earliest day they did.
    pairs = (
        Assessment.objects.values("assessor", "worker")
        .annotate(first=Min("assessed_on"))
        .order_by()
    )
    for pair in pairs:
        assessor, worker = (
            User.objects.get(pk=pair["assessor"]),
            User.objects.get(pk=pair["worker"]),
        )
        assert denial_reason(assessor, Action.ASSESS, worker, on=pair["first"]) is None
    samples = IqaSample.objects.select_related("assessment__worker", "quality_assurer")
    assert samples.exists()
    for sample in samples:
        assessment = sample.assessment
        assert sample.quality_assurer_id != assessment.assessor_id
        assert (
            denial_reason(
                sample.quality_assurer,
                Action.QUALITY_ASSURE,
                assessment.worker,
                on=sample.sampled_at.date(),
            )
            is None
        )
        assert not Assessment.objects.filter(supersedes=assessment).exists()
    for correction in Assessment.objects.filter(supersedes__isnull=False):
        assert correction.correction_reason
        assert correction.supersedes.worker_id == correction.worker_id


def test_certificates_keep_the_rules_the_services_keep(seeded):
    for certificate in Certificate.objects.select_related("award_sign_off", "holder"):
        sign_off = certificate.award_sign_off
        people = {certificate.holder_id, sign_off.assessor_id, sign_off.countersigned_by_id}
        assert len(people) == 3, "holder, assessor and supervisor are three people"
        assert certificate.issued_by_id not in people
        holder, day = certificate.holder, certificate.issued_on
        named = Membership.objects.active_on(day).get(user=holder, role=Role.LINK_WORKER)
        assert sign_off.countersigned_by_id == named.supervisor_id
        assert (
            denial_reason(certificate.issued_by, Action.ISSUE_CERTIFICATE, holder, on=day) is None
        )
        assert sign_off.signed_at.date() <= sign_off.countersigned_at.date() <= day
        assert certificate.expires_on > certificate.issued_on
    current = Certificate.objects.filter(is_current=True)
    assert current.values("holder", "qualification").distinct().count() == current.count()
    # A superseded certificate has its renewal; a revoked one is not current.
    for certificate in with_status(Certificate.objects.all()).filter(
        status=CertificateStatus.SUPERSEDED
    ):
        assert certificate.superseded_by.holder_id == certificate.holder_id
    assert not Certificate.objects.filter(revoked_at__isnull=False, is_current=True).exists()
    assert not AwardSignOff.objects.filter(
        Q(holder=F("assessor")) | Q(holder=F("countersigned_by"))
    ).exists()


def test_the_national_manager_sees_every_certificate(seeded):
    national = _user(seeding.NATIONAL_MANAGER_EMAIL)
    assert certificates_visible_to(national).count() == TINY.certificates
    assert certificates_visible_to(_user(seeding.SMALL_MANAGER_EMAIL)).count() < TINY.certificates


def test_running_again_with_the_same_sizes_does_nothing(seeded):
    output = StringIO()
    call_command("seed_scale", *TINY_ARGUMENTS, stdout=output, stderr=StringIO())
    assert "Already seeded" in output.getvalue()
    assert Assessment.objects.count() == TINY.assessments


def test_other_sizes_on_a_seeded_database_are_refused(seeded):
    with pytest.raises(CommandError, match="--replace"):
        call_command(
            "seed_scale", *TINY_ARGUMENTS, "--certificates=20", stdout=StringIO(), stderr=StringIO()
        )
    assert Certificate.objects.count() == TINY.certificates


def test_a_database_with_other_data_is_refused(seeded):
    UserFactory(email="someone@example.org")
    with pytest.raises(seeding.SeedRefused, match="did not make"):
        seeding.seed(seeding.Sizes(workers=20, organisations=3, assessments=2000, certificates=8))
    assert Assessment.objects.count() == TINY.assessments


def test_production_settings_are_refused_unless_forced(seeded, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="production"):
        call_command("seed_scale", *TINY_ARGUMENTS, stdout=StringIO(), stderr=StringIO())
    output = StringIO()
    call_command("seed_scale", *TINY_ARGUMENTS, "--force", stdout=output, stderr=StringIO())
    assert "Already seeded" in output.getvalue()


def _signed_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": seeding.SEED_PASSWORD})
    assert response.status_code == 302, f"{email} could not sign in with the seed's password"
    return client


@pytest.mark.parametrize(
    ("email", "pages"),
    [
        (
            seeding.TYPICAL_WORKER_EMAIL,
            [
                "competencies:my_progress",
                "certificates:my_certificates",
                "competencies:supervision",
                "competencies:cpd",
            ],
        ),
        (
            seeding.ASSESSOR_EMAIL,
            [
                "competencies:caseload",
                "competencies:review_queue",
                "competencies:sessions_to_confirm",
            ],
        ),
        (
            seeding.BIG_MANAGER_EMAIL,
            ["oversight:team", "oversight:matrix", "certificates:register", "certificates:certify"],
        ),
        (
            seeding.SMALL_MANAGER_EMAIL,
            ["oversight:team", "oversight:matrix", "certificates:register", "certificates:certify"],
        ),
        (seeding.NATIONAL_MANAGER_EMAIL, ["certificates:register", "certificates:certify"]),
    ],
)
def test_the_named_accounts_sign_in_and_their_pages_render(seeded, email, pages):
    client = _signed_in(email)
    for name in pages:
        response = client.get(reverse(name))
        assert response.status_code == 200, name


def test_the_register_lists_every_certificate_for_the_national_manager(seeded):
    client = _signed_in(seeding.NATIONAL_MANAGER_EMAIL)
    response = client.get(reverse("certificates:register"), {"status": CertificateStatus.REVOKED})
    assert response.status_code == 200
    revoked = Certificate.objects.filter(revoked_at__isnull=False).first()
    assert revoked.number in response.content.decode()


@pytest.mark.parametrize("status", list(CertificateStatus))
def test_verification_pages_render_for_each_status(seeded, status):
    (code,) = seeding.verification_codes(status, limit=1)
    response = Client().get(reverse("certificates:verify", args=[code]))
    assert response.status_code == 200
    assert str(CertificateStatus(status).label) in response.content.decode()


def test_rows_written_by_insert_and_by_the_databases_own_path_read_back(seeded):
    """The seed's writer on this database (COPY on PostgreSQL) and its INSERT path, which
    SQLite uses, write the same rows."""
    highest = Organisation.objects.order_by("-pk").first().pk
    own, insert = Table(Organisation), Table(Organisation)
    own.start_ids_after(highest)
    insert.start_ids_after(highest + 1)
    own.add(id=own.new_id(), name="Seed By Own Path", kind="pcn")
    own.flush()
    insert.add(id=insert.new_id(), name="Seed By Insert", kind="gp_practice")
    write_rows(insert.name, insert.columns, insert.prepared(), copy=False)

    written = Organisation.objects.filter(name__startswith="Seed By").order_by("pk")
    assert [(o.name, o.kind, o.iqa_sample_percent) for o in written] == [
        ("Seed By Own Path", "pcn", 10),
        ("Seed By Insert", "gp_practice", 10),
    ]
    assert own.written == 1


def _plan(random_seed: int, sizes: seeding.Sizes = seeding.SMALL_SIZES):
    return seeding._Plan(
        sizes,
        random_seed,
        datetime.date(2026, 11, 27),
        {"user": 1, "organisation": 1},
        qualifying=45,
    )


def _shape(plan) -> list[tuple]:
    return [
        (w.email, w.name, w.organisation, w.joined, w.assessments, repr(w.chains))
        for w in plan.workers
    ]


def test_the_same_random_seed_plans_the_same_database_and_another_seed_another():
    assert _shape(_plan(17)) == _shape(_plan(17))
    assert _shape(_plan(17)) != _shape(_plan(18))


def test_the_plan_at_national_size_has_the_named_organisations_and_exact_totals():
    plan = _plan(17, seeding.Sizes())
    big, small = plan.organisations[0], plan.organisations[1]
    assert (big.name, len(big.workers)) == (seeding.BIG_ORGANISATION, 200)
    assert (small.name, len(small.workers)) == (seeding.SMALL_ORGANISATION, 2)
    assert sum(w.assessments for w in plan.workers) == 1_000_000
    assert sum(w.certificates for w in plan.workers) == 20_000
    assert plan.typical.assessments == 100
    assert len(plan.workers) == 10_000
