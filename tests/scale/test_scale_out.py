"""Two app servers, two workers, one PostgreSQL, one Redis and a local S3 server (the scale demo,
scripts/scale_demo.py), driven as people would over HTTP: what one server does, the other sees.

Server A and server B are separate gunicorn processes under production settings; nothing is
shared between them but the database, the Redis cache and the S3 store.
"""

import hashlib
import html
import importlib.util
import os
import re
import time
from pathlib import Path

import boto3
import pytest
import redis
import requests
from django.conf import settings

pytestmark = pytest.mark.scale

POSTGRES = os.environ.get("SCALE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CACHE_URL = os.environ.get("SCALE_CACHE_URL", "redis://127.0.0.1:6379/7")
DATABASE = "scaleout_demo_test"
PASSWORD = "demo-password"  # the published demo sign-in
MANAGER = "manager@example.org"
HOLDER = "kwame.mensah@example.org"  # the demo's candidate, signed off and ready to issue
QUALIFICATION = "LWPC-CORE"
# certificates.views.LOOKUP_RATES: 20 look-ups by number and surname a minute per address.
LOOKUPS_PER_MINUTE = 20
LOOKUP = "lookup-number=LWPC-CORE-2020-ZZZZZZ&lookup-surname=Nobody"  # found or not, it counts


def _scale_demo_module():
    path = Path(settings.BASE_DIR) / "scripts" / "scale_demo.py"
    spec = importlib.util.spec_from_file_location("scale_demo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    scale_demo = _scale_demo_module()
    running = scale_demo.ScaleDemo(
        log_dir=tmp_path_factory.mktemp("scale-demo-logs"),
        database=DATABASE,
        postgres=POSTGRES,
        cache_url=CACHE_URL,
        gunicorn_workers=1,  # two servers are the point; one process each is enough
        say=lambda _: None,
    )
    try:
        yield running.start()
    finally:
        running.stop()
        running.drop_databases()


class Browser:
    """One person's browser. The cookies are Secure (production settings) and this is plain
    HTTP on loopback, so they are kept and sent by hand, to whichever server is asked, as a
    browser sends them to every server behind one address."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=120, **kwargs
        )
        for line in response.raw.headers.getlist("Set-Cookie"):
            name, _, value = line.split(";", 1)[0].partition("=")
            if value and "max-age=0" not in line.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response

    def get(self, url: str) -> requests.Response:
        return self.request("GET", url)

    def submit(self, url: str, data: dict[str, str]) -> requests.Response:
        """GET a form page, then POST the form with its CSRF token, as a browser does."""
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {url}"
        return self.request("POST", url, data={"csrfmiddlewaretoken": token.group(1), **data})

    def sign_in(self, server: str, email: str) -> None:
        answer = self.submit(f"{server}/accounts/login/", {"username": email, "password": PASSWORD})
        assert answer.status_code == 302, f"{email} could not sign in on {server}"
        assert "sessionid" in self.cookies


def _title(page: requests.Response) -> str:
    """The page's own title, without the site's name after it."""
    title = html.unescape(re.search(r"<title>(.*?)</title>", page.text, re.DOTALL).group(1))
    return title.strip().removesuffix("Link Worker Academy").strip().removesuffix("–").strip()


def _stored_pdf(demo, number: str) -> bytes:
    """The certificate's PDF as the S3 store holds it."""
    s3 = boto3.client(
        "s3",
        endpoint_url=demo.s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id="scale-test",
        aws_secret_access_key="scale-test",
    )
    keys = [
        item["Key"]
        for item in s3.list_objects_v2(Bucket=demo.bucket, Prefix="certificates/")["Contents"]
        if item["Key"].endswith(f"/{number}.pdf")
    ]
    assert len(keys) == 1, keys
    return s3.get_object(Bucket=demo.bucket, Key=keys[0])["Body"].read()


def test_issued_on_one_server_verified_and_downloaded_on_the_other_and_revoked_back(demo):
    server_a, server_b = demo.servers
    cache = redis.Redis.from_url(demo.cache_url)

    # The manager signs in on A through the sign-in page and issues Kwame's certificate there.
    manager = Browser()
    manager.sign_in(server_a, MANAGER)
    certify = manager.get(f"{server_a}/team/certify/")
    assert certify.status_code == 200
    kwame_id = re.search(
        r'value="(\d+)"[^>]*>\s*<label[^>]*>Kwame Mensah</label>', certify.text
    ).group(1)
    issued = manager.submit(f"{server_a}/team/certificates/issue/{QUALIFICATION}/{kwame_id}/", {})
    assert issued.status_code == 302, issued.text[:2000]
    number = re.fullmatch(r"/team/certificates/([A-Z0-9-]+)/", issued.headers["Location"]).group(1)
    managed = manager.get(f"{server_a}/team/certificates/{number}/")
    assert managed.status_code == 200
    code = re.search(r"/verify/([A-Za-z0-9_-]{32})/", managed.text).group(1)

    # Kwame signs in on B and downloads it: the file A stored, on S3, through B's
    # permission-checked view, which sends him to the store's own brief presigned URL.
    holder = Browser()
    holder.sign_in(server_b, HOLDER)
    issued = holder.get(f"{server_b}/progress/certificates/{number}/pdf/")
    assert issued.status_code == 302, issued.text[:2000]
    download = requests.get(issued.headers["Location"], timeout=120)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert (
        hashlib.sha256(download.content).hexdigest()
        == hashlib.sha256(_stored_pdf(demo, number)).hexdigest()
    )

    # Anyone checking it, on either server, sees it valid.
    public = Browser()
    for server in (server_b, server_a):
        page = public.get(f"{server}/verify/{code}/")
        assert page.status_code == 200
        assert _title(page) == f"Certificate {number}: valid"

    # The manager's session, made on A, works on B (it lives in the shared Redis cache), and
    # the manager revokes the certificate there.
    session_key = manager.cookies["sessionid"]
    assert any(key.endswith(session_key.encode()) for key in cache.keys("*")), (
        "the session is not in the shared cache"
    )
    on_b = manager.get(f"{server_b}/team/certificates/{number}/")
    assert on_b.status_code == 200, "the session made on A was not recognised on B"
    revoked = manager.submit(
        f"{server_b}/team/certificates/{number}/revoke/",
        {
            "reason": "issued_in_error",
            "details": "Scale test: revoked on the other server.",
            "confirm": "on",
        },
    )
    assert revoked.status_code == 302, revoked.text[:2000]

    # A's very next verification of it says revoked, though A showed it valid just before.
    page = public.get(f"{server_a}/verify/{code}/")
    assert page.status_code == 200
    assert _title(page) == f"Certificate {number}: revoked"
    assert public.get(f"{server_a}/verify/{code}.json").json()["status"] == "revoked"


def test_rate_limits_count_requests_on_both_servers_together(demo):
    """Look-ups by number and surname, alternately on A and B from one address: the refusal
    comes after the combined count, when each server alone has seen about half of it."""
    server_a, server_b = demo.servers
    cache = redis.Redis.from_url(demo.cache_url)
    # The limit counts in fixed minutes: start with most of one ahead, so that every request
    # falls in the same window.
    if 60 - time.time() % 60 < 25:
        time.sleep(60 - time.time() % 60 + 0.1)

    visitor = Browser()
    answers = []
    for attempt in range(LOOKUPS_PER_MINUTE + 1):
        server = (server_a, server_b)[attempt % 2]
        answer = visitor.get(f"{server}/verify/?{LOOKUP}")
        answers.append((server, answer.status_code))

    assert [status for _, status in answers[:LOOKUPS_PER_MINUTE]] == [200] * LOOKUPS_PER_MINUTE
    refused_on, refused = answers[LOOKUPS_PER_MINUTE]
    assert refused == 429
    # Neither server alone had reached the limit: the refusing one had answered only half.
    before = [server for server, _ in answers[:LOOKUPS_PER_MINUTE]]
    assert before.count(refused_on) == LOOKUPS_PER_MINUTE // 2 < LOOKUPS_PER_MINUTE
    # The count lives in Redis: one per request, from both servers.
    counts = [int(cache.get(key)) for key in cache.keys("*ratelimit:verify-lookup:60:*")]
    assert counts == [LOOKUPS_PER_MINUTE + 1]
