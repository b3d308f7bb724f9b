"""Former members lose every access at the end date, lists included (issue 14, item 5).

Each person here left organisation A yesterday but still holds the same role in organisation B,
so the role checks let them in: what they are shown must still leave A's people out.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from competencies import selectors, services
from competencies.models import AssessmentImport, SupervisionKind
from tests.factories import MembershipFactory
from tests.security.access_world import checked_import
from workforce.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _leave(person, organisation) -> None:
    """End `person`'s roles in `organisation` yesterday; give them the same role elsewhere."""
    for membership in person.memberships.filter(organisation=organisation):
        membership.ends_on = YESTERDAY
        membership.save()
        MembershipFactory(user=person, role=membership.role)


@pytest.fixture
def second_assessor(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ASSESSOR).user


@pytest.fixture
def competency(framework):
    return framework.competencies.exclude(parent_id_number="").order_by("sort_order").first()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_countersign_request_lapses_when_the_supervisor_leaves(
    competency, organisation, assessor, second_assessor, link_worker
):
    asked = services.assessment_record(
        worker=link_worker,
        competency=competency,
        level=2,
        method=competency.accepted_methods.first(),
        assessed_on=YESTERDAY,
        assessor=second_assessor,
        countersign_requested_from=assessor,
    )
    assert list(selectors.countersign_requests(assessor)) == [asked]

    _leave(assessor, organisation)

    assert list(selectors.countersign_requests(assessor)) == []
    assert selectors.open_counts(assessor)["countersign"] == 0
    page = _signed_in(assessor).get(reverse("competencies:countersign_requests"))
    assert page.status_code == 200
    assert link_worker.full_name not in page.content.decode()


def test_a_session_to_confirm_lapses_when_the_supervisor_leaves(
    organisation, assessor, link_worker
):
    session = services.supervision_log(
        worker=link_worker,
        supervisor=assessor,
        held_on=TODAY - datetime.timedelta(days=7),
        kind=SupervisionKind.PROFESSIONAL,
        reflections="Talked about boundaries.",
    )
    assert list(selectors.sessions_to_confirm(assessor)) == [session]

    _leave(assessor, organisation)

    assert list(selectors.sessions_to_confirm(assessor)) == []
    assert selectors.open_counts(assessor)["sessions"] == 0
    page = _signed_in(assessor).get(reverse("competencies:sessions_to_confirm"))
    assert page.status_code == 200
    assert link_worker.full_name not in page.content.decode()


@pytest.fixture
def old_import(competency, manager, assessor, link_worker) -> AssessmentImport:
    """A checked import the manager uploaded a month ago, naming the link worker."""
    record = checked_import(manager, link_worker, assessor, competency)
    AssessmentImport.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    return record


IMPORT_PAGES = ["import_detail", "import_status", "import_problems"]


def test_an_uploader_still_in_the_organisation_keeps_their_import(old_import, manager):
    client = _signed_in(manager)
    for name in IMPORT_PAGES:
        assert client.get(reverse(f"imports:{name}", args=[old_import.pk])).status_code == 200
    listing = client.get(reverse("imports:assessment_import"))
    assert old_import in listing.context["recent"]


def test_an_uploader_who_left_loses_the_import_and_its_report(
    old_import, organisation, manager, link_worker
):
    _leave(manager, organisation)
    client = _signed_in(manager)

    for name in IMPORT_PAGES:
        assert client.get(reverse(f"imports:{name}", args=[old_import.pk])).status_code == 404
    assert client.post(reverse("imports:import_confirm", args=[old_import.pk])).status_code == 404
    listing = client.get(reverse("imports:assessment_import"))
    assert listing.status_code == 200
    assert old_import not in listing.context["recent"]
    assert "team.csv" not in listing.content.decode()
