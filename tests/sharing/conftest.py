"""Fixtures for share link tests: a link worker holding a certificate, issued through the
services (tests/certificates/conftest.py builds the records it rests on)."""

import datetime

import pytest
from django.utils import timezone

from certificates import services as certificate_services
from certificates.models import Certificate
from tests.certificates.conftest import (  # noqa: F401 - fixtures, found by name
    assess,
    core_codes,
    eligible_worker,
    methods,
    qualification,
    second_assessor,
)


@pytest.fixture
def certificate(
    eligible_worker,  # noqa: F811 - the fixture imported above
    manager,
    qualification,  # noqa: F811
) -> Certificate:
    """The link worker's certificate: valid today."""
    return certificate_services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )


@pytest.fixture
def clock(monkeypatch):
    """Move `timezone.now()` on by a timedelta: how a link is seen once it has run out."""
    real_now = timezone.now

    def shift(by: datetime.timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + by)

    return shift
