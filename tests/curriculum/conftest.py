"""Fixtures for curriculum tests: trainers and reviewers."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory
from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP


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
