"""The demo's internal quality assurance: the IQA sign-in, one sample agreed, one on hold."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.http import HttpRequest

from competencies.models import Assessment, IqaDecision, IqaSample
from quality import demo
from workforce.models import Role
from workforce.views import home_url_for

pytestmark = pytest.mark.django_db


def test_the_demo_iqa_signs_in_lands_on_sampling_and_has_two_samples(client):
    call_command("load_demo_data", stdout=None)
    demo.load()

    iqa = authenticate(HttpRequest(), username="iqa@example.org", password="demo-password")
    assert iqa is not None
    assert list(iqa.memberships.values_list("role", "organisation__name")) == [
        (Role.IQA, "Riverside North PCN")
    ]
    assert home_url_for(iqa) == "/quality/"
    samples = IqaSample.objects.filter(quality_assurer=iqa)
    assert sorted(samples.values_list("decision", flat=True)) == [
        IqaDecision.AGREED,
        IqaDecision.NOT_AGREED,
    ]
    held = samples.get(decision=IqaDecision.NOT_AGREED)
    assert held.reason
    assert held.assessment.worker.email == "linkworker@example.org"
    assert not Assessment.objects.counting().filter(pk=held.assessment_id).exists()
    client.force_login(iqa)
    assert client.get("/quality/").context["page_obj"].paginator.count > 0

    assert demo.load() == {"quality assurers": 0, "IQA samples": 0}
    assert samples.count() == 2
