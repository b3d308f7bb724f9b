"""The sign-off pages: the assessor's sign-off, the named supervisor's countersignature list, the
manager's issue page saying what is missing, the named-supervisor pages, and the sign-offs shown
on the issued certificate and its verification page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import escape

from certificates import services
from certificates.models import AwardSignOff, Certificate
from tests.factories import MembershipFactory
from workforce.models import Membership, Role
from workforce.refusals import Refusal
from workforce.services import membership_supervisor_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervised(eligible_records, named_supervisor):
    Membership.objects.filter(user=eligible_records, role=Role.LINK_WORKER).update(
        supervisor=named_supervisor
    )
    return eligible_records


def _text(response) -> str:
    return response.content.decode()


def test_the_worker_record_and_caseload_link_to_the_sign_off_pages(client, assessor, supervised):
    client.force_login(assessor)

    assert f"/caseload/{supervised.pk}/sign-off/" in _text(
        client.get(f"/caseload/{supervised.pk}/")
    )
    assert "/countersign/awards/" in _text(client.get("/caseload/"))


def test_an_assessor_signs_off_after_confirming(client, assessor, supervised, named_supervisor):
    client.force_login(assessor)
    url = f"/caseload/{supervised.pk}/sign-off/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Sign off the award" in _text(page)
    assert escape(named_supervisor.full_name) in _text(page)

    unconfirmed = client.post(url, {"qualification": "LWPC-CORE"})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm that you sign off the award" in _text(unconfirmed)
    assert not AwardSignOff.objects.exists()

    done = client.post(url, {"qualification": "LWPC-CORE", "confirm": "on"}, follow=True)
    sign_off = AwardSignOff.objects.get()
    assert sign_off.assessor == assessor
    assert "now waits for the named supervisor" in _text(done)
    assert "Waiting for the named supervisor’s countersignature" in _text(done)
    assert "Sign off the award</button>" not in _text(done)


def test_the_named_supervisor_is_not_offered_the_sign_off(client, supervised, named_supervisor):
    client.force_login(named_supervisor)

    page = _text(client.get(f"/caseload/{supervised.pk}/sign-off/"))

    assert "you countersign this award" in page
    assert "Sign off the award</button>" not in page


def test_a_worker_who_is_not_eligible_cannot_be_signed_off(
    client, assessor, link_worker, qualification, demo_curriculum
):
    client.force_login(assessor)
    url = f"/caseload/{link_worker.pk}/sign-off/"

    page = _text(client.get(url))
    assert "cannot be signed off yet" in page

    refused = client.post(url, {"qualification": "LWPC-CORE", "confirm": "on"})
    assert refused.status_code == 400
    assert "Still needed" in _text(refused)
    assert not AwardSignOff.objects.exists()


def test_an_assessor_of_another_organisation_gets_not_found(client, outside_assessor, supervised):
    client.force_login(outside_assessor)

    assert client.get(f"/caseload/{supervised.pk}/sign-off/").status_code == 404


def _signed(assessor, worker, qualification) -> AwardSignOff:
    return services.award_sign_off(assessor=assessor, worker=worker, qualification=qualification)


def test_the_named_supervisor_countersigns_from_their_list(
    client, assessor, supervised, qualification, named_supervisor
):
    sign_off = _signed(assessor, supervised, qualification)
    client.force_login(named_supervisor)

    listing = _text(client.get("/countersign/awards/"))
    assert escape(supervised.full_name) in listing
    assert f"/countersign/awards/{sign_off.pk}/" in listing

    url = f"/countersign/awards/{sign_off.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Countersign the award</button>" in _text(page)
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm that you countersign the award" in _text(unconfirmed)

    done = client.post(url, {"confirm": "on"}, follow=True)
    sign_off.refresh_from_db()
    assert sign_off.countersigned_by == named_supervisor
    assert "A manager may now issue the certificate" in _text(done)
    assert "No award is waiting for your countersignature" in _text(done)


def test_nobody_else_sees_or_countersigns_the_award(
    client, assessor, second_assessor, supervised, qualification
):
    sign_off = _signed(assessor, supervised, qualification)

    for other in (assessor, second_assessor):
        client.force_login(other)
        assert escape(supervised.full_name) not in _text(client.get("/countersign/awards/"))
        url = f"/countersign/awards/{sign_off.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "on"}).status_code == 404
    sign_off.refresh_from_db()
    assert sign_off.countersigned_by is None


def test_the_issue_page_says_what_is_missing_then_issues_with_the_sign_offs(
    client, manager, assessor, supervised, qualification, named_supervisor
):
    client.force_login(manager)
    url = f"/team/certificates/issue/LWPC-CORE/{supervised.pk}/"

    page = _text(client.get(url))
    assert "Waiting for an assessor to sign off the award" in page
    assert "Issue the certificate</button>" not in page

    sign_off = _signed(assessor, supervised, qualification)
    page = _text(client.get(url))
    assert "Waiting for the named supervisor’s countersignature" in page
    assert escape(named_supervisor.full_name) in page
    assert "Issue the certificate</button>" not in page
    refused = client.post(url)
    assert refused.status_code == 400
    assert "Waiting for the named supervisor&#x27;s countersignature" in _text(refused)

    services.award_countersign(supervisor=named_supervisor, sign_off=sign_off)
    page = _text(client.get(url))
    assert "Issue the certificate</button>" in page
    assert f"{escape(named_supervisor.full_name)}, named supervisor" in page

    issued = client.post(url, follow=True)
    certificate = Certificate.objects.get()
    assert certificate.award_sign_off == sign_off
    today = f"{timezone.localdate():%-d %B %Y}"
    shown = _text(issued)
    assert f"{escape(assessor.full_name)}, {today}" in shown
    assert f"{escape(named_supervisor.full_name)}, named supervisor, {today}" in shown

    client.logout()
    public = _text(client.get(f"/verify/{certificate.verification_code}/"))
    assert "Signed off by" in public
    assert f"{escape(assessor.full_name)}, {today}" in public
    assert f"{escape(named_supervisor.full_name)}, named supervisor, {today}" in public
    data = client.get(f"/verify/{certificate.verification_code}.json").json()
    assert [entry["role"] for entry in data["sign_offs"]] == ["Signed off by", "Countersigned by"]


def test_the_issue_page_asks_for_a_named_supervisor_when_there_is_none(
    client, manager, eligible_records
):
    client.force_login(manager)

    page = _text(client.get(f"/team/certificates/issue/LWPC-CORE/{eligible_records.pk}/"))

    assert "has no named supervisor yet" in page
    assert "/team/supervisors/" in page


# --- Named supervisors ----------------------------------------------------------------------------


def test_a_manager_names_a_supervisor_from_the_team_page(
    client, manager, link_worker, named_supervisor, organisation, demo_curriculum
):
    client.force_login(manager)
    assert "/team/supervisors/" in _text(client.get("/team/"))
    membership = Membership.objects.get(user=link_worker, role=Role.LINK_WORKER)

    listing = _text(client.get("/team/supervisors/"))
    assert escape(link_worker.full_name) in listing
    url = f"/team/supervisors/{membership.pk}/"
    assert url in listing
    page = _text(client.get(url))
    assert escape(named_supervisor.full_name) in page

    done = client.post(url, {"supervisor": named_supervisor.pk}, follow=True)

    membership.refresh_from_db()
    assert membership.supervisor == named_supervisor
    assert "named supervisor at Riverside Test PCN is now" in _text(done)

    client.post(url, {"supervisor": ""})
    membership.refresh_from_db()
    assert membership.supervisor is None


def test_only_an_assessor_of_the_organisation_can_be_named(
    client, manager, link_worker, outside_assessor, organisation
):
    client.force_login(manager)
    membership = Membership.objects.get(user=link_worker, role=Role.LINK_WORKER)
    colleague = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user

    for wrong in (outside_assessor, colleague):
        response = client.post(f"/team/supervisors/{membership.pk}/", {"supervisor": wrong.pk})
        assert response.status_code == 400
        with pytest.raises(ValidationError) as refused:
            membership_supervisor_set(actor=manager, membership=membership, supervisor=wrong)
        assert refused.value.code == Refusal.SUPERVISOR
    membership.refresh_from_db()
    assert membership.supervisor is None


def test_a_manager_of_another_organisation_names_nobody(
    client, outside_manager, link_worker, named_supervisor
):
    client.force_login(outside_manager)
    membership = Membership.objects.get(user=link_worker, role=Role.LINK_WORKER)

    assert client.get(f"/team/supervisors/{membership.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        membership_supervisor_set(
            actor=outside_manager, membership=membership, supervisor=named_supervisor
        )
    membership.refresh_from_db()
    assert membership.supervisor is None
