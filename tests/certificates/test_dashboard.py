"""The admin dashboard greets trainers with their drafts and reviewers with their queue."""

import pytest
from django.contrib.auth.models import Group

from curriculum import services as curriculum_services
from curriculum.rules import ScaleLevelData
from tests.factories import UserFactory
from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP

pytestmark = pytest.mark.django_db


def _member_of(group: str, name: str):
    user = UserFactory(full_name=name)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def trainer():
    return _member_of(TRAINERS_GROUP, "Tessa Trainer")


@pytest.fixture
def reviewer():
    return _member_of(CURRICULUM_REVIEWERS_GROUP, "Rhys Reviewer")


@pytest.fixture
def framework():
    return curriculum_services.framework_create(
        id_number="DASH",
        short_name="Dashboard framework",
        scale=[
            ScaleLevelData(1, "Aware", description="Knows of it."),
            ScaleLevelData(2, "Proficient", is_proficient=True, description="Does it."),
        ],
        competencies=[
            {"id_number": "D", "short_name": "Domain"},
            {"id_number": "D-1", "short_name": "First", "parent_id_number": "D"},
        ],
    )


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_trainer_sees_their_drafts_and_the_way_to_each_tool(client, trainer, framework):
    framework.description = "A clearer description."
    framework.save_revision(user=trainer)

    page = _dashboard(client, trainer)

    assert "You have 1 draft not yet submitted for review." in page
    assert f'href="/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/"' in page
    assert 'href="/admin/snippets/curriculum/competencyframework/"' in page
    assert 'href="/admin/snippets/certificates/qualification/"' in page
    assert 'href="/admin/frameworks/import/"' in page
    assert "1 competency in live frameworks" in page  # the domain grouping it is not counted


def test_a_submitted_draft_moves_from_drafts_to_the_reviewers_queue(
    client, trainer, reviewer, framework
):
    framework.description = "A clearer description."
    framework.save_revision(user=trainer)
    framework.get_workflow().start(framework, trainer)

    trainer_page = _dashboard(client, trainer)
    reviewer_page = _dashboard(client, reviewer)

    assert "You have no drafts waiting to be submitted." in trainer_page
    assert "1 of your changes is in review." in trainer_page
    assert "1 change awaits your approval" in reviewer_page
    assert "drafts" not in reviewer_page  # a reviewer's dashboard is their queue


def test_someone_elses_draft_is_not_listed_as_yours(client, trainer, framework):
    framework.description = "Someone else's change."
    framework.save_revision(user=_member_of(TRAINERS_GROUP, "Other Trainer"))

    assert "You have no drafts waiting to be submitted." in _dashboard(client, trainer)


def test_reviewers_with_nothing_to_approve_are_told_so(client, reviewer):
    assert "Nothing awaits your approval." in _dashboard(client, reviewer)
