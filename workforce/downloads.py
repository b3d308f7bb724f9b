"""Short-lived signed links to stored files, and the middleware that serves them.

A permission-checked view (a certificate's PDF) checks who is asking, writes its audit entry and
then redirects the browser to a link from `download_link`. The link names the file, its download
name and type, and the moment it stops working, all signed with the site's SECRET_KEY, so it can
be served without the session, the user or the database: on local storage by
`SignedDownloadMiddleware`, placed just after WhiteNoise; on an S3 store by the store itself, as a
presigned URL, since its objects are private.

Nothing in a link is the client's to choose: a changed name, type or expiry breaks the signature.
"""

import functools
import time

from django.conf import settings
from django.core import signing
from django.core.files.storage import Storage, storages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.http import content_disposition_header

PREFIX = "/signed-download/"
# A salt of its own: no other signed value of the site (password reset, sharing tokens) can pass
# for a download link, nor a link for them.
SALT = "workforce.downloads.link"
# The STORAGES entries a link may name. Signed anyway; this keeps any other entry (the default
# storage, static files) out of reach should a signing bug ever appear.
SERVED_STORAGES = frozenset({"certificates", "evidence"})

EXPIRED = "This download link has expired. Go back to the page you came from and download again."
INVALID = "This download link is not valid. Go back to the page you came from and download again."
MISSING = "The file is no longer stored."


def download_link(
    alias: str,
    name: str,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    seconds: int | None = None,
) -> str:
    """Where to send the browser for the file `name` of the storage STORAGES[`alias`].

    Call it only after the caller has checked the user may have the file. The link works for
    `seconds` (settings.DOWNLOAD_LINK_SECONDS unless given). Raises FileNotFoundError when the
    file is not stored, so the view can answer 404 rather than hand out a dead link.
    """
    if alias not in SERVED_STORAGES:
        raise ValueError(f"Files of storage {alias!r} are not served by download links.")
    seconds = settings.DOWNLOAD_LINK_SECONDS if seconds is None else seconds
    storage = storages[alias]
    if not storage.exists(name):
        raise FileNotFoundError(name)
    if not _is_local(storage, name):
        # The store's own URL, signed by it and brief; the object itself stays private.
        return storage.url(
            name,
            expire=seconds,
            parameters={
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
                "ResponseContentType": content_type,
            },
        )
    payload = {
        "s": alias,
        "n": name,
        "f": filename,
        "t": content_type,
        "a": as_attachment,
        # The expiry is signed with the rest; the issuer chooses it (the bench issues one link
        # for a whole run), and the server refuses the link once it has passed.
        "e": int(time.time()) + seconds,
    }
    return PREFIX + _signer(settings.SECRET_KEY).sign_object(payload)


@functools.cache
def _signer(secret_key: str) -> signing.TimestampSigner:
    """The links' signer, made once per key (as signing.dumps and loads would make it on
    every call): a link's request should cost little more than a static file's."""
    return signing.TimestampSigner(
        key=secret_key, salt=SALT, fallback_keys=settings.SECRET_KEY_FALLBACKS
    )


def _is_local(storage: Storage, name: str) -> bool:
    """Whether the storage keeps its files on this machine's file system (it has paths)."""
    try:
        storage.path(name)
    except NotImplementedError:
        return False
    return True


class SignedDownloadMiddleware:
    """Serve links from `download_link` before the session, the user or the database are read.

    Placed just after WhiteNoise: a link's request costs no more than a static file's, plus the
    signature's check. Every other request passes through untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        return serve_link(request, request.path_info.removeprefix(PREFIX))


def serve_link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        # Checks the signature in constant time; any change to the link fails here.
        payload = _signer(settings.SECRET_KEY).unsign_object(token)
        alias, name, filename = payload["s"], payload["n"], payload["f"]
        content_type, as_attachment, expires = payload["t"], payload["a"], payload["e"]
    except (signing.BadSignature, KeyError, TypeError):
        return _refusal(INVALID, 403)
    if alias not in SERVED_STORAGES:
        return _refusal(INVALID, 403)
    if time.time() > expires:
        return _refusal(EXPIRED, 403)
    try:
        stored = storages[alias].open(name, "rb")
    except FileNotFoundError:
        return _refusal(MISSING, 404)
    # The open file itself (File.file), not Django's File around it, whose proxied methods cost
    # as much again as the rest of the response; the response closes it when it is sent.
    response = FileResponse(
        stored.file, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    return _private(response)


def _refusal(text: str, status: int) -> HttpResponse:
    return _private(HttpResponse(text, status=status, content_type="text/plain; charset=utf-8"))


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # The link is a bearer credential for its lifetime: never sent on as a Referer.
    response["Referrer-Policy"] = "no-referrer"
    # The site's CSP middleware comes later in the chain and does not see these responses. A
    # stored file is never a page of the site: no scripts, no forms, its own origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
