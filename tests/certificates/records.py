"""Building link workers' records for certificate tests, through the competencies services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from competencies import services
from competencies.models import SupervisionKind


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


def everything(assess, core_codes, link_worker, assessor, second_assessor):
    for code in core_codes:
        assess(code, by=second_assessor if code == "SPLW-PCP-01" else assessor)
    assess("SPLW-COM-02", method="PD")
    supervision(link_worker, assessor, 10)
    cpd(link_worker, points=20, formal_hours=10)
