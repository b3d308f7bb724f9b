"""Two managers issue the same certificate at the same moment: exactly one is issued.

On PostgreSQL (CI runs the suite there too) both requests pass the "already has one?" check
before either commits, so it is the partial unique constraint that refuses the second; SQLite
queues writing transactions (settings: transaction_mode IMMEDIATE), so there the check does.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from certificates import services
from certificates.models import Certificate
from tests.factories import MembershipFactory
from workforce.models import Role


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_issues_give_one_certificate(
    eligible_worker, manager, organisation, qualification
):
    second_manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(actor):
        try:
            start.wait(timeout=10)
            services.certificate_issue(
                actor=actor, worker=eligible_worker, qualification=qualification
            )
            outcomes.append("issued")
        except ValidationError as refused:
            outcomes.append(refused.code)
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(actor,)) for actor in (manager, second_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["already_current", "issued"]
    assert Certificate.objects.filter(holder=eligible_worker, is_current=True).count() == 1
