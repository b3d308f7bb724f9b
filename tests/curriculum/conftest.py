"""Fixtures for curriculum tests: the demo framework and curriculum, built by the demo loader."""

import pytest
from django.contrib.auth.models import Group

from curriculum import demo as curriculum_demo
from curriculum.models import CompetencyFramework, CurriculumPage
from tests.factories import UserFactory
from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP


@pytest.fixture
def demo_curriculum(db) -> CurriculumPage:
    curriculum_demo.load()
    return CurriculumPage.objects.get()


@pytest.fixture
def framework(demo_curriculum) -> CompetencyFramework:
    return demo_curriculum.framework


@pytest.fixture
def trainer(db):
    user = UserFactory(full_name="Tessa Trainer")
    user.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    return user


@pytest.fixture
def reviewer(db):
    user = UserFactory(full_name="Rhys Reviewer")
    user.groups.add(Group.objects.get(name=CURRICULUM_REVIEWERS_GROUP))
    return user
