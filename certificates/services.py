"""Writes about qualifications and certificates; each atomic, permission-checked and audited."""

import datetime
import logging
import secrets
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_registry
from wagtail.models import BaseLogEntry

from curriculum.models import Competency
from workforce.models import User
from workforce.permissions import Action, require
from workforce.refusals import Refusal, refusal_text, refuse

from . import selectors, verification
from .models import (
    AwardSignOff,
    BulkIssue,
    BulkIssueStatus,
    Certificate,
    CertificateCheck,
    CertificateReminder,
    CertificateStatus,
    Qualification,
    QualificationRequirement,
    ReminderKind,
    RenewalRequirement,
    RevocationReason,
)
from .pdf import MissingFontsError, MissingGlyphError, check_fonts_installed, render_certificate
from .signals import certificate_issued

# Certificate numbers avoid letters and digits that read alike (0/O, 1/I/L).
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

logger = logging.getLogger(__name__)


def _require_fonts() -> None:
    """Refuse to start issuing without the certificate fonts, saying what to install."""
    try:
        check_fonts_installed()
    except MissingFontsError as error:
        raise refuse(Refusal.FONTS_MISSING, str(error)) from error


@transaction.atomic
def qualification_create(
    *,
    actor: User | None = None,
    renewal_requirements: Sequence[RenewalRequirement] = (),
    requirements: Sequence[QualificationRequirement] = (),
    observation_competencies: Sequence[Competency] = (),
    **fields,
) -> Qualification:
    """Create a qualification's rules, its further and renewal requirements and the
    competencies its observations cover, after checking each; then its first revision.

    Made by the system or by someone who may publish qualifications, the revision is published
    (eligibility reads the published rules); anyone else's stays a draft for review.
    """
    publish = actor is None or actor.has_perm("certificates.publish_qualification")
    qualification = Qualification(**fields, live=publish)
    qualification.full_clean()
    # Many-to-many rows of a cluster are written by its save().
    qualification.observation_competencies = list(observation_competencies)
    qualification.save()
    for group in (requirements, renewal_requirements):
        for order, requirement in enumerate(group):
            requirement.qualification = qualification
            requirement.sort_order = order
            requirement.full_clean()
            requirement.save()
    log(qualification, "certificates.qualification.create", user=actor)
    # The revision is read back from the saved rows, child rows and competencies included.
    qualification = Qualification.objects.get(pk=qualification.pk)
    revision = qualification.save_revision(user=actor, log_action=False)
    if publish:
        revision.publish(user=actor)
        qualification.refresh_from_db()
    return qualification


def verification_url(code: str) -> str:
    return settings.SITE_BASE_URL + reverse("certificates:verify", args=[code])


def _new_number(qualification: Qualification, day: datetime.date) -> str:
    while True:
        suffix = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(6))
        number = f"{qualification.code}-{day.year}-{suffix}"
        if not Certificate.objects.filter(number=number).exists():
            return number


def _pdf_context(certificate: Certificate) -> dict:
    snapshot = certificate.snapshot
    return {
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "employer_name": certificate.employer_name,
        "qualification_title": certificate.qualification_title,
        "qualification_code": certificate.qualification.code,
        "issuer_name": certificate.issuer_name,
        "curriculum_label": snapshot["curriculum"],
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "verification_url": verification_url(certificate.verification_code),
        "competencies": [
            {**row, "assessed_on": datetime.date.fromisoformat(row["assessed_on"])}
            for row in snapshot["competencies"]
        ],
        "signoffs": [
            {**signoff, "date": datetime.date.fromisoformat(signoff["date"])}
            if signoff.get("date")
            else signoff
            for signoff in snapshot["signoffs"]
        ],
        "renewal_conditions": snapshot["renewal_conditions"],
    }


def _issue(
    *,
    actor: User,
    worker: User,
    qualification: Qualification,
    day: datetime.date,
    sign_off: AwardSignOff,
    supersedes: Certificate | None = None,
) -> Certificate:
    """Snapshot, render and store a certificate; the caller has checked the rules and the
    sign-off (`_check_sign_off`)."""
    _require_published(qualification)
    version = selectors.framework_version_for_issue(qualification)
    if version is None:
        raise refuse(
            Refusal.FRAMEWORK_UNPUBLISHED,
            f"{qualification.framework} has no published version yet, so nothing can be "
            "certified against it.",
        )
    employer = selectors.shared_employer(actor, worker, on=day)
    # relativedelta keeps the day, or takes the month's last where it is shorter (31 Jan + 1).
    expires_on = day + relativedelta(months=qualification.validity_months)
    snapshot = selectors.certificate_snapshot(worker, qualification, as_of=day, sign_off=sign_off)
    snapshot["curriculum"] = f"{qualification.framework.short_name}, version {version.number}"
    snapshot["renewal_conditions"] = selectors.renewal_conditions(qualification)
    snapshot["qualification_description"] = qualification.description
    certificate = Certificate(
        number=_new_number(qualification, day),
        verification_code=secrets.token_urlsafe(24),  # 192 bits
        holder=worker,
        qualification=qualification,
        employer=employer,
        framework_version=version,
        holder_name=worker.full_name,
        employer_name=employer.name,
        qualification_title=qualification.title,
        issuer_name=qualification.issuer_name,
        issued_on=day,
        expires_on=expires_on,
        renewal_due_on=expires_on - datetime.timedelta(days=qualification.renewal_window_days),
        snapshot=snapshot,
        # The published rules it was judged against (None for rules never published as a
        # revision), and the sign-off it used: one certificate per sign-off.
        qualification_revision_id=qualification.live_revision_id,
        award_sign_off=sign_off,
        issued_by=actor,
        supersedes=supersedes,
    )
    try:
        rendered = render_certificate(_pdf_context(certificate))
    except MissingGlyphError as error:
        raise refuse(
            Refusal.MISSING_GLYPH,
            f"The certificate cannot print every character of “{worker.full_name}” with the "
            f"fonts installed, so it was not issued ({error}).",
        ) from error
    certificate.pdf_sha256 = rendered.sha256
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(rendered.content), save=False)
    try:
        with transaction.atomic():
            certificate.save()
            # The apps built on this one act in the same transaction (credentials signs it).
            certificate_issued.send(sender=Certificate, certificate=certificate)
    except IntegrityError as error:
        certificate.pdf.storage.delete(certificate.pdf.name)
        if not Certificate.objects.filter(
            holder=worker, qualification=qualification, is_current=True
        ).exists():
            raise  # some other rule of the table: not the one this message explains
        # Another request issued the same certificate a moment ago: the constraint held.
        raise refuse(
            Refusal.ALREADY_CURRENT,
            f"{worker.full_name} already has a current {qualification.title}.",
        ) from error
    return certificate


def _require_published(qualification: Qualification) -> None:
    if not qualification.live:
        # A qualification a trainer added waits for review: nobody is certified against it.
        raise refuse(
            Refusal.QUALIFICATION_UNPUBLISHED,
            f"{qualification.title} is waiting for review and has not been published, so "
            "nothing can be certified against it yet.",
        )


def _check_sign_off(
    *, actor: User, worker: User, qualification: Qualification, day: datetime.date
) -> AwardSignOff:
    """The countersigned sign-off a certificate issued by `actor` on `day` rests on, or a
    refusal saying what is missing or why `actor` may not be the one to issue it."""
    sign_off = selectors.standing_sign_off(worker, qualification, as_of=day)
    if sign_off is None:
        raise refuse(
            Refusal.NO_SIGN_OFF,
            f"No assessor has signed off {worker.full_name}'s {qualification.title} in the "
            f"{selectors.SIGN_OFF_VALID_DAYS} days up to {day:%d %B %Y}: an assessor signs off "
            "the award, then the named supervisor countersigns it.",
        )
    signed_on = timezone.localdate(sign_off.signed_at)
    if sign_off.countersigned_at is None or timezone.localdate(sign_off.countersigned_at) > day:
        raise refuse(
            Refusal.NO_SIGN_OFF,
            f"Waiting for the named supervisor's countersignature: {sign_off.assessor.full_name} "
            f"signed off {worker.full_name}'s award on {signed_on:%d %B %Y}.",
        )
    if actor.pk in (sign_off.assessor_id, sign_off.countersigned_by_id):
        took_part = "signed off" if actor.pk == sign_off.assessor_id else "countersigned"
        raise refuse(
            Refusal.ISSUER_TOOK_PART,
            f"You {took_part} {worker.full_name}'s award, so another manager issues the "
            "certificate.",
        )
    assessment = selectors.part_taken_by(actor, worker, qualification, as_of=day)
    if assessment is not None:
        raise refuse(
            Refusal.ISSUER_TOOK_PART,
            f"The award rests on an assessment you {_part_in(actor, assessment)} "
            f"({assessment.competency.id_number}, {assessment.method.name.lower()}, "
            f"{assessment.assessed_on:%d %B %Y}), so another manager issues the certificate.",
        )
    return sign_off


def _part_in(actor: User, assessment) -> str:
    """How `actor` took part in `assessment`, in words."""
    confirmation = getattr(assessment, "confirmation", None)
    if assessment.source_import is not None and assessment.source_import.created_by_id == actor.pk:
        return "imported"
    if confirmation is not None and confirmation.confirmed_by_id == actor.pk:
        return "confirmed"
    if assessment.assessor_id == actor.pk:
        return "made"
    return "entered"


@transaction.atomic
def award_sign_off(
    *,
    assessor: User,
    worker: User,
    qualification: Qualification,
    signed_on: datetime.date | None = None,
) -> AwardSignOff:
    """An assessor of the worker signs off that they meet `qualification` (or, when their
    certificate is due for renewal, its renewal requirements): the first of the award's two
    signatures. Never the worker's named supervisor, who countersigns; one standing sign-off at
    a time.

    `signed_on` (default today) lets records kept elsewhere be signed off on the day they were;
    the rules are judged as of that day.
    """
    today = timezone.localdate()
    day = signed_on or today
    if day > today:
        raise refuse(Refusal.FUTURE_DATE, "An award cannot be signed off on a future date.")
    require(assessor, Action.ASSESS, worker, on=day)
    # One sign-off at a time per worker, even for two requests at once.
    User.objects.select_for_update().filter(pk=worker.pk).first()
    if assessor.pk in selectors.named_supervisor_ids(worker, on=day):
        raise refuse(
            Refusal.SIGN_OFF_BY_SUPERVISOR,
            f"You are {worker.full_name}'s named supervisor, so you countersign their award; "
            "another assessor signs it off.",
        )
    standing = selectors.standing_sign_off(worker, qualification, as_of=day)
    if standing is not None:
        raise refuse(
            Refusal.ALREADY_SIGNED_OFF,
            f"{standing.assessor.full_name} already signed off {worker.full_name}'s "
            f"{qualification.title} on {timezone.localdate(standing.signed_at):%d %B %Y}.",
        )
    checklist = _award_checklist(worker, qualification, day)
    if not checklist.eligible:
        raise refuse(
            Refusal.NOT_ELIGIBLE,
            f"{worker.full_name} does not yet meet {qualification.title}, so it cannot be "
            "signed off. Still needed: " + "; ".join(checklist.missing) + ".",
        )
    sign_off = AwardSignOff.objects.create(
        holder=worker,
        qualification=qualification,
        assessor=assessor,
        signed_at=_moment(day, today),
    )
    log(
        sign_off,
        "certificates.award.sign_off",
        user=assessor,
        data={"holder": worker.pk, "qualification": qualification.code, "signed_on": str(day)},
    )
    return sign_off


def _award_checklist(worker: User, qualification: Qualification, day: datetime.date):
    """What a sign-off on `day` vouches for: the renewal requirements when the worker's current
    certificate is due for renewal, otherwise the qualification's own."""
    current = selectors.current_certificate(worker, qualification)
    if current is None:
        return selectors.qualification_checklist(worker, qualification, today=day)
    if not current.status_on(day).can_renew:
        raise refuse(
            Refusal.ALREADY_CURRENT,
            f"{worker.full_name} already holds {current.number}; its renewal opens on "
            f"{current.renewal_due_on:%d %B %Y}.",
        )
    return selectors.renewal_checklist(current, today=day)


def _moment(day: datetime.date, today: datetime.date) -> datetime.datetime:
    """Now, or midday of an earlier day a record kept elsewhere gives."""
    if day == today:
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def award_countersign(
    *,
    supervisor: User,
    sign_off: AwardSignOff,
    countersigned_on: datetime.date | None = None,
) -> AwardSignOff:
    """The worker's named supervisor countersigns an assessor's sign-off of their award: the
    second signature, after which a manager may issue the certificate. Only the supervisor named
    on the worker's link-worker membership, never the assessor who signed it off."""
    today = timezone.localdate()
    day = countersigned_on or today
    sign_off = AwardSignOff.objects.select_for_update().select_related("holder").get(pk=sign_off.pk)
    worker = sign_off.holder
    if day > today:
        raise refuse(Refusal.FUTURE_DATE, "An award cannot be countersigned on a future date.")
    signed_on = timezone.localdate(sign_off.signed_at)
    if day < signed_on:
        raise refuse(
            Refusal.FUTURE_DATE,
            f"The award was signed off on {signed_on:%d %B %Y}: it is countersigned after that.",
        )
    require(supervisor, Action.COUNTERSIGN, worker, on=day)
    if sign_off.countersigned_at is not None:
        raise refuse(
            Refusal.ALREADY_COUNTERSIGNED,
            f"{sign_off.countersigned_by.full_name} already countersigned this award on "
            f"{timezone.localdate(sign_off.countersigned_at):%d %B %Y}.",
        )
    if supervisor.pk == sign_off.assessor_id:
        raise refuse(
            Refusal.COUNTERSIGNER,
            "You signed this award off; the named supervisor's countersignature must be "
            "someone else's.",
        )
    if supervisor.pk not in selectors.named_supervisor_ids(worker, on=day):
        raise refuse(
            Refusal.NOT_NAMED_SUPERVISOR,
            f"Only {worker.full_name}'s named supervisor countersigns their award, and that is "
            "not you. A manager names the supervisor on the team page.",
        )
    if selectors.standing_sign_off(worker, sign_off.qualification, as_of=day) != sign_off:
        raise refuse(
            Refusal.NO_SIGN_OFF,
            "This sign-off has been used or has run out; an assessor signs the award off again.",
        )
    sign_off.countersigned_by = supervisor
    sign_off.countersigned_at = _moment(day, today)
    sign_off.save(update_fields=["countersigned_by", "countersigned_at"])
    log(
        sign_off,
        "certificates.award.countersign",
        user=supervisor,
        data={"holder": worker.pk, "countersigned_on": str(day)},
    )
    return sign_off


@transaction.atomic
def certificate_issue(
    *,
    actor: User,
    worker: User,
    qualification: Qualification,
    issued_on: datetime.date | None = None,
) -> Certificate:
    """Issue `qualification` to `worker`: a manager of the worker's organisation, never to
    themselves, only when eligible, signed off by an assessor and countersigned by the worker's
    named supervisor (`award_sign_off`, `award_countersign`), and only one current certificate
    at a time. A manager who took part in the award (signed it, or made, entered, imported or
    confirmed an assessment it rests on) does not also issue it.

    `issued_on` (default today) lets records kept elsewhere be certified on the day they were
    met; eligibility is judged as of that day.
    """
    _require_fonts()
    today = timezone.localdate()
    day = issued_on or today
    if day > today:
        raise refuse(Refusal.FUTURE_DATE, "A certificate cannot be issued on a future date.")
    require(actor, Action.ISSUE_CERTIFICATE, worker, on=day)
    _require_published(qualification)
    existing = selectors.current_certificate(worker, qualification)
    if existing is not None:
        raise refuse(
            Refusal.ALREADY_CURRENT,
            f"{worker.full_name} already has a current {qualification.title} "
            f"({existing.number}). Renew or revoke it instead.",
        )
    checklist = selectors.qualification_checklist(worker, qualification, today=day)
    if not checklist.eligible:
        raise refuse(
            Refusal.NOT_ELIGIBLE,
            f"{worker.full_name} is not yet eligible for {qualification.title}. Still needed: "
            + "; ".join(checklist.missing)
            + ".",
        )
    sign_off = _check_sign_off(actor=actor, worker=worker, qualification=qualification, day=day)
    certificate = _issue(
        actor=actor, worker=worker, qualification=qualification, day=day, sign_off=sign_off
    )
    log(
        certificate,
        "certificates.certificate.issue",
        user=actor,
        data={"number": certificate.number, "holder": worker.pk},
    )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, actor: User, certificate: Certificate, reason: RevocationReason, details: str
) -> Certificate:
    """Revoke a certificate; it stays in the register, shown as revoked.

    `reason`, from a fixed list, is what the public verification page shows; `details`, the
    manager's own account, stays with the managers.
    """
    details = details.strip()
    if reason not in RevocationReason.values:
        raise refuse(Refusal.REVOCATION_REASON, "Choose the reason the verification page shows.")
    if not details:
        raise refuse(
            Refusal.REASON, "Say what happened; only your organisation's managers see this."
        )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    require(actor, Action.REVOKE_CERTIFICATE, certificate.holder)
    if certificate.revoked_at is not None:
        raise refuse(
            Refusal.ALREADY_REVOKED,
            f"{certificate.number} was already revoked on {certificate.revoked_at:%d %B %Y}.",
        )
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = reason
    certificate.revocation_details = details
    certificate.is_current = False
    certificate.save(
        update_fields=[
            "revoked_at",
            "revoked_by",
            "revocation_reason",
            "revocation_details",
            "is_current",
        ]
    )
    log(
        certificate,
        "certificates.certificate.revoke",
        user=actor,
        data={"number": certificate.number, "reason": reason, "details": details},
    )
    return certificate


@transaction.atomic
def certificate_renew(*, actor: User, certificate: Certificate) -> Certificate:
    """Issue a new certificate that supersedes `certificate`, once renewal is due (or it has
    lapsed), the holder meets the renewal requirements, and the renewal is signed off and
    countersigned as an award is (`certificate_issue`)."""
    _require_fonts()
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    worker = certificate.holder
    require(actor, Action.ISSUE_CERTIFICATE, worker)
    today = timezone.localdate()
    status = certificate.status_on(today)
    if status in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED):
        raise refuse(
            Refusal.NOT_CURRENT,
            f"{certificate.number} is {status.label.lower()}; only a current certificate can be "
            "renewed.",
        )
    if status == CertificateStatus.VALID:
        raise refuse(
            Refusal.TOO_EARLY,
            f"Renewal of {certificate.number} opens on {certificate.renewal_due_on:%d %B %Y}.",
        )
    checklist = selectors.renewal_checklist(certificate, today=today)
    if not checklist.eligible:
        raise refuse(
            Refusal.NOT_ELIGIBLE,
            f"{worker.full_name} does not yet meet the renewal requirements. Still needed: "
            + "; ".join(checklist.missing)
            + ".",
        )
    sign_off = _check_sign_off(
        actor=actor, worker=worker, qualification=certificate.qualification, day=today
    )
    certificate.is_current = False
    certificate.save(update_fields=["is_current"])
    renewed = _issue(
        actor=actor,
        worker=worker,
        qualification=certificate.qualification,
        day=today,
        sign_off=sign_off,
        supersedes=certificate,
    )
    log(
        renewed,
        "certificates.certificate.renew",
        user=actor,
        data={"number": renewed.number, "supersedes": certificate.number},
    )
    return renewed


# PostgreSQL only (see certificate_verified); CertificateCheck's table and columns.
COUNT_CHECK_SQL = (
    "SET LOCAL synchronous_commit TO OFF; "
    'INSERT INTO "certificates_certificatecheck" ("certificate_id", "checked_at", "count") '
    "VALUES (%s, %s, %s)"
)


def certificate_verified(*, certificate: Certificate) -> None:
    """Count one public check of a certificate. With the shared cache (VERIFICATION_CACHE), it
    is counted there and the counts are appended in batches (`certificates.verification`);
    otherwise one INSERT. Either way rows are only ever appended, so checks never queue on one."""
    if not verification.enabled():
        _append_checks(certificate.pk, 1)
    elif verification.count_check(certificate.verification_code):
        _append_counted(certificate.pk, certificate.verification_code)


def certificate_check_by_code(code: str) -> Certificate | None:
    """The certificate a verification code names (as `selectors.certificate_by_code`), its
    check counted; None, and nothing counted, when the code names none. With the shared cache,
    a code checked before costs one round trip to it and no query."""
    if not verification.enabled():
        certificate = selectors.certificate_by_code(code)
        if certificate is not None:
            _append_checks(certificate.pk, 1)
        return certificate
    certificate, due = verification.kept_and_counted(code)
    if certificate is None:
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            verification.uncounted(code)
            return None
    if due:
        _append_counted(certificate.pk, code)
    return certificate


def _append_counted(pk: int, code: str) -> int:
    """Take the checks counted in the cache for certificate `pk` and append them as one row."""
    count = verification.take_count(code)
    if not count:
        return 0
    try:
        _append_checks(pk, count)
    except Exception:
        verification.give_back(code, count)
        raise
    return count


def _append_checks(pk: int, count: int) -> None:
    options = connection.settings_dict.get("OPTIONS") or {}
    if (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not options.get("server_side_binding")
    ):
        # The busiest write there is, made cheap: one round trip, and no wait for the disk.
        # Sent as one string, the two statements are one implicit transaction whose commit
        # PostgreSQL acknowledges before its WAL reaches the disk (LOCAL: this transaction
        # only). A crash can lose the last fraction of a second of counts and nothing else; the
        # row is still appended, never a counter updated.
        with connection.cursor() as cursor:
            cursor.execute(COUNT_CHECK_SQL, [pk, timezone.now(), count])
        return
    CertificateCheck.objects.create(certificate_id=pk, count=count)


def certificate_checks_flush() -> int:
    """Append every count still waiting in the cache (VERIFICATION_CACHE); how many checks.
    Counts are written by later checks of the same certificate, so this is for those nobody
    checked since: run it every few minutes (`manage.py flush_certificate_checks`)."""
    if not verification.enabled():
        return 0
    written = 0
    codes = dict(Certificate.objects.order_by("pk").values_list("verification_code", "pk"))
    listed = list(codes)
    for start in range(0, len(listed), 1000):
        for code in verification.counted(listed[start : start + 1000]):
            written += _append_counted(codes[code], code)
    return written


def _remind(certificate: Certificate, kind: ReminderKind, today: datetime.date) -> bool:
    """Record, then send, one reminder; False when another run already sent it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = CertificateReminder.objects.create(
                    certificate=certificate, kind=kind, recipients=0
                )
        except IntegrityError:
            return False
        managers = list(selectors.managers_of(certificate.holder, on=today))
        recipients = [certificate.holder.email, *(m.email for m in managers)]
        context = {
            "certificate": certificate,
            "kind": kind,
            "verification_url": verification_url(certificate.verification_code),
            "valid_until": certificate.valid_until,
            "service_name": settings.SERVICE_NAME,
        }
        subject = render_to_string("certificates/email/reminder_subject.txt", context).strip()
        # A failed send rolls the reminder back, so the next run tries again.
        send_mail(
            subject,
            render_to_string("certificates/email/reminder.txt", context),
            None,
            recipients,
        )
        reminder.recipients = len(recipients)
        reminder.save(update_fields=["recipients"])
        log(
            certificate,
            "certificates.certificate.remind",
            data={"number": certificate.number, "kind": kind.value, "recipients": len(recipients)},
        )
    return True


def reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Email holders and their managers when renewal falls due and when a certificate lapses,
    once each however often this runs. Returns how many of each were sent."""
    today = today or timezone.localdate()
    due = selectors.due_reminders(today)
    sent = {"renewal_due": 0, "lapsed": 0}
    for certificate in due["lapsed"]:
        sent["lapsed"] += _remind(certificate, ReminderKind.LAPSED, today)
    for certificate in due["renewal_due"]:
        sent["renewal_due"] += _remind(certificate, ReminderKind.RENEWAL_DUE, today)
    return sent


@transaction.atomic
def bulk_issue_request(
    *, actor: User, qualification: Qualification, workers: list[User]
) -> BulkIssue:
    """Queue one qualification for several workers; a background task issues them one by one."""
    if not workers:
        raise refuse(Refusal.NO_WORKERS, "Choose at least one link worker.")
    _require_fonts()
    for worker in workers:
        require(actor, Action.ISSUE_CERTIFICATE, worker)
    bulk = BulkIssue.objects.create(
        requested_by=actor, qualification=qualification, worker_ids=[w.pk for w in workers]
    )
    log(
        bulk,
        "certificates.bulk_issue.request",
        user=actor,
        data={"qualification": qualification.code, "workers": len(workers)},
    )
    from .tasks import run_bulk_issue  # the task module imports this one

    transaction.on_commit(lambda: run_bulk_issue.enqueue(bulk.pk))
    return bulk


def bulk_issue_run(*, bulk_issue: BulkIssue) -> BulkIssue:
    """Issue to each worker of a bulk request in its own transaction, counting progress as it
    goes; a refusal for one worker is recorded and does not stop the others.

    A job runs once: a second delivery of the task finds it claimed and does nothing. If the run
    itself breaks, the job is marked failed so that its page stops waiting.
    """
    claimed = BulkIssue.objects.filter(pk=bulk_issue.pk, status=BulkIssueStatus.QUEUED).update(
        status=BulkIssueStatus.RUNNING
    )
    if not claimed:
        bulk_issue.refresh_from_db()
        return bulk_issue
    try:
        _issue_each(bulk_issue)
    except BaseException:
        BulkIssue.objects.filter(pk=bulk_issue.pk).update(
            status=BulkIssueStatus.FAILED, finished_at=timezone.now()
        )
        raise
    BulkIssue.objects.filter(pk=bulk_issue.pk).update(
        status=BulkIssueStatus.FINISHED, finished_at=timezone.now()
    )
    bulk_issue.refresh_from_db()
    return bulk_issue


def _issue_each(bulk_issue: BulkIssue) -> None:
    workers = User.objects.in_bulk(bulk_issue.worker_ids)
    for worker_id in bulk_issue.worker_ids:
        worker = workers.get(worker_id)
        try:
            if worker is None:
                raise refuse(Refusal.UNKNOWN_WORKER, "This person's account no longer exists.")
            certificate = certificate_issue(
                actor=bulk_issue.requested_by, worker=worker, qualification=bulk_issue.qualification
            )
        except (ValidationError, PermissionDenied) as error:
            reason = refusal_text(error)
        except Exception:
            # One failure must not hide the other workers' results; the log keeps the trace.
            logger.exception("Bulk issue %s failed for worker %s", bulk_issue.pk, worker_id)
            reason = "Something went wrong issuing this certificate; nothing was issued."
        else:
            reason = None
            bulk_issue.certificates.add(certificate)
        if reason is not None:
            holder = worker.full_name if worker else f"Person {worker_id}"
            bulk_issue.problems.append({"holder": holder, "reason": reason})
            BulkIssue.objects.filter(pk=bulk_issue.pk).update(problems=bulk_issue.problems)
        BulkIssue.objects.filter(pk=bulk_issue.pk).update(done=F("done") + 1)


def certificate_download_record(*, certificate: Certificate, actor: User) -> None:
    """Record that `actor` downloaded `certificate`'s stored PDF: its holder, or a manager.

    The view has already found the certificate among those `actor` may open; this only writes
    the audit entry. One INSERT, so it needs no transaction of its own.
    """
    _log_in_one_statement(
        certificate,
        "certificates.certificate.download",
        user=actor,
        data={"number": certificate.number, "by_holder": actor.pk == certificate.holder_id},
    )


def _log_in_one_statement(instance: Certificate, action: str, *, user: User, data: dict) -> None:
    """The entry `log(instance, action, user=user, data=data)` writes, in its one INSERT.

    Wagtail's log() validates the entry before saving it (full_clean), which reads its content
    type and its user back from the database: two more round trips on every download, for rows
    this request has just read. The check that matters, that the action is registered, stays.
    """
    if not log_registry.action_exists(action):
        raise ValueError(f"The log action {action!r} has not been registered.")
    model = log_registry.get_log_model_for_instance(instance)
    entry = model(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        label=model.objects.get_instance_title(instance),
        action=action,
        timestamp=timezone.now(),
        data=data,
        user=user,
        uuid=get_active_log_context().uuid,
        object_id=str(instance.pk),
    )
    super(BaseLogEntry, entry).save()  # Model.save: the INSERT, without BaseLogEntry's full_clean
