"""Share link pages: the holder's links, making and revoking one, and the public shared page.
Thin views over the sharing services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certificates.selectors import certificates_of
from workforce.ratelimit import Rate, rate_limited

from . import selectors, services
from .forms import WHOLE_RECORD, RevokeShareLinkForm, ShareLinkForm
from .models import ShareLink

# Someone who has left their post still holds, and may share, their certificates: signed in is
# enough, and every page shows the person's own links only.


@login_required
def links(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sharing/links.html",
        {"links": [(link, link.status_now) for link in selectors.links_of(request.user)]},
    )


def _link_for(request: HttpRequest, pk: int) -> ShareLink:
    link = selectors.link_of(request.user, pk)
    if link is None:
        raise Http404("You have no share link with this number.")
    return link


@login_required
def create(request: HttpRequest) -> HttpResponse:
    # Only certificates that still stand are offered; the service refuses the others anyway.
    certificates = [c for c in certificates_of(request.user) if c.status_today.stands]
    chosen = request.GET.get("certificate", WHOLE_RECORD)
    form = ShareLinkForm(
        request.POST if request.method == "POST" else None,
        certificates=certificates,
        initial={"shares": chosen},
    )
    if request.method == "POST":
        link = form.submit(
            lambda data: services.share_link_create(
                holder=request.user,
                certificate=form.chosen_certificate(),
                label=data["label"],
                days=data["days"],
                detail=data["detail"],
            )
        )
        if link is not None:
            messages.success(request, f"Share link “{link.label}” made. Copy it and send it.")
            return redirect("sharing:detail", pk=link.pk)
    return render(
        request, "sharing/create.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link_for(request, pk)
    return render(
        request,
        "sharing/detail.html",
        {
            "link": link,
            "status": link.status_now,
            "url": selectors.share_url(link),
            "openings": selectors.openings_of(link),
        },
    )


@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link_for(request, pk)
    form = RevokeShareLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        revoked = form.submit(
            lambda data: services.share_link_revoke(holder=request.user, link=link)
        )
        if revoked is not None:
            messages.success(
                request, f"Share link “{revoked.label}” is revoked: it no longer opens."
            )
            return redirect("sharing:links")
    return render(
        request,
        "sharing/revoke.html",
        {"link": link, "status": link.status_now, "form": form},
        status=400 if form.errors else 200,
    )


def _private(response: HttpResponse) -> HttpResponse:
    """What every shared page carries: no search engine, no Referer, no cached copy."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


# Per address, like the verification pages: a room of people opening a link passes; guessing
# tokens does not (and a wrong token is refused before any query in any case).
SHARED_RATES = (Rate(60, 60), Rate(600, 3600))


@rate_limited("shared", *SHARED_RATES)
def shared(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.link_by_token(token)
    if link is None:
        raise Http404("No share link has this address.")
    if not link.status_now.is_active:
        # Gone: the same page whether revoked or expired, naming nothing and no one.
        return _private(render(request, "sharing/gone.html", status=410))
    services.share_link_opened(link=link)
    return _private(
        render(
            request,
            "sharing/shared.html",
            {"link": link, "record": selectors.shared_record(link)},
        )
    )
