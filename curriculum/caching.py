"""The public curriculum for caches: what anonymous readers get is public, kept a few minutes and
revalidated by its ETag; what a signed-in reader gets (the header names them) stays private.
Publishing purges the frontend cache in front of the site, when one is configured.

A CDN or caching proxy is named by FRONTEND_CACHE_BACKEND (config/settings/base.py), read into
Wagtail's WAGTAILFRONTENDCACHE; Wagtail's frontend_cache backends and PurgeBatch do the purging.
Its app's own signal handlers are not installed: they purge the page alone (not the index that
lists a module, nor the competency pages a framework change rewrites), and they would queue a
task for every publish even with no cache to purge.

With a shared cache (CACHE_URL), app servers also keep the anonymous pages themselves
(PublicPageCacheMiddleware): a reader with no session answers from one cache read, before
sessions, routing or templates. The same publish signals retire every kept page at once.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
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
    response.public_curriculum_page = True  # the same for every anonymous reader: keepable
    return get_conditional_response(request, etag=etag, response=response) or response


class PublicCacheMixin:
    """Page types whose every route (sub-pages of routable pages included) is public content."""

    def serve(self, request, *args, **kwargs):
        return public_page(request, super().serve(request, *args, **kwargs))


# --- The app servers' own copies -------------------------------------------------------------

GENERATION_KEY = "curriculum-pages:generation"


def _generation() -> str:
    """The kept pages' current generation: a random token, so that a token lost from the cache
    and made again can never bring back pages kept before a publish."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def retire_kept_pages() -> None:
    """Retire every kept page now: a new generation, which no kept copy was filed under."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def forget_kept_pages() -> None:
    """Retire every kept page once the publish commits: a reader before the commit may still be
    rendering the old page, and it is then kept under the old generation, which nobody reads."""
    transaction.on_commit(retire_kept_pages)


class PublicPageCacheMiddleware:
    """Serve anonymous readers a kept copy of a public curriculum page, before sessions, routing
    and templates run; keep each page the curriculum marks as public on its first reading.

    Only GETs and HEADs without a query string or a session or messages cookie are served or
    kept, so a signed-in reader (whose header names them), a reader with a message waiting and a
    preview never see or make a kept copy. A copy is retired by the next publish of a page or of
    what the pages show (curriculum.signals), at midnight (pages show today's edition), and after
    CURRICULUM_PAGE_CACHE_SECONDS at the latest. Off (0) unless the cache is shared: with a
    cache per process, a publish would retire the pages of one process only.

    Each process looks in the cache only for the addresses it has itself seen served as public
    curriculum pages, so other anonymous pages (verification, sign-in) cost no round trip to it.
    The first reading of an address in a process marks it; the next is kept, after reading the
    generation before drawing the page (a page drawn before a publish committed is then kept
    under the old generation, which nobody reads).
    """

    MAX_PAGES = 10_000  # addresses marked per process; more are forgotten and marked again

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.pages: set[str] = set()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.CURRICULUM_PAGE_CACHE_SECONDS
        if not seconds or not _anonymous_reading(request):
            return self.get_response(request)
        key = (
            "curriculum-pages:"
            + hashlib.sha256(f"{request.get_host()}{request.path}".encode()).hexdigest()
        )
        today = timezone.localdate().isoformat()
        generation = None
        if key in self.pages:
            kept = cache.get_many([GENERATION_KEY, key])
            generation = kept.get(GENERATION_KEY) or _generation()
            copy = kept.get(key)
            if copy is not None and copy["generation"] == generation and copy["day"] == today:
                return _from_copy(request, copy)
        response = self.get_response(request)
        keepable = (
            request.method == "GET"
            and getattr(response, "public_curriculum_page", False)
            and response.status_code == 200
            and not response.cookies
            and "nonce-" not in response.get("Content-Security-Policy", "")
        )
        if not keepable:
            self.pages.discard(key)
        elif generation is None:
            if len(self.pages) >= self.MAX_PAGES:
                self.pages.clear()
            self.pages.add(key)
        else:
            copy = {
                "generation": generation,
                "day": today,
                "content": response.content,
                "headers": list(response.items()),  # cookies are not among them
            }
            cache.set(key, copy, timeout=seconds)
        return response


def _anonymous_reading(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _from_copy(request: HttpRequest, copy: dict) -> HttpResponse:
    response = HttpResponse(copy["content"])
    for name, value in copy["headers"]:
        response[name] = value
    return get_conditional_response(request, etag=response.get("ETag"), response=response) or (
        response
    )


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
    forget_kept_pages()
    pages = [instance]
    parent = instance.get_parent()
    if parent is not None and not parent.is_root():
        pages.append(parent)
    purge_pages(pages)


def purge_moved_page(sender, instance, parent_page_before, parent_page_after, **kwargs) -> None:
    """A page moved or reordered: its address and both lists of pages changed."""
    forget_kept_pages()
    parents = {parent_page_before.pk: parent_page_before, parent_page_after.pk: parent_page_after}
    purge_pages([instance, *(page for page in parents.values() if not page.is_root())])


def purge_whole_curriculum(sender, instance, **kwargs) -> None:
    """A framework, assessment method or national reference published: every curriculum page
    may show it (competency names, methods, the crosswalk)."""
    from .models import CurriculumPage, ModulePage

    forget_kept_pages()
    purge_pages(page for model in (CurriculumPage, ModulePage) for page in model.objects.live())
