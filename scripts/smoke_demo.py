"""Checks a served `make demo` as a newcomer would meet it; CI runs it before the test suites.

Usage: .venv/bin/python scripts/smoke_demo.py http://127.0.0.1:PORT

Opens the home and sign-in pages, every demo certificate's public verification page, reads each
stored certificate PDF back with pdftotext, and signs in as the Urdu-named holder to download
hers over HTTP. Exits non-zero, saying what failed, at the first problem.
"""

import html
import os
import subprocess
import sys
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from certificates.models import Certificate  # noqa: E402

URDU_HOLDER = "aisha.khan@example.org"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the published demo sign-in
BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


class SmokeFailure(Exception):
    pass


class Browser:
    """Just enough of a browser: cookies, and the CSRF token of the last form seen."""

    def __init__(self, base_url: str):
        if not base_url.startswith(("http://", "https://")):
            raise SmokeFailure(f"{base_url} is not an http(s) address")
        self.base_url = base_url.rstrip("/")
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def get(self, path: str, *, expect: str | None = None) -> bytes:
        return self._open(Request(self.base_url + path), path, expect)  # noqa: S310 - http(s)

    def post(self, path: str, data: dict[str, str], *, expect: str | None = None) -> bytes:
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
        body = urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = Request(  # noqa: S310 - checked to be http(s) above
            self.base_url + path, data=body, headers={"Referer": self.base_url}
        )
        return self._open(request, path, expect)

    def _open(self, request: Request, path: str, expect: str | None) -> bytes:
        try:
            with self.opener.open(request, timeout=60) as response:
                content = response.read()
        except HTTPError as error:
            raise SmokeFailure(f"{request.get_method()} {path} answered {error.code}") from error
        if expect is not None and expect not in content.decode("utf-8", errors="replace"):
            raise SmokeFailure(f"{path} does not show {expect!r}")
        return content


def pdf_text(content: bytes) -> str:
    extracted = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607 - poppler-utils, installed by make system-deps
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    # pdftotext wraps right-to-left runs in direction marks; the letters between them are exact.
    return " ".join(extracted.translate(BIDI_MARKS).split())


def check(base_url: str) -> list[str]:
    browser = Browser(base_url)
    done = []
    browser.get("/", expect="Link Worker Academy")
    browser.get("/accounts/login/", expect="Sign in")
    done.append("home and sign-in pages")

    certificates = list(Certificate.objects.select_related("holder").order_by("pk"))
    if not certificates:
        raise SmokeFailure("the demo issued no certificates")
    for certificate in certificates:
        browser.get(
            f"/verify/{certificate.verification_code}/",
            expect=html.escape(certificate.holder_name),
        )
        with certificate.pdf.open("rb") as stored:
            if certificate.holder_name not in pdf_text(stored.read()):
                raise SmokeFailure(
                    f"{certificate.number}: pdftotext does not give back {certificate.holder_name}"
                )
    done.append(f"{len(certificates)} verification pages and stored PDFs, each holder's name")

    urdu = next(c for c in certificates if c.holder.email == URDU_HOLDER and c.is_current)
    browser.post(
        "/accounts/login/",
        {"username": URDU_HOLDER, "password": DEMO_PASSWORD},
        expect=urdu.holder_name,
    )
    pdf = browser.get(f"/progress/certificates/{urdu.number}/pdf/")
    if urdu.holder_name not in pdf_text(pdf):
        raise SmokeFailure(f"the downloaded PDF {urdu.number} does not give back the holder's name")
    done.append(f"{URDU_HOLDER} signed in and downloaded {urdu.number} ({urdu.holder_name})")
    return done


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        for line in check(sys.argv[1]):
            print(f"ok: {line}")
    except SmokeFailure as failure:
        print(f"make demo smoke check FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
