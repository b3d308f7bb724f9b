"""The IQA's pages, the assessor's holds and the manager's coverage: who gets them, what they
show, and a fixed number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from competencies import services as competencies_services
from competencies.models import Assessment, EvidenceKind, IqaDecision, IqaSample
from quality import views
from quality.services import iqa_sample_record
from tests.factories import MembershipFactory
from workforce.models import Role
from workforce.views import home_url_for

pytestmark = pytest.mark.django_db

SAMPLING = "/quality/"
HOLDS = "/caseload/on-hold/"
COVERAGE = "/team/quality/"
REASON = "The notes do not show how the level was judged."


def _sample_url(assessment: Assessment) -> str:
    return f"/quality/assessments/{assessment.pk}/"


@pytest.fixture
def everything_sampled(organisation):
    organisation.iqa_sample_percent = 100
    organisation.save()


def test_an_iqa_lands_on_the_sampling_page(client, iqa):
    assert home_url_for(iqa) == SAMPLING
    client.force_login(iqa)

    response = client.get("/home/")

    assert response.status_code == 302
    assert response.url == SAMPLING
    assert f'href="{SAMPLING}"' in client.get(SAMPLING).content.decode()  # in the navigation


@pytest.mark.parametrize(
    ("url", "allowed", "refused"),
    [
        (SAMPLING, "iqa", ["assessor", "manager", "link_worker", "nobody"]),
        (HOLDS, "assessor", ["iqa", "manager", "link_worker", "nobody"]),
        (COVERAGE, "manager", ["iqa", "assessor", "link_worker", "nobody"]),
    ],
)
def test_each_page_is_for_its_role(client, request, url, allowed, refused):
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    for person in refused:
        client.force_login(request.getfixturevalue(person))
        assert client.get(url).status_code == 403, person
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(url).status_code == 200


def test_the_sampling_page_lists_selected_assessments_and_pages_them(
    client, monkeypatch, iqa, link_worker, assessor, everything_sampled, assess
):
    monkeypatch.setattr(views, "SAMPLING_PAGE_SIZE", 2)
    made = [assess(days_ago=5 - n) for n in range(3)]
    client.force_login(iqa)

    first = client.get(SAMPLING)
    second = client.get(SAMPLING, {"page": 2})

    assert [a.pk for a in first.context["page_obj"]] == [made[0].pk, made[1].pk]
    assert [a.pk for a in second.context["page_obj"]] == [made[2].pk]
    content = first.content.decode()
    # Escaped as the page writes them (a generated name may hold an apostrophe: O'Brien).
    assert escape(str(link_worker)) in content
    assert "SPLW-ROL-01" in content
    assert escape(str(assessor)) in content
    assert f'href="{_sample_url(made[0])}"' in content
    assert "Showing 1 to 2 of 3 assessments to sample" in content


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_sampling_page_takes_a_fixed_number_of_queries(
    client, iqa, organisation, everything_sampled, assess
):
    assess()
    client.force_login(iqa)
    few = _queries(client, SAMPLING)
    for _ in range(3):
        worker = MembershipFactory(organisation=organisation, role=Role.LINK_WORKER).user
        done = [assess(worker=worker, days_ago=n + 1) for n in range(3)]
        iqa_sample_record(assessment=done[0], quality_assurer=iqa, decision=IqaDecision.AGREED)

    assert _queries(client, SAMPLING) == few


def test_the_sample_page_shows_the_notes_and_evidence(client, iqa, assess):
    assessment = assess()
    client.force_login(iqa)

    content = client.get(_sample_url(assessment)).content.decode()

    assert "Observed a first conversation with a new referral." in content
    assert "Record my decision" in content


def test_not_agreed_without_a_reason_is_refused_beside_the_field(client, iqa, assess):
    assessment = assess()
    client.force_login(iqa)

    response = client.post(_sample_url(assessment), {"decision": "not_agreed", "reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not IqaSample.objects.exists()


def test_not_agreed_puts_it_on_hold_and_the_page_says_so(client, iqa, assess):
    assessment = assess()
    client.force_login(iqa)

    response = client.post(
        _sample_url(assessment), {"decision": "not_agreed", "reason": REASON}, follow=True
    )

    content = response.content.decode()
    assert response.redirect_chain == [(_sample_url(assessment), 302)]
    assert "On hold" in content
    assert "on hold until it is re-assessed" in content
    assert REASON in content
    assert "Record my decision" not in content
    assert not Assessment.objects.counting().filter(pk=assessment.pk).exists()


def test_agreeing_through_the_page(client, iqa, assess):
    assessment = assess()
    client.force_login(iqa)

    response = client.post(_sample_url(assessment), {"decision": "agreed"}, follow=True)

    assert "You agreed the assessment." in response.content.decode()
    assert IqaSample.objects.get().decision == IqaDecision.AGREED


def test_an_iqa_of_another_organisation_gets_a_404(client, outside_iqa, assess):
    assessment = assess()
    client.force_login(outside_iqa)

    assert client.get(_sample_url(assessment)).status_code == 404
    assert client.post(_sample_url(assessment), {"decision": "agreed"}).status_code == 404
    assert list(client.get(SAMPLING).context["page_obj"]) == []
    assert not IqaSample.objects.exists()


def test_the_sample_page_is_for_iqas_only(client, assessor, assess):
    assessment = assess()
    client.force_login(assessor)

    assert client.get(_sample_url(assessment)).status_code == 403


def test_the_assessor_sees_their_holds_from_the_caseload(client, iqa, assessor, assess):
    held = assess()
    iqa_sample_record(
        assessment=held, quality_assurer=iqa, decision=IqaDecision.NOT_AGREED, reason=REASON
    )
    client.force_login(assessor)

    assert f'href="{HOLDS}"' in client.get("/caseload/").content.decode()
    content = client.get(HOLDS).content.decode()
    assert REASON in content
    assert f'href="/assessments/{held.pk}/correct/"' in content


def test_the_manager_sees_coverage_from_the_team_pages(client, iqa, manager, assessor, assess):
    iqa_sample_record(assessment=assess(), quality_assurer=iqa, decision=IqaDecision.AGREED)
    client.force_login(manager)

    assert f'href="{COVERAGE}"' in client.get("/team/audit/").content.decode()
    response = client.get(COVERAGE)
    row = next(r for r in response.context["rows"] if r.assessor == assessor)
    assert (row.made, row.selected, row.sampled, row.agreed, row.percent_done) == (1, 1, 1, 1, 100)
    assert 'aria-current="page"><strong>Quality assurance' in response.content.decode()


def test_the_iqa_opens_the_evidence_file_of_a_sampled_assessment(
    client, iqa, outside_iqa, assessor, link_worker, framework, methods
):
    competency = framework.competencies.get(id_number="SPLW-ROL-01")
    evidence = competencies_services.evidence_submit(
        worker=link_worker,
        kind=EvidenceKind.DOCUMENT,
        title="Observation record",
        competencies=[competency],
        upload=SimpleUploadedFile("record.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    assessment = competencies_services.evidence_accept(
        evidence=evidence,
        reviewer=assessor,
        competency=competency,
        level=3,
        method=methods["DOP"],
        assessed_on=timezone.localdate(),
    )
    file_url = f"/quality/evidence/{evidence.pk}/file/"
    client.force_login(iqa)

    assert f'href="{file_url}"' in client.get(_sample_url(assessment)).content.decode()
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert ModelLogEntry.objects.filter(
        action="competencies.evidence.download", user=iqa, object_id=str(evidence.pk)
    ).exists()
    client.force_login(outside_iqa)
    assert client.get(file_url).status_code == 404
    client.force_login(assessor)
    assert client.get(file_url).status_code == 403


def test_the_worker_sees_the_hold_and_its_reason_on_their_record(client, iqa, link_worker, assess):
    held = assess()
    iqa_sample_record(
        assessment=held, quality_assurer=iqa, decision=IqaDecision.NOT_AGREED, reason=REASON
    )
    client.force_login(link_worker)

    content = client.get(
        f"/workers/{link_worker.pk}/competencies/{held.competency_id}/"
    ).content.decode()

    assert "On hold after quality assurance" in content
    assert (
        f"not agreed: on hold until re-assessed ({held.iqa_sample.sampled_at:%-d %b %Y})" in content
    )
    assert f"Reason: {REASON}" in content
