"""Signing the test client in as the sign-in pages do, second factor included."""

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from workforce.models import User
from workforce.two_factor import needs_second_factor

_plain_login = ClientMixin._login


def give_second_factor(client: ClientMixin, user: User) -> StaticDevice:
    """Mark the client's session as having given a second factor, as django_otp.login does."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Test second factor")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login_with_second_factor(self: ClientMixin, user: User, backend: str | None = None) -> None:
    """Client._login, then the second factor for anyone who can open the admin."""
    _plain_login(self, user, backend)
    if needs_second_factor(user):
        give_second_factor(self, user)
