"""Fixtures shared by every test module."""

import datetime
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.test.client import ClientMixin
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update

from curriculum import demo as curriculum_demo
from curriculum.content_files import demo_content
from curriculum.models import CompetencyFramework, CurriculumPage
from tests import snapshots
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.signin import login_with_second_factor
from tests.stored_files import disk_specs, use_storages
from workforce.models import Role


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Riverside Test PCN")


@pytest.fixture
def other_organisation():
    return OrganisationFactory(name="Elsewhere Test PCN")


def _member(organisation, role):
    return MembershipFactory(organisation=organisation, role=role).user


@pytest.fixture
def link_worker(organisation):
    return _member(organisation, Role.LINK_WORKER)


@pytest.fixture
def assessor(organisation):
    return _member(organisation, Role.ASSESSOR)


@pytest.fixture
def manager(organisation):
    return _member(organisation, Role.MANAGER)


@pytest.fixture
def outside_link_worker(other_organisation):
    return _member(other_organisation, Role.LINK_WORKER)


@pytest.fixture
def outside_assessor(other_organisation):
    return _member(other_organisation, Role.ASSESSOR)


@pytest.fixture
def outside_manager(other_organisation):
    return _member(other_organisation, Role.MANAGER)


@pytest.fixture
def nobody():
    """Signed-up but with no role anywhere."""
    return UserFactory()


@contextmanager
def _indexes_left_alone():
    """Without Wagtail's reference index (the admin's "usage" counts, which no test of ours reads)
    and the search index (which `searchable_curriculum` fills when a test searches): keeping them
    up to date is most of the cost of building the curriculum, in every test using it."""
    search_without_updates = {
        name: {**backend, "AUTO_UPDATE": False}
        for name, backend in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with (
        disable_reference_index_auto_update(),
        override_settings(WAGTAILSEARCH_BACKENDS=search_without_updates),
    ):
        yield


def _load_curriculum() -> None:
    with _indexes_left_alone():
        curriculum_demo.load()


def _load_framework() -> None:
    with _indexes_left_alone():
        curriculum_demo.load_framework()


@pytest.fixture
def demo_curriculum(db) -> CurriculumPage:
    """The brief's curriculum and framework, built by the demo loader, both editions (built once
    per test process, then its rows put back: tests/snapshots.py)."""
    snapshots.put_back("demo curriculum", _load_curriculum)
    return CurriculumPage.objects.get()


@pytest.fixture
def searchable_curriculum(demo_curriculum) -> CurriculumPage:
    """The demo curriculum with its pages in the search index."""
    call_command("update_index", verbosity=0)
    return demo_curriculum


@pytest.fixture
def framework(db) -> CompetencyFramework:
    """The brief's competency framework alone: a third of the cost of the whole curriculum.
    Tests that show curriculum pages (modules, progress by module) ask for `demo_curriculum`."""
    snapshots.put_back("demo framework", _load_framework)
    return CompetencyFramework.objects.get(id_number=demo_content().latest.framework.id_number)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path, monkeypatch):
    """Uploaded files, public and private, go to folders of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    use_storages(monkeypatch, settings, **disk_specs(tmp_path / "private"))


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with no counts from another (rate limits, sign-in throttles)."""
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _admin_sign_ins_give_the_second_factor(monkeypatch):
    """`client.force_login` and `client.login` sign an admin user in with their second factor
    given, as the sign-in pages do once the code is accepted: tests of admin pages are not
    tests of signing in. tests/security/test_sign_in.py signs in through the pages instead."""
    monkeypatch.setattr(ClientMixin, "_login", login_with_second_factor)


# The days some test modules name as constants, as offsets from today.
_DAYS_AROUND_TODAY = {"TODAY": 0, "YESTERDAY": -1, "TOMORROW": 1, "LONG_AGO": -900}


@pytest.fixture(autouse=True)
def _days_from_the_day_the_test_runs(request, monkeypatch):
    """A module's TODAY, YESTERDAY, TOMORROW and LONG_AGO are set again for each of its tests:
    set once at import, they would be a day behind the app's own "today" in a run that
    crosses midnight."""
    today = timezone.localdate()
    for name, offset in _DAYS_AROUND_TODAY.items():
        if isinstance(getattr(request.module, name, None), datetime.date):
            monkeypatch.setattr(request.module, name, today + datetime.timedelta(days=offset))


def pytest_sessionfinish(session):
    """The copies of stored files kept for putting test worlds back go with the run."""
    snapshots.discard()
