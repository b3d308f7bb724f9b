"""Signing in: lockouts and unlocking, password-reset throttling, session timeouts, password
length, the sign-in audit log and the second factor for everyone with admin access.

These tests sign in through the pages (`client.post` to a sign-in form), never with
`force_login`, which gives an admin user their second factor (tests/conftest.py).
"""

import time

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry, Site

from tests.factories import UserFactory
from workforce import demo
from workforce.permissions import TRAINERS_GROUP
from workforce.signin import LAST_SEEN_AT, SIGNED_IN_AT
from workforce.two_factor import new_recovery_codes

pytestmark = pytest.mark.django_db

PASSWORD = "test-password"  # tests/factories.py
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = 5  # AXES_FAILURE_LIMIT
VERIFY = "/accounts/two-factor/"
SET_UP = "/accounts/two-factor/set-up/"


def sign_in(
    client: Client, email: str, password: str = PASSWORD, *, at: str = LOGIN, address="10.0.0.1"
):
    return client.post(at, {"username": email, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def trainer():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    return user


@pytest.fixture
def app(trainer) -> TOTPDevice:
    return TOTPDevice.objects.create(user=trainer, name="Authenticator app", confirmed=True)


@pytest.fixture
def administrator():
    return UserFactory(is_superuser=True)


def entries(action: str):
    return ModelLogEntry.objects.filter(action=action)


# --- Lockouts ------------------------------------------------------------------------------


def test_an_account_is_locked_after_repeated_failures_from_any_address(client, person):
    for attempt in range(LIMIT - 1):
        response = sign_in(client, person.email, "wrong", address=f"10.0.1.{attempt}")
        assert response.status_code == 200  # the form again, with its error
    # The case of the address does not make another account to guess at.
    locking = sign_in(client, person.email.upper(), "wrong", address="10.0.1.99")

    assert locking.status_code == 429
    assert "Signing in is paused" in locking.content.decode()
    # Locked now even with the right password, from a fresh address.
    refused = sign_in(client, person.email, address="10.0.1.200")
    assert refused.status_code == 429
    assert "for 15 minutes" in refused.content.decode()
    assert not is_signed_in(client)


def test_an_address_is_locked_after_repeated_failures_for_any_accounts(client, person):
    for attempt in range(LIMIT):
        sign_in(client, f"guess{attempt}@example.org", "wrong", address="10.0.2.1")

    refused = sign_in(client, person.email, address="10.0.2.1")

    assert refused.status_code == 429
    assert "Signing in is paused" in refused.content.decode()
    assert not is_signed_in(client)
    # Another address is not locked out for this account.
    assert sign_in(Client(), person.email, address="10.0.2.2").status_code == 302


def test_wagtails_own_sign_in_page_is_locked_too(client, trainer):
    for _ in range(LIMIT):
        sign_in(client, trainer.email, "wrong", at=ADMIN_LOGIN)

    refused = sign_in(client, trainer.email, at=ADMIN_LOGIN)

    assert refused.status_code == 429
    assert "Signing in is paused" in refused.content.decode()


def test_fewer_failures_than_the_limit_do_not_lock(client, person):
    for _ in range(LIMIT - 1):
        sign_in(client, person.email, "wrong")

    assert sign_in(client, person.email).status_code == 302
    assert is_signed_in(client)


def test_an_administrator_unlocks_an_account_after_confirming(client, person, administrator):
    for _ in range(LIMIT):
        sign_in(Client(), person.email, "wrong")
    client.force_login(administrator)

    listing = client.get("/admin/sign-in-lockouts/")
    assert listing.status_code == 200
    assert f"Account {person.email}" in listing.content.decode()
    confirm = client.get("/admin/sign-in-lockouts/unlock/", {"account": person.email})
    assert "Yes, unlock" in confirm.content.decode()
    # Asking is not unlocking.
    assert sign_in(Client(), person.email, address="10.0.3.1").status_code == 429

    done = client.post("/admin/sign-in-lockouts/unlock/", {"account": person.email})

    assert done.status_code == 302
    assert f"Account {person.email}" not in client.get("/admin/sign-in-lockouts/").content.decode()
    assert sign_in(Client(), person.email, address="10.0.3.1").status_code == 302
    entry = entries("workforce.signin.unlock").get()
    assert entry.object_id == str(person.pk)
    assert entry.user_id == administrator.pk


def test_an_administrator_unlocks_an_address(client, administrator, person):
    for attempt in range(LIMIT):
        sign_in(Client(), f"guess{attempt}@example.org", "wrong", address="10.0.4.1")
    client.force_login(administrator)
    assert "Address 10.0.4.1" in client.get("/admin/sign-in-lockouts/").content.decode()

    client.post("/admin/sign-in-lockouts/unlock/", {"address": "10.0.4.1"})

    assert sign_in(Client(), person.email, address="10.0.4.1").status_code == 302


def test_only_administrators_may_unlock(client, trainer, person):
    for _ in range(LIMIT):
        sign_in(Client(), person.email, "wrong")
    client.force_login(trainer)

    assert client.get("/admin/sign-in-lockouts/").status_code in {302, 403}
    client.post("/admin/sign-in-lockouts/unlock/", {"account": person.email})

    assert sign_in(Client(), person.email).status_code == 429


# --- Password reset throttle -----------------------------------------------------------------


def reset(client: Client, email: str, address: str = "10.0.5.1"):
    return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_limited_per_email_address_without_saying_if_it_exists(client, person):
    for attempt in range(3):
        assert reset(client, person.email, f"10.0.5.{attempt}").status_code == 302
        assert reset(client, "nobody@example.org", f"10.0.5.{attempt}").status_code == 302
    assert len(mail.outbox) == 3

    known = reset(client, person.email.upper(), "10.0.5.50")
    unknown = reset(client, "nobody@example.org", "10.0.5.50")

    assert known.status_code == unknown.status_code == 429
    assert "Too many password reset requests" in known.content.decode()
    # The same page either way, so the limit tells nobody whether an account exists.
    assert known.content.decode() == unknown.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_address(client, person):
    for attempt in range(10):
        assert reset(client, f"someone{attempt}@example.org").status_code == 302

    refused = reset(client, person.email)

    assert refused.status_code == 429
    assert mail.outbox == []
    assert reset(client, person.email, address="10.0.5.2").status_code == 302
    assert len(mail.outbox) == 1


def test_wagtails_unthrottled_password_reset_is_switched_off(client):
    assert client.get("/admin/password_reset/").status_code == 404


# --- Session timeouts ------------------------------------------------------------------------


def _age_session(client: Client, **ages: int) -> None:
    session = client.session
    for key, seconds in ages.items():
        session[key] = int(time.time()) - seconds
    session.save()


@pytest.fixture
def signed_in(client, link_worker):
    assert sign_in(client, link_worker.email).status_code == 302
    return client


def test_a_session_ends_after_30_minutes_idle(signed_in):
    _age_session(signed_in, **{LAST_SEEN_AT: 29 * 60})
    assert signed_in.get("/progress/").status_code == 200

    _age_session(signed_in, **{LAST_SEEN_AT: 31 * 60})
    response = signed_in.get("/progress/", follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/?next=%2Fprogress%2F"
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert not is_signed_in(signed_in)


def test_activity_keeps_a_session_alive(signed_in):
    _age_session(signed_in, **{LAST_SEEN_AT: 20 * 60})
    signed_in.get("/progress/")

    assert time.time() - signed_in.session[LAST_SEEN_AT] < 5


def test_a_session_ends_12_hours_after_signing_in_however_active(signed_in):
    _age_session(signed_in, **{SIGNED_IN_AT: 11 * 3600, LAST_SEEN_AT: 60})
    assert signed_in.get("/progress/").status_code == 200

    _age_session(signed_in, **{SIGNED_IN_AT: 12 * 3600 + 1, LAST_SEEN_AT: 60})
    response = signed_in.get("/progress/", follow=True)

    assert "signed out 12 hours after signing in" in response.content.decode()
    assert not is_signed_in(signed_in)


def test_the_session_cookie_lasts_12_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


# --- Passwords -------------------------------------------------------------------------------


def test_passwords_need_12_characters(person):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        password_validation.validate_password("xkcd-horse1", person)  # 11
    password_validation.validate_password("xkcd-horse12", person)  # 12
    password_validation.validate_password(demo.DEMO_PASSWORD, person)
    # The other validators stay.
    with pytest.raises(ValidationError):
        password_validation.validate_password("123456789012345", person)


def test_changing_the_password_refuses_a_short_one_and_is_audited(client, person):
    sign_in(client, person.email)

    short = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "Short-pw-11", "new_password2": "Short-pw-11"},
    )
    assert short.status_code == 200
    assert "at least 12 characters" in short.content.decode()
    assert not entries("workforce.password.change").exists()

    changed = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-long-new-password-7",
            "new_password2": "a-long-new-password-7",
        },
    )

    assert changed.status_code == 302
    entry = entries("workforce.password.change").get()
    assert (entry.object_id, entry.user_id, entry.data["how"]) == (
        str(person.pk),
        person.pk,
        "changed",
    )


def test_a_password_reset_is_audited(client, person):
    reset(client, person.email)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    form = client.get(link.removeprefix(settings.SITE_BASE_URL), follow=True)

    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-password-7", "new_password2": "a-long-new-password-7"},
    )

    assert entries("workforce.password.change").get().data["how"] == "reset"


# --- Audit log ------------------------------------------------------------------------------


def test_sign_ins_failures_and_lockouts_are_audited(client, person):
    sign_in(client, person.email)
    entry = entries("workforce.signin.success").get()
    assert (entry.object_id, entry.user_id) == (str(person.pk), person.pk)
    assert entry.data["ip_address"] == "10.0.0.1"

    for _ in range(LIMIT):
        sign_in(Client(), person.email, "wrong", address="10.0.6.1")

    failures = entries("workforce.signin.failure").filter(object_id=str(person.pk))
    assert failures.count() == LIMIT
    # Anyone may type an address: a failure is not recorded as the account owner's doing.
    assert not failures.exclude(user=None).exists()
    lockout = entries("workforce.signin.lockout").get()
    assert lockout.object_id == str(person.pk)
    assert lockout.data["ip_address"] == "10.0.6.1"


def test_a_failure_for_an_unknown_address_is_audited_without_what_was_typed(client):
    sign_in(client, "my-secret-password", "wrong")

    entry = entries("workforce.signin.failure").get()
    assert entry.content_type.model_class() is Site
    assert entry.data["known_account"] is False
    assert "my-secret-password" not in str(entry.data)


def test_sign_in_log_actions_have_labels(client, administrator):
    sign_in(client, administrator.email)
    client.force_login(administrator)

    history = client.get("/admin/reports/site-history/")

    assert history.status_code == 200
    assert "Signed in" in history.content.decode()


# --- Second factor -----------------------------------------------------------------------------


ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/account/", "/admin/no-such-page/", "/home/"]


@pytest.mark.parametrize("route", [LOGIN, ADMIN_LOGIN])
def test_an_admin_user_without_a_device_is_sent_to_set_one_up_from_every_page(
    client, trainer, route
):
    sign_in(client, trainer.email, at=route)
    assert is_signed_in(client)

    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SET_UP}?next="), url


@pytest.mark.parametrize("route", [LOGIN, ADMIN_LOGIN])
def test_an_admin_user_with_an_app_must_give_a_code_on_every_page(client, trainer, app, route):
    sign_in(client, trainer.email, at=route)

    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next="), url
    # Nor can they enrol another app with the password alone.
    assert client.get(SET_UP)["Location"].startswith(VERIFY)
    # Posting to an admin page is refused the same way.
    assert client.post("/admin/pages/add/", {})["Location"].startswith(VERIFY)


def test_a_valid_code_lets_the_admin_user_in(client, trainer, app):
    sign_in(client, trainer.email)
    wrong = client.post(VERIFY, {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    app.throttling_failure_count = 0  # the wrong code above slows the next try down
    app.throttling_failure_timestamp = None
    app.save()
    response = client.post(VERIFY, {"code": code_for(app), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert entries("workforce.two_factor.verify").get().user_id == trainer.pk
    assert entries("workforce.two_factor.failure").count() == 1


def test_a_code_from_the_app_works_only_once(client, trainer, app):
    code = code_for(app)
    sign_in(client, trainer.email)
    client.post(VERIFY, {"code": code})
    other = Client()
    sign_in(other, trainer.email)

    replay = other.post(VERIFY, {"code": code})

    assert replay.status_code == 200
    assert other.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(client, trainer, app):
    code = new_recovery_codes(trainer)[0]
    sign_in(client, trainer.email)

    used = client.post(VERIFY, {"code": code.upper(), "next": "/admin/"}, follow=True)

    assert used.redirect_chain[-1][0] == "/admin/"
    assert "You have 9 left" in used.content.decode()
    again = Client()
    sign_in(again, trainer.email)
    assert again.post(VERIFY, {"code": code}).status_code == 200
    assert again.get("/admin/").status_code == 302


def test_setting_up_the_app_shows_the_secret_and_recovery_codes_once(client, trainer):
    sign_in(client, trainer.email)

    page = client.get(SET_UP, {"next": "/admin/"})

    content = page.content.decode()
    assert 'src="data:image/svg+xml' in content
    device = TOTPDevice.objects.get(user=trainer, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url
    done = client.post(SET_UP, {"code": code_for(device), "next": "/admin/"})

    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    assert set(
        StaticDevice.objects.get(user=trainer).token_set.values_list("token", flat=True)
    ) == set(codes)
    assert client.get("/admin/").status_code == 200
    # Shown once: the set-up page now sends the person on, showing nothing.
    assert client.get(SET_UP).status_code == 302


def test_people_without_admin_access_are_not_asked_for_a_code(client, link_worker):
    sign_in(client, link_worker.email)

    assert client.get("/progress/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/home/"


def test_sign_out_stays_open_before_the_code(client, trainer, app):
    sign_in(client, trainer.email)

    client.post("/accounts/logout/")

    assert not is_signed_in(client)


def test_the_published_demo_code_signs_in_a_demo_admin_user(client, trainer):
    TOTPDevice.objects.create(user=trainer, name="App", key=demo.DEMO_TOTP_KEY)
    sign_in(client, trainer.email)

    client.post(VERIFY, {"code": demo.demo_otp_code(trainer.email)})

    assert client.get("/admin/").status_code == 200
    # A second sign-in within the same 30 seconds is given the next code, which is accepted.
    again = Client()
    sign_in(again, trainer.email)
    again.post(VERIFY, {"code": demo.demo_otp_code(trainer.email)})
    assert again.get("/admin/").status_code == 200


def test_demo_codes_are_only_for_the_published_demo_key(app, trainer):
    with pytest.raises(demo.NoDemoCode):
        demo.demo_otp_code(trainer.email)


def test_after_an_administrator_removes_a_lost_app_the_person_sets_up_a_new_one(
    client, trainer, app
):
    new_recovery_codes(trainer)
    app.delete()
    sign_in(client, trainer.email)

    assert client.get("/admin/")["Location"].startswith(SET_UP)
    assert client.get(SET_UP).status_code == 200
