"""Public checks are limited per address: a room scanning one QR code passes, a script doesn't."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from workforce import ratelimit

pytestmark = pytest.mark.django_db

UNKNOWN = "/verify/" + "A" * 32 + "/"


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, moved by hand: 1 January 2030, 09:00:10 UTC."""
    now = {"time": 1893488410.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["time"])
    return now


def _statuses(client, url, times, **extra):
    return [client.get(url, **extra).status_code for _ in range(times)]


def test_a_room_scanning_one_qr_code_from_one_network_passes(client, clock):
    # Sixty people on one network scan the same code within the minute.
    assert set(_statuses(client, UNKNOWN, 60)) == {404}


def test_a_script_checking_codes_is_paused_and_told_when_to_try_again(client, clock):
    assert set(_statuses(client, UNKNOWN, 120)) == {404}

    refused = client.get(UNKNOWN)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"  # the minute's window ends 50 s after 09:00:10
    assert "Try again in 50 seconds." in refused.content.decode()
    assert refused["Cache-Control"] == "no-store"

    clock["time"] += 50
    assert client.get(UNKNOWN).status_code == 404


def test_another_address_is_not_held_up(client, clock):
    _statuses(client, UNKNOWN, 121)

    assert client.get(UNKNOWN).status_code == 429
    assert client.get(UNKNOWN, REMOTE_ADDR="192.0.2.7").status_code == 404


def test_the_json_twin_answers_in_json(client, clock):
    json_url = "/verify/" + "A" * 32 + ".json"
    _statuses(client, json_url, 120)

    refused = client.get(json_url)

    assert refused.status_code == 429
    assert refused.json() == {
        "error": "Too many requests from your address. Try again in 50 seconds."
    }


def test_every_rate_of_a_scope_counts_and_the_longest_wait_is_given(clock):
    rates = (ratelimit.Rate(5, 60), ratelimit.Rate(8, 3600))

    first_minute = [ratelimit.retry_after("t", "192.0.2.1", rates) for _ in range(6)]
    clock["time"] += 60
    second_minute = [ratelimit.retry_after("t", "192.0.2.1", rates) for _ in range(3)]

    assert first_minute == [None] * 5 + [50]
    # 6 + 2 = 8 in the hour; the ninth waits for the hour's window, which ends at 10:00:00.
    assert second_minute == [None, None, 3600 - 70]


def test_a_long_wait_is_told_in_minutes(rf):
    response = ratelimit._too_many(rf.get("/verify/"), 2530, json=False)

    assert response.status_code == 429
    assert response["Retry-After"] == "2530"
    assert "Try again in 43 minutes." in response.content.decode()


def test_look_ups_by_number_and_surname_have_a_stricter_limit(client, clock):
    lookup = "/verify/?lookup-number=LWPC-CORE-2026-ABCDEF&lookup-surname=Okafor"

    assert set(_statuses(client, lookup, 20)) == {200}
    assert client.get(lookup).status_code == 429
    # The page itself, and checks by code, still answer.
    assert client.get("/verify/").status_code == 200
    assert client.get(UNKNOWN).status_code == 404


def test_pdf_checks_have_their_own_limit(client, clock):
    def check():
        upload = SimpleUploadedFile("c.pdf", b"%PDF-1.7 not ours", "application/pdf")
        return client.post("/verify/", {"check-pdf": upload}).status_code

    assert {check() for _ in range(10)} == {200}
    assert check() == 429
    assert client.get("/verify/").status_code == 200


def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_claims(
    client, clock, settings
):
    settings.RATE_LIMIT_PROXIES = 1
    # The proxy appends the address it saw; anything to its left came from the client.
    for forged in range(121):
        client.get(UNKNOWN, HTTP_X_FORWARDED_FOR=f"10.0.0.{forged}, 198.51.100.4")

    assert client.get(UNKNOWN, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 429
    assert client.get(UNKNOWN, HTTP_X_FORWARDED_FOR="198.51.100.5").status_code == 404


def test_limits_can_be_switched_off(client, clock, settings):
    settings.RATE_LIMITS_ENABLED = False

    assert set(_statuses(client, UNKNOWN, 130)) == {404}
