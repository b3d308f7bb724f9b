"""Certificate pages: the learner's qualifications and certificates, the manager's register,
and public verification. Thin views over the certificates services and selectors."""

import hashlib
import io
import zipfile
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.views.decorators.http import require_POST

from competencies.selectors import default_curriculum
from workforce.models import Role, User
from workforce.permissions import Action, denial_reason, organisations_for, role_required
from workforce.ratelimit import Rate, rate_limited
from workforce.refusals import refusal_text
from workforce.services import export_record, membership_supervisor_set
from workforce.spreadsheets import attachment, csv_bytes, download, export_bytes

from . import links, selectors, services, verification
from .forms import (
    BulkIssueForm,
    CountersignForm,
    IssueForm,
    LookupForm,
    PdfCheckForm,
    RenewForm,
    RevokeForm,
    SignOffForm,
    SupervisorForm,
    organisation_options,
)
from .models import Certificate, CertificateStatus, Qualification
from .resources import CertificateRegisterResource, collector_paused


def _pdf_response(certificate: Certificate) -> HttpResponse:
    """A redirect to a short-lived signed link to the stored PDF (certificates/links.py).

    The caller has found the certificate among those the user may open. The link is served
    without the session or the database (workforce/downloads.py), or by the S3 store itself.
    """
    try:
        link = links.pdf_link(certificate)
    except FileNotFoundError as missing:
        raise Http404("The certificate's file is missing from storage.") from missing
    response = HttpResponseRedirect(link)
    # The link is a credential for its minute: never kept by a cache, nor sent on as a Referer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _default_qualifications() -> list[Qualification]:
    curriculum = default_curriculum()
    return list(selectors.qualifications_for(curriculum.framework)) if curriculum else []


# Link workers


@role_required(Role.LINK_WORKER)
def my_qualifications(request: HttpRequest) -> HttpResponse:
    curriculum = default_curriculum()
    qualifications = selectors.qualifications_for(curriculum.framework) if curriculum else []
    return render(
        request,
        "certificates/my_qualifications.html",
        {
            "curriculum": curriculum,
            "checklists": [
                selectors.qualification_checklist(request.user, qualification)
                for qualification in qualifications
            ],
        },
    )


# Not role_required: someone who has left their post still holds, and may show, their certificates.
@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = list(selectors.certificates_of(request.user))
    renewals = {
        certificate.pk: selectors.renewal_checklist(certificate)
        for certificate in certificates
        if certificate.status_today.can_renew
    }
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "certificates": [
                (
                    certificate,
                    renewals.get(certificate.pk),
                    services.verification_url(certificate.verification_code),
                )
                for certificate in certificates
            ]
        },
    )


@login_required
def my_certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, number=number, holder=request.user)
    response = _pdf_response(certificate)
    # Each link issued is a download as far as the audit goes: the link itself is not logged.
    services.certificate_download_record(certificate=certificate, actor=request.user)
    return response


# Managers


REGISTER_PAGE_SIZE = 50


@role_required(Role.MANAGER)
def register(request: HttpRequest) -> HttpResponse:
    """The certificates of the manager's link workers, by status; who can be certified is on
    its own page (`certify`), so a national register costs only its own rows."""
    counts = selectors.register_counts(request.user)
    status = request.GET.get("status", "")
    if status not in CertificateStatus.values:
        status = ""
    certificates = selectors.register_page_rows(request.user, status=status)
    paginator = Paginator(certificates, REGISTER_PAGE_SIZE)
    # The counts by status already say how many rows there are: counting them again cost a
    # national manager's register as much as the counts themselves.
    paginator.count = counts[status] if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/register.html",
        {
            "page_obj": page,
            "counts": [(choice, counts[choice.value]) for choice in CertificateStatus],
            "status": status,
            "status_label": CertificateStatus(status).label if status else "",
        },
    )


@role_required(Role.MANAGER)
def certify(request: HttpRequest) -> HttpResponse:
    """Who can be certified: those ready to issue (alone and together), and how far each link
    worker is from each default qualification."""
    organisations = organisations_for(request.user, Action.ISSUE_CERTIFICATE).order_by("name")
    chosen = request.GET.get("organisation", "")
    organisation = organisations.filter(pk=chosen).first() if chosen.isdigit() else None
    workers = selectors.candidate_workers(request.user, organisation=organisation)
    # Everyone's standing when there are few enough to judge; for more (a national manager),
    # only those ready to issue, and everyone's standing one organisation at a time.
    worker_count = workers.count()
    judge_all = organisation is not None or worker_count <= selectors.CANDIDATES_JUDGED_MAX
    qualifications = _default_qualifications()
    ready_each = (
        {}
        if judge_all
        else selectors.ready_to_issue_each(request.user, qualifications, workers=workers)
    )
    candidate_lists = []
    for qualification in qualifications:
        if judge_all:
            candidates = selectors.candidates_for(request.user, qualification, workers=workers)
            sign_offs = selectors.sign_offs_standing(
                [candidate.worker.pk for candidate in candidates], qualification
            )
            rows = [(candidate, sign_offs.get(candidate.worker.pk)) for candidate in candidates]
            ready = [
                candidate
                for candidate, sign_off in rows
                if candidate.checklist.eligible and sign_off and sign_off.countersigned_at
            ]
        else:
            rows = None
            ready = [candidate for candidate, _ in ready_each[qualification.pk]]
        # Only those ready to issue: eligible, signed off and countersigned.
        candidate_lists.append((qualification, rows, BulkIssueForm(candidates=ready)))
    return render(
        request,
        "certificates/certify.html",
        {
            "candidate_lists": candidate_lists,
            "organisation": organisation,
            # The chooser, when there is one: names only (see organisation_options).
            "organisation_options": organisation_options(
                list(organisations.values_list("pk", "name")),
                organisation.pk if organisation else None,
            )
            if not judge_all or organisation
            else None,
            "worker_count": worker_count,
        },
    )


def _worker_for_manager(manager: User, worker_id: int) -> User:
    worker = get_object_or_404(User, pk=worker_id, is_active=True)
    if denial_reason(manager, Action.ISSUE_CERTIFICATE, worker):
        # Not "forbidden": people outside the manager's organisations are not shown to exist.
        raise Http404("No such link worker in your organisations.")
    return worker


@role_required(Role.MANAGER)
def issue(request: HttpRequest, code: str, worker_id: int) -> HttpResponse:
    qualification = get_object_or_404(Qualification, code=code)
    worker = _worker_for_manager(request.user, worker_id)
    current = selectors.current_certificate(worker, qualification)
    checklist = selectors.qualification_checklist(worker, qualification)
    form = IssueForm(request.POST if request.method == "POST" else None)
    certificate = form.submit(
        lambda _: services.certificate_issue(
            actor=request.user, worker=worker, qualification=qualification
        )
    )
    if certificate is not None:
        messages.success(
            request, f"Certificate {certificate.number} issued to {certificate.holder_name}."
        )
        return redirect("certificates:manage", number=certificate.number)
    return render(
        request,
        "certificates/issue.html",
        {
            "qualification": qualification,
            "worker": worker,
            "checklist": checklist,
            "current": current,
            "employer": selectors.shared_employer(request.user, worker, on=timezone.localdate()),
            "form": form,
            "sign_off": selectors.standing_sign_off(worker, qualification),
            "supervisors": selectors.named_supervisors_of(worker),
        },
        status=400 if form.errors else 200,
    )


def _certificate_for_manager(manager: User, number: str) -> Certificate:
    certificate = selectors.certificate_for_manager(manager, number)
    if certificate is None:
        raise Http404("No such certificate among your organisations' link workers.")
    return certificate


@role_required(Role.MANAGER)
def manage(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate_for_manager(request.user, number)
    status = CertificateStatus(certificate.status)
    renewal = selectors.renewal_checklist(certificate) if status.can_renew else None
    return render(
        request,
        "certificates/manage.html",
        {
            "certificate": certificate,
            "status": status,
            "renewal": renewal,
            "sign_offs": selectors.award_signoffs_of(certificate.snapshot),
            "verification_url": services.verification_url(certificate.verification_code),
        },
    )


@role_required(Role.MANAGER)
def manage_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate_for_manager(request.user, number)
    response = _pdf_response(certificate)
    services.certificate_download_record(certificate=certificate, actor=request.user)
    return response


@role_required(Role.MANAGER)
def revoke(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate_for_manager(request.user, number)
    if certificate.revoked_at is not None:
        messages.info(request, f"{certificate.number} is already revoked.")
        return redirect("certificates:manage", number=certificate.number)
    form = RevokeForm(request.POST or None)
    revoked = form.submit(
        lambda data: services.certificate_revoke(
            actor=request.user,
            certificate=certificate,
            reason=data["reason"],
            details=data["details"],
        )
    )
    if revoked is not None:
        messages.success(request, f"Certificate {certificate.number} is revoked.")
        return redirect("certificates:manage", number=certificate.number)
    return render(
        request,
        "certificates/revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.MANAGER)
def renew(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _certificate_for_manager(request.user, number)
    checklist = selectors.renewal_checklist(certificate)
    form = RenewForm(request.POST if request.method == "POST" else None)
    renewed = form.submit(
        lambda _: services.certificate_renew(actor=request.user, certificate=certificate)
    )
    if renewed is not None:
        messages.success(
            request, f"Certificate {renewed.number} issued; it supersedes {certificate.number}."
        )
        return redirect("certificates:manage", number=renewed.number)
    return render(
        request,
        "certificates/renew.html",
        {
            "certificate": certificate,
            "status": CertificateStatus(certificate.status),
            "checklist": checklist,
            "sign_off": selectors.standing_sign_off(certificate.holder, certificate.qualification),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.MANAGER)
@require_POST
def bulk_issue(request: HttpRequest, code: str) -> HttpResponse:
    """First post: confirm the chosen names. Second (with `confirm`): queue the certificates."""
    qualification = get_object_or_404(Qualification, code=code)
    # Only those chosen are judged: a national manager may certify thousands.
    posted = [pk for pk in request.POST.getlist("workers") if pk.isdigit()]
    candidates = [
        c
        for c in selectors.candidates_for(
            request.user,
            qualification,
            workers=selectors.candidate_workers(request.user).filter(pk__in=posted),
        )
        if c.checklist.eligible
    ]
    form = BulkIssueForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["workers"]))
        return redirect(f"{reverse('certificates:certify')}#eligible-{qualification.code}")
    chosen = set(form.cleaned_data["workers"])
    workers = [c.worker for c in candidates if c.worker.pk in chosen]
    if "confirm" not in request.POST:
        return render(
            request,
            "certificates/bulk_confirm.html",
            {"qualification": qualification, "workers": workers},
        )
    try:
        bulk = services.bulk_issue_request(
            actor=request.user, qualification=qualification, workers=workers
        )
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, refusal_text(refused))
        return redirect("certificates:certify")
    return redirect("certificates:bulk_progress", pk=bulk.pk)


def _bulk_for(request: HttpRequest, pk: int):
    bulk = selectors.bulk_issue_for(request.user, pk)
    if bulk is None:
        raise Http404("No such bulk issue of yours.")
    return bulk


def _bulk_state(bulk) -> dict:
    return {
        "status": bulk.status,
        "status_label": bulk.get_status_display(),
        "done": bulk.done,
        "total": bulk.total,
        "percent": bulk.percent,
        "problems": bulk.problems,
        "finished": bulk.finished_at is not None,
    }


@role_required(Role.MANAGER)
def bulk_progress(request: HttpRequest, pk: int) -> HttpResponse:
    bulk = _bulk_for(request, pk)
    return render(
        request,
        "certificates/bulk_progress.html",
        {
            "bulk": bulk,
            "certificates": selectors.bulk_issue_certificates(request.user, bulk).order_by(
                "holder_name"
            ),
        },
    )


@role_required(Role.MANAGER)
def bulk_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_bulk_state(_bulk_for(request, pk)))


@role_required(Role.MANAGER)
def bulk_zip(request: HttpRequest, pk: int) -> HttpResponse:
    bulk = _bulk_for(request, pk)
    buffer = io.BytesIO()
    rows = 0
    # PDFs are compressed already: stored, not deflated, so the zip is quick to make.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in selectors.bulk_issue_certificates(request.user, bulk).order_by(
            "holder_name"
        ):
            rows += 1
            try:
                with certificate.pdf.open("rb") as handle:
                    archive.writestr(f"{certificate.number}.pdf", handle.read())
            except FileNotFoundError as missing:
                raise Http404(f"The file of {certificate.number} is missing from storage.") from (
                    missing
                )
    export_record(
        actor=request.user,
        report="certificate-pdfs",
        file_format="zip",
        rows=rows,
        scope={"bulk_issue": bulk.pk, "qualification": bulk.qualification.code},
    )
    return attachment(
        HttpResponse(buffer.getvalue(), content_type="application/zip"),
        f"certificates-{bulk.qualification.code}-{bulk.pk}.zip",
    )


# Assessors: signing off and countersigning awards


def _worker_for_assessor(assessor: User, worker_id: int) -> User:
    worker = get_object_or_404(User, pk=worker_id, is_active=True)
    if denial_reason(assessor, Action.ASSESS, worker):
        raise Http404("No such link worker in your caseload.")
    return worker


@role_required(Role.ASSESSOR)
def sign_off(request: HttpRequest, worker_id: int) -> HttpResponse:
    """The award sign-off of one worker: each qualification's checklist and where its sign-off
    stands, with the form to sign it off (one qualification per post)."""
    worker = _worker_for_assessor(request.user, worker_id)
    qualifications = _default_qualifications()
    posted = request.POST.get("qualification") if request.method == "POST" else None
    supervisors = selectors.named_supervisors_of(worker)
    awards = []
    for qualification in qualifications:
        bound = posted == qualification.code
        form = SignOffForm(
            request.POST if bound else None, worker=worker, qualification=qualification
        )
        signed = form.submit(
            lambda _, q=qualification: services.award_sign_off(
                assessor=request.user, worker=worker, qualification=q
            )
        )
        if signed is not None:
            messages.success(
                request,
                f"You signed off {worker.full_name}'s {qualification.title}. It now waits for "
                "the named supervisor's countersignature.",
            )
            return redirect("certificates:sign_off", worker_id=worker.pk)
        current = selectors.current_certificate(worker, qualification)
        renewing = current is not None and current.status_today.can_renew
        awards.append(
            {
                "qualification": qualification,
                "checklist": selectors.renewal_checklist(current)
                if renewing
                else selectors.qualification_checklist(worker, qualification),
                "current": current,
                "renewing": renewing,
                "sign_off": selectors.standing_sign_off(worker, qualification),
                "form": form,
            }
        )
    errors = any(award["form"].errors for award in awards)
    return render(
        request,
        "certificates/sign_off.html",
        {
            "worker": worker,
            "awards": awards,
            "supervisors": supervisors,
            "is_named_supervisor": request.user in supervisors,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@role_required(Role.ASSESSOR)
def countersign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/countersign_list.html",
        {"sign_offs": selectors.sign_offs_to_countersign(request.user)},
    )


@role_required(Role.ASSESSOR)
def countersign(request: HttpRequest, pk: int) -> HttpResponse:
    sign_off = selectors.sign_off_to_countersign(request.user, pk)
    if sign_off is None:
        raise Http404("No such sign-off waiting for your countersignature.")
    form = CountersignForm(request.POST if request.method == "POST" else None, sign_off=sign_off)
    countersigned = form.submit(
        lambda _: services.award_countersign(supervisor=request.user, sign_off=sign_off)
    )
    if countersigned is not None:
        messages.success(
            request,
            f"You countersigned {sign_off.holder.full_name}'s {sign_off.qualification.title}. "
            "A manager may now issue the certificate.",
        )
        return redirect("certificates:countersign_list")
    return render(
        request,
        "certificates/countersign.html",
        {
            "sign_off": sign_off,
            "checklist": selectors.qualification_checklist(sign_off.holder, sign_off.qualification),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# Managers: named supervisors


SUPERVISORS_PAGE_SIZE = 100


@role_required(Role.MANAGER)
def supervisors(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/supervisors.html",
        {
            # Paged: a national manager's organisations hold thousands of link workers.
            "page_obj": Paginator(
                selectors.supervision_memberships(request.user), SUPERVISORS_PAGE_SIZE
            ).get_page(request.GET.get("page"))
        },
    )


@role_required(Role.MANAGER)
def supervisor_set(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        selectors.supervision_memberships(request.user), pk=membership_id
    )
    form = SupervisorForm(
        request.POST if request.method == "POST" else None,
        initial={"supervisor": membership.supervisor_id or ""},
        assessors=selectors.assessors_at(membership.organisation),
    )
    saved = form.submit(
        lambda _: membership_supervisor_set(
            actor=request.user, membership=membership, supervisor=form.chosen()
        )
    )
    if saved is not None:
        named = saved.supervisor.full_name if saved.supervisor else "nobody"
        messages.success(
            request,
            f"{membership.user.full_name}'s named supervisor at {membership.organisation} is "
            f"now {named}.",
        )
        return redirect("certificates:supervisors")
    return render(
        request,
        "certificates/supervisor_set.html",
        {"membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


# Anyone: verification


def _public_facts(certificate: Certificate) -> dict:
    """What the public may know about a certificate: status, holder name, qualification, issuer
    and dates. Never the email, employer or anything else about the person."""
    status = certificate.status_on(timezone.localdate())
    # The verification selectors give the successor's code; other readers its row.
    if hasattr(certificate, "successor_code"):
        successor_code = certificate.successor_code
    else:
        successor = getattr(certificate, "superseded_by", None)
        successor_code = successor.verification_code if successor else None
    facts = {
        "number": certificate.number,
        "status": status.value,
        "status_label": status.label,
        "holder_name": certificate.holder_name,
        "qualification": certificate.qualification_title,
        "issuer": certificate.issuer_name,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "revoked_on": (
            timezone.localdate(certificate.revoked_at).isoformat()
            if certificate.revoked_at
            else None
        ),
        # The reason from the fixed list; the manager's details are not the public's.
        "revocation_reason": certificate.get_revocation_reason_display() or None,
        # Links name the site from settings, never from the request's Host header.
        "superseded_by": (services.verification_url(successor_code) if successor_code else None),
        "verification_url": services.verification_url(certificate.verification_code),
        # The award's sign-off and countersignature, as the certificate printed them.
        "sign_offs": [
            {key: entry[key] for key in ("role", "name", "as", "date") if key in entry}
            for entry in certificate.snapshot.get("signoffs", [])
            if entry.get("kind")
        ],
    }
    return facts


# Rendered verification pages for visitors who are not signed in, keyed by everything such a
# page shows: the certificate's fields as read on this request (but its snapshot, whose sign-offs
# the database never lets change), its successor's code, today's date and how it was found. A
# revoke or renewal changes the key: nothing stale can come back. Bounded, per process;
# rendering was half the cost of a check.
_RENDERED: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
_RENDERED_MAX = 512
_PAGE_FIELDS = tuple(name for name in verification.PUBLIC_FIELDS if name != "snapshot")


def _personal(request: HttpRequest) -> bool:
    """Signed in, the header names the person; a message waiting would show on the page. With
    neither a session nor a messages cookie there is neither, and nothing to read."""
    if not ({settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name} & request.COOKIES.keys()):
        return False
    return request.user.is_authenticated or len(get_messages(request)) > 0


def _verified(
    request: HttpRequest, certificate: Certificate, *, how: str, counted: bool = False
) -> HttpResponse:
    if not counted:
        services.certificate_verified(certificate=certificate)
    personal = _personal(request)
    key = (
        *(getattr(certificate, name) for name in _PAGE_FIELDS),
        certificate.successor_code,
        timezone.localdate(),
        how,
    )
    if not personal and key in _RENDERED:
        _RENDERED.move_to_end(key)
        content, etag = _RENDERED[key]
        response = HttpResponse(content)
    else:
        facts = _public_facts(certificate)
        successor = facts["superseded_by"] and reverse(
            "certificates:verify", args=[certificate.successor_code]
        )
        response = render(
            request,
            "certificates/verify.html",
            {
                "certificate": certificate,
                "facts": facts,
                "sign_offs": selectors.award_signoffs_of(certificate.snapshot),
                "how": how,
                "successor_path": successor,
            },
        )
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        if not personal:
            _RENDERED[key] = (response.content, etag)
            while len(_RENDERED) > _RENDERED_MAX:
                _RENDERED.popitem(last=False)
    return _never_stale(request, response, etag=etag, personal=personal)


def _never_stale(
    request: HttpRequest, response: HttpResponse, *, etag: str, personal: bool
) -> HttpResponse:
    """A status page any cache in front must ask us about every time (no-cache), so a revoke
    shows on the very next check. Its ETag is the page's own hash: it changes with the status,
    and a cache holding the same page gets a 304 (the check is still counted)."""
    patch_cache_control(response, no_cache=True)
    if personal:
        # Never kept by a shared cache: it names the person signed in.
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    if request.method not in ("GET", "HEAD"):
        return response
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


# Public checks, per address. A room of people scanning one QR code from one network is a
# burst of tens a minute; guessing numbers and surnames, or uploading PDF after PDF, is not.
CHECK_RATES = (Rate(120, 60), Rate(2000, 3600))
LOOKUP_RATES = (Rate(20, 60), Rate(200, 3600))
PDF_CHECK_RATES = (Rate(10, 60), Rate(60, 3600))


def _is_lookup(request: HttpRequest) -> bool:
    return any(key in request.GET for key in ("lookup-number", "lookup-surname"))


def _is_post(request: HttpRequest) -> bool:
    return request.method == "POST"


@rate_limited("verify", *CHECK_RATES)
def verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = services.certificate_check_by_code(code)
    if certificate is None:
        raise Http404("No certificate has this verification code.")
    return _verified(request, certificate, how="code", counted=True)


@rate_limited("verify", *CHECK_RATES, json=True)
def verify_json(request: HttpRequest, code: str) -> JsonResponse:
    certificate = services.certificate_check_by_code(code)
    if certificate is None:
        return JsonResponse({"error": "No certificate has this verification code."}, status=404)
    response = JsonResponse(_public_facts(certificate))
    response["Cache-Control"] = "no-store"
    return response


@rate_limited("verify", *CHECK_RATES, json=True)
def verify_credential(request: HttpRequest, code: str) -> JsonResponse:
    """The certificate's Open Badges 3.0 credential exactly as it was signed at issue, whatever
    has happened since: a revoked one is served too, and its status entry in our status list
    says it is revoked, which is what wallets and verifiers check."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return JsonResponse({"error": "No certificate has this verification code."}, status=404)
    # Signed by the credentials app when it was issued (certificates.signals).
    signed = getattr(certificate, "signed_credential", None)
    if signed is None:
        return JsonResponse(
            {"error": "This certificate has no signed credential yet; try again later."},
            status=404,
        )
    services.certificate_verified(certificate=certificate)
    response = JsonResponse(signed.document, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/vc+ld+json; charset=utf-8"
    response["Cache-Control"] = "no-store"
    return response


def _too_large(request: HttpRequest) -> bool:
    # Anyone may post here: refuse an oversized body before Django reads it to a temporary file.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.CERTIFICATE_CHECK_MAX_BYTES + 64 * 1024  # the form's own fields


@rate_limited("verify", *CHECK_RATES)
@rate_limited("verify-lookup", *LOOKUP_RATES, applies=_is_lookup)
@rate_limited("verify-pdf", *PDF_CHECK_RATES, applies=_is_post)
def verify_start(request: HttpRequest) -> HttpResponse:
    # Bound only when a lookup was asked for: /verify/?utm_source=qr is just the page.
    asked = _is_lookup(request)
    lookup = LookupForm(request.GET if asked else None, prefix="lookup")
    check = PdfCheckForm(prefix="check")
    not_found = None
    if asked and lookup.is_valid():
        certificate = selectors.certificate_by_number(
            lookup.cleaned_data["number"], lookup.cleaned_data["surname"]
        )
        if certificate is not None:
            return _verified(request, certificate, how="number")
        not_found = "lookup"
        lookup.add_error(
            None,
            "No certificate matches that number and surname. Check both against the "
            "certificate; the number is on its first page.",
        )
    too_large = request.method == "POST" and _too_large(request)
    if request.method == "POST" and not too_large:
        check = PdfCheckForm(request.POST, request.FILES, prefix="check")
        if check.is_valid():
            digest = hashlib.sha256()
            for chunk in check.cleaned_data["pdf"].chunks():
                digest.update(chunk)
            certificate = selectors.certificate_by_pdf_digest(digest.hexdigest())
            if certificate is not None:
                return _verified(request, certificate, how="pdf")
            not_found = "pdf"
    return render(
        request,
        "certificates/verify_start.html",
        {
            "lookup": lookup,
            "check": check,
            "not_found": not_found,
            "too_large": PdfCheckForm.too_large_message() if too_large else None,
        },
        status=400 if (lookup.errors or check.errors or too_large) and not not_found else 200,
    )


@role_required(Role.MANAGER)
def register_export(request: HttpRequest, file_format: str) -> HttpResponse:
    certificates = selectors.register_rows(request.user)
    resource = CertificateRegisterResource()
    with collector_paused():
        if file_format == "csv":
            # Written row by row, without the library's table (see csv_bytes).
            data = csv_bytes(resource, certificates)
        else:
            data = export_bytes(resource, certificates, file_format)
    export_record(
        actor=request.user,
        report="certificate-register",
        file_format=file_format,
        rows=resource.exported_rows,
    )
    return download(data, file_format, "certificate-register")
