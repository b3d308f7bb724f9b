"""Project middleware: the request body size limit, and the Wagtail admin's own CSP."""

import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve, reverse

from curriculum import admin_views as curriculum_admin_views
from workforce import roster


class WagtailAdminCSPMiddleware:
    """Apply WAGTAILADMIN_SECURE_CSP on the Wagtail admin, whose templates use inline scripts.

    Wagtail 8 writes small inline <script>s (inline panels, date pickers) without a nonce, so the
    site's strict policy would break the editor. The relaxed policy applies to the admin only;
    every public and learner page keeps SECURE_CSP.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("wagtailadmin_home")
        if request.path.startswith(self.admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.WAGTAILADMIN_SECURE_CSP
        return response


# --- Request bodies --------------------------------------------------------------------------

# A CSRF token, a few short fields and the multipart encoding around an upload.
FORM_OVERHEAD_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BodyLimit:
    """The largest body a kind of request may send, and what the person is told about it."""

    request_bytes: int
    file_bytes: int | None = None  # the upload's own limit, shown on the 413 page
    what: str = ""  # e.g. "An evidence file"; empty for a request that is not an upload
    advice: str = ""


def body_limit(request: HttpRequest) -> BodyLimit:
    """The limit for the page `request` posts to: an upload's own, or settings.REQUEST_MAX_BYTES.

    Judged by URL name alone, so that it is known before anything reads the body.
    """
    default = settings.REQUEST_MAX_BYTES
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        return BodyLimit(default)
    if name == "competencies:evidence_submit":
        # The reflective account beside the file is a form field like any other.
        file = settings.EVIDENCE_MAX_BYTES
        return BodyLimit(file + default, file, "An evidence file", "Choose a smaller file.")
    if name == "imports:assessment_import":
        file = settings.IMPORT_MAX_BYTES
        return BodyLimit(file + FORM_OVERHEAD_BYTES, file, "A spreadsheet to import", SPLIT_ADVICE)
    if name == "imports:roster_import":
        # Its confirm step posts the previewed roster back, signed, as a form field.
        file = min(roster.MAX_BYTES, settings.IMPORT_MAX_BYTES)
        return BodyLimit(max(file + FORM_OVERHEAD_BYTES, default), file, "A roster", SPLIT_ADVICE)
    if name == "certificates:verify_start":
        # Public: nothing larger than a certificate PDF is worth reading.
        file = settings.CERTIFICATE_CHECK_MAX_BYTES
        return BodyLimit(
            file + FORM_OVERHEAD_BYTES,
            file,
            "A certificate PDF",
            "A larger file cannot be one of our certificates.",
        )
    if name == curriculum_admin_views.URL_NAME:
        # Its confirm step posts the previewed file back, signed, as a form field.
        file = curriculum_admin_views.MAX_UPLOAD_BYTES
        return BodyLimit(max(file + FORM_OVERHEAD_BYTES, default), file, "A framework CSV")
    namespace = name.partition(":")[0]
    if namespace.startswith("wagtailimages"):
        file = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        return BodyLimit(max(file + FORM_OVERHEAD_BYTES, default), file, "An image")
    if namespace.startswith("wagtaildocs"):
        file = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
        return BodyLimit(max(file + FORM_OVERHEAD_BYTES, default), file, "A document")
    return BodyLimit(default)


SPLIT_ADVICE = "Split it into smaller files and import each."


def _content_length(request: HttpRequest) -> int | None:
    """The declared body length; None if there is none (a chunked body) or it is not a number."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


class BodyTooLarge(RequestDataTooBig):
    """A body without a Content-Length that went on past its limit while being read."""


class _CappedStream:
    """A request body stream that refuses to give more than the limit for its request.

    The limit is looked up at the first read: most requests without a Content-Length are GETs,
    which never read their (empty) body.
    """

    def __init__(self, request: HttpRequest, stream):
        self._request = request
        self._stream = stream
        self._limit: int | None = None
        self._read = 0

    def _room(self) -> int:
        if self._limit is None:
            self._limit = body_limit(self._request).request_bytes
        return self._limit - self._read

    def _take(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            self._request._body_refused = True
            raise BodyTooLarge(f"The request body went on past {self._limit} bytes.")
        return data

    def read(self, size: int = -1, /) -> bytes:
        # One byte more than the room left shows whether the body goes on past the limit.
        room = self._room() + 1
        return self._take(self._stream.read(room if size is None or size < 0 else min(size, room)))

    def seekable(self) -> bool:
        # Not seekable, so Django reads it through `read` rather than measuring it by seeking.
        return False

    def close(self) -> None:
        self._stream.close()

    def readline(self, size: int = -1, /) -> bytes:
        room = self._room() + 1
        return self._take(
            self._stream.readline(room if size is None or size < 0 else min(size, room))
        )


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than its page accepts (413), before anything reads it.

    First in MIDDLEWARE: CsrfViewMiddleware reads request.POST, and with it the whole body
    (spooled to a temporary file), before any view could look at an upload's size. A body whose
    Content-Length is too large is never read: the request goes on with an empty body, so that
    the middleware after this one (sessions, sign-in, security headers) still run, and this
    middleware answers it with the 413 page before any view, CSRF's check included. A body sent
    without a Content-Length (chunked) is read through a stream that stops at the limit. Limits
    by kind of page are in `body_limit`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _content_length(request)
        if length is None:
            request._stream = _CappedStream(request, request._stream)
        elif length > 0:
            limit = body_limit(request)
            if length > limit.request_bytes:
                logger.warning(
                    "Refused a request body of %d bytes to %s (limit %d bytes)",
                    length,
                    request.path,
                    limit.request_bytes,
                )
                request._body_refused = True
                request._stream = io.BytesIO()
                request.META["CONTENT_LENGTH"] = "0"
        response = self.get_response(request)
        if getattr(request, "_body_refused", False) and not getattr(
            response, "_body_refusal", False
        ):
            # Refused while being read (chunked), or answered by a middleware before any view
            # (a redirect to sign in): the answer is still that the body was too large.
            return self.refusal(request)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(request, "_body_refused", False):
            return self.refusal(request)
        return None

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse:
        """The 413: the site's page, or plain text in the Wagtail admin."""
        limit = body_limit(request)
        if request.path.startswith(reverse("wagtailadmin_home")):
            size = filesizeformat(limit.file_bytes or limit.request_bytes)
            response = HttpResponse(
                f"{limit.what or 'The request'} can be at most {size}.\n",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        else:
            response = render(
                request,
                "413.html",
                {
                    "what": limit.what,
                    "advice": limit.advice,
                    "file_limit": limit.file_bytes,
                    "request_limit": limit.request_bytes,
                },
                status=413,
            )
        response._body_refusal = True
        return response
