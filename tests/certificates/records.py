"""Building link workers' records for certificate tests, through the competencies services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from certificates import services as certificate_services
from competencies import services
from competencies.models import SupervisionKind
from curriculum.models import Competency
from workforce.models import Membership, Role


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def supervision(worker, supervisor, count, *, confirmed=True):
    for number in range(count):
        session = services.supervision_log(
            worker=worker,
            supervisor=supervisor,
            held_on=day(10 + 30 * number),
            kind=SupervisionKind.PROFESSIONAL,
            reflections="Talked through a case.",
        )
        if confirmed:
            services.supervision_confirm(session=session, supervisor=supervisor)


def cpd(worker, *, points, formal_hours):
    today = timezone.localdate()
    services.cpd_log(
        worker=worker,
        done_on=today,
        activity="Accredited course",
        hours=Decimal(formal_hours),
        is_formal=True,
        points=Decimal(formal_hours),
    )
    if points > formal_hours:
        services.cpd_log(
            worker=worker,
            done_on=today,
            activity="Peer network meeting",
            hours=Decimal(points - formal_hours),
            is_formal=False,
            points=Decimal(points - formal_hours),
        )


# Methods that cannot show level 3 on their own (the framework's method caps).
CAPPED = ("EL", "KT")


def practice_method(competency) -> str | None:
    """The method an assessment of `competency` at level 3 uses by default: the first of its
    "any of" methods that is evidence from practice (none when it has no "any of" methods)."""
    codes = sorted(method.code for method in competency.accepted_methods.all())
    practice = [code for code in codes if code not in CAPPED]
    return (practice or codes or [None])[0]


def meet_rule(assess, competency, *, by, **extra):
    """Assess `competency` by each of its "all of" methods and one of its "any of" methods."""
    for method in competency.required_methods.all():
        assess(competency.id_number, method=method.code, by=by, **extra)
    if (method := practice_method(competency)) is not None:
        assess(competency.id_number, method=method, by=by, **extra)


def everything(assess, core_codes, link_worker, assessor, second_assessor):
    """Every record the Core certificate asks for: each core competency's evidence rule met,
    direct observations of PCP-01 by two assessors, a professional discussion, supervision, CPD."""
    for competency in Competency.objects.filter(id_number__in=core_codes).prefetch_related(
        "required_methods", "accepted_methods"
    ):
        meet_rule(assess, competency, by=assessor)
    assess("SPLW-PCP-01", method="DOP", by=assessor)
    assess("SPLW-PCP-01", method="DOP", by=second_assessor)
    assess("SPLW-COM-02", method="PD")
    supervision(link_worker, assessor, 10)
    cpd(link_worker, points=20, formal_hours=10)


def signed_off(worker, qualification, *, assessor, supervisor, on=None):
    """Name `supervisor` as the worker's supervisor, then `assessor` signs off their award and
    the supervisor countersigns it (on `on`, default today). Returns the sign-off."""
    Membership.objects.filter(user=worker, role=Role.LINK_WORKER).update(supervisor=supervisor)
    sign_off = certificate_services.award_sign_off(
        assessor=assessor, worker=worker, qualification=qualification, signed_on=on
    )
    return certificate_services.award_countersign(
        supervisor=supervisor, sign_off=sign_off, countersigned_on=on
    )
