"""The demo's share link: Aisha's certificate, with its levels, for a Riverside PCN interview."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from sharing import demo as sharing_demo
from sharing import selectors
from sharing.models import ShareDetail, ShareLink

pytestmark = pytest.mark.django_db


def test_aisha_has_shared_her_certificate_and_the_command_prints_the_address(client):
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)

    link = ShareLink.objects.select_related("certificate").get()
    assert link.holder.email == "aisha.khan@example.org"
    assert link.label == "For Riverside PCN interview"
    assert link.detail == ShareDetail.LEVELS
    assert link.certificate.holder == link.holder
    assert link.certificate.status_today.stands
    assert link.openings.count() == 1
    address = selectors.share_url(link)
    assert address in out.getvalue()

    # Loading again adds no link and prints the same address.
    again = io.StringIO()
    call_command("load_demo_data", stdout=again)
    assert ShareLink.objects.count() == 1
    assert address in again.getvalue()
    assert sharing_demo.share_link_address() == address
    page = client.get(urlsplit(address).path)
    assert page.status_code == 200
    assert "SPLW-PCP-01" in page.content.decode()
