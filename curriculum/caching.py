"""The public curriculum for caches: what anonymous readers get is public, kept a few minutes and
revalidated by its ETag; what a signed-in reader gets (the header names them) stays private.
Publishing purges the frontend cache in front of the site, when one is configured.

A CDN or caching proxy is named by FRONTEND_CACHE_BACKEND (config/settings/base.py), read into
Wagtail's WAGTAILFRONTENDCACHE; Wagtail's frontend_cache backends and PurgeBatch do the purging.
Its app's own signal handlers are not installed: they purge the page alone (not the index that
lists a module, nor the competency pages a framework change rewrites), and they would queue a
task for every publish even with no cache to purge.
"""

import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from wagtail.contrib.frontend_cache.utils import PurgeBatch


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the page holds anything of this reader's: their name and menu (signed in), a
    message waiting for them, a CSRF token or a cookie being set."""
    return bool(
        request.user.is_authenticated
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or len(get_messages(request))
    )


def public_page(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Cache headers for a curriculum page as served: public with an ETag (a 304 when the reader
    already holds it) for anonymous readers, private and revalidated for anyone else."""
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or getattr(request, "is_preview", False)
    ):
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()  # what it shows decides who may keep it
    # One address, two pages: the anonymous one, and the one a signed-in reader's cookie gets.
    patch_vary_headers(response, ["Cookie"])
    if _personal(request, response):
        patch_cache_control(response, private=True, no_cache=True)
        return response
    directives = {
        "public": True,
        "max_age": settings.CURRICULUM_CACHE_MAX_AGE,
        "must_revalidate": True,
    }
    if settings.WAGTAILFRONTENDCACHE:
        # A frontend cache we purge on publish may keep pages longer than browsers, which we
        # cannot purge.
        directives["s_maxage"] = settings.CURRICULUM_CACHE_SHARED_MAX_AGE
    patch_cache_control(response, **directives)
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


class PublicCacheMixin:
    """Page types whose every route (sub-pages of routable pages included) is public content."""

    def serve(self, request, *args, **kwargs):
        return public_page(request, super().serve(request, *args, **kwargs))


def purge_pages(pages) -> None:
    """Purge these pages, each with its cached paths, from the frontend caches; nothing to do
    (and no task queued) when none is configured."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    batch = PurgeBatch()
    batch.add_pages(page.specific for page in pages)
    batch.purge()


def purge_published_page(sender, instance, **kwargs) -> None:
    """A page published or unpublished: purge it, and the page that lists it (a module's
    curriculum index, with its print and competency pages; a curriculum's home page)."""
    pages = [instance]
    parent = instance.get_parent()
    if parent is not None and not parent.is_root():
        pages.append(parent)
    purge_pages(pages)


def purge_whole_curriculum(sender, instance, **kwargs) -> None:
    """A framework, assessment method or national reference published: every curriculum page
    may show it (competency names, methods, the crosswalk)."""
    from .models import CurriculumPage, ModulePage

    purge_pages(page for model in (CurriculumPage, ModulePage) for page in model.objects.live())
