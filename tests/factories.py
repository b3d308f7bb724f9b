"""factory_boy factories shared by the tests."""

import datetime

import factory
from django.utils import timezone

from workforce.models import Membership, Organisation, OrganisationKind, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("test-password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test PCN {n}")
    kind = OrganisationKind.PCN
    ods_code = factory.Sequence(lambda n: f"U{10000 + n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.LINK_WORKER
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1000))
