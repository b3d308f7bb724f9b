"""Credential pages: the issuer's keys, the status lists, checking a credential, and the
holder's whole-record export. Thin views over the credentials selectors."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from workforce.ratelimit import Rate, rate_limited

from . import selectors
from .forms import CredentialCheckForm, too_large_message
from .verification import NotACredential, check, parse

# Public checks, per address: each one canonicalises and verifies signatures.
CHECK_RATES = (Rate(30, 60), Rate(300, 3600))
CREDENTIAL_TYPE = "application/vc+ld+json; charset=utf-8"


def _json(
    data: dict, *, content_type: str = CREDENTIAL_TYPE, cache: str = "no-store", public: bool = True
) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = content_type
    response["Cache-Control"] = cache
    if public:
        # Wallets and verifiers in a browser read the keys and status lists from other origins.
        response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def did_document(request: HttpRequest) -> JsonResponse:
    """The issuer's did:web document: the keys that sign our credentials, retired ones too."""
    return _json(
        selectors.did_document(),
        content_type="application/did+ld+json",
        cache="public, max-age=300",
    )


@require_GET
def status_list(request: HttpRequest, status_list_id: int) -> JsonResponse:
    """A signed Bitstring Status List credential, as the database has it at this moment."""
    document = selectors.status_list_credential(status_list_id)
    if document is None:
        return JsonResponse({"error": "No status list has this number."}, status=404)
    # Never cached on the way: a revocation shows on the very next fetch.
    return _json(document)


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.CREDENTIAL_CHECK_MAX_BYTES + 64 * 1024


@rate_limited("credential-check", *CHECK_RATES)
def verify(request: HttpRequest) -> HttpResponse:
    """Paste or upload a credential; each check is reported in words."""
    too_large = request.method == "POST" and _too_large(request)
    form = CredentialCheckForm(
        request.POST if request.method == "POST" and not too_large else None,
        request.FILES if request.method == "POST" and not too_large else None,
    )
    report = None
    if form.is_bound and form.is_valid():
        report = check(form.cleaned_data["document"])
    return render(
        request,
        "credentials/verify.html",
        {
            "form": form,
            "report": report,
            "too_large": too_large_message() if too_large else None,
            "site_url": settings.SITE_BASE_URL,
        },
        status=400 if form.errors or too_large else 200,
    )


# A machine's POST: no session, so no CSRF token; it changes nothing.
@csrf_exempt
@require_POST
@rate_limited("credential-check", *CHECK_RATES, json=True)
def verify_json(request: HttpRequest) -> JsonResponse:
    """POST a credential as the body; the answer reports each check."""
    if _too_large(request) or len(request.body) > settings.CREDENTIAL_CHECK_MAX_BYTES:
        return JsonResponse({"error": too_large_message()}, status=413)
    try:
        document = parse(request.body.decode("utf-8"))
    except (NotACredential, UnicodeDecodeError) as error:
        message = str(error) if isinstance(error, NotACredential) else "The body is not UTF-8 text."
        return JsonResponse({"error": message}, status=400)
    response = JsonResponse(check(document).as_dict(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def record(request: HttpRequest) -> JsonResponse:
    """The signed-in person's own whole record (CLR 2.0), to download: nobody else's, ever."""
    document = selectors.holder_record(request.user)
    response = _json(document, cache="private, no-store", public=False)
    response["Content-Disposition"] = 'attachment; filename="learning-record.json"'
    return response
