"""The test worlds are put back from recorded rows rather than built again (tests/snapshots.py):
the suite's running time rests on it, and a builder that starts leaving work for after the
commit silently stops being put back."""

import pytest
from django.db import transaction

from curriculum.caching import retire_kept_pages
from tests import snapshots
from tests.conftest import _load_curriculum
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _twice(name: str, build) -> dict[str, int]:
    """Put back `name` in a savepoint rolled back, then again; what the second call did."""
    with transaction.atomic():
        snapshots.put_back(name, build)
        transaction.set_rollback(True)
    before = dict(snapshots.stats)
    snapshots.put_back(name, build)
    return {kind: snapshots.stats[kind] - before[kind] for kind in before}


def test_the_demo_curriculum_is_put_back_the_second_time(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        done = _twice("demo curriculum", _load_curriculum)

    assert done == {"put back": 1, "recorded": 0, "built": 0}
    # Its publishes retire the kept pages after the commit: putting it back asks for that too.
    assert retire_kept_pages in callbacks


def test_a_build_leaving_other_work_for_after_the_commit_is_built_each_time():
    def build():
        OrganisationFactory(name="Built with a task for later")
        transaction.on_commit(lambda: None)

    assert _twice("work for after the commit", build) == {"put back": 0, "recorded": 0, "built": 1}
