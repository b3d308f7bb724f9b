"""Public curriculum pages for caches: public, kept a few minutes and revalidated by ETag for
anonymous readers, private for signed-in ones; publishing purges the frontend cache."""

import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from wagtail.contrib.frontend_cache.backends import BaseBackend

from curriculum.caching import GENERATION_KEY
from curriculum.models import ModulePage

pytestmark = pytest.mark.django_db


class RecordingBackend(BaseBackend):
    """A frontend cache that notes each address it is asked to purge."""

    purged: list[str] = []

    def purge(self, url) -> None:
        RecordingBackend.purged.append(url)


@pytest.fixture
def frontend_cache(settings) -> list[str]:
    """The recording backend configured as the site's frontend cache; its purged addresses."""
    settings.WAGTAILFRONTENDCACHE = {"recording": {"BACKEND": f"{__name__}.RecordingBackend"}}
    RecordingBackend.purged = []
    return RecordingBackend.purged


@pytest.fixture
def module(demo_curriculum) -> ModulePage:
    return ModulePage.objects.child_of(demo_curriculum).live().order_by("path").first()


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _paths(urls) -> set[str]:
    return {urlsplit(url).path for url in urls}


@pytest.mark.parametrize("which", ["index", "module", "competency", "home"])
def test_an_anonymous_reader_gets_a_public_page_with_an_etag(client, module, which):
    url = {
        "index": "/curriculum/",
        "module": module.url,
        "competency": "/curriculum/competencies/SPLW-ROL-01/",
        "home": "/",
    }[which]

    response = client.get(url)

    assert response.status_code == 200
    assert _directives(response) == {"public", "max-age=0", "must-revalidate"}
    assert response["ETag"].startswith('"')
    assert "Cookie" in response["Vary"]


def test_a_reader_holding_the_page_gets_a_304(client, module):
    first = client.get(module.url)

    again = client.get(module.url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert "public" in _directives(again)


def test_a_changed_page_gets_a_new_etag(client, module):
    before = client.get(module.url)
    module.summary = "A summary rewritten for this test."
    module.save_revision().publish()

    after = client.get(module.url, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert "A summary rewritten for this test." in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_a_signed_in_reader_gets_a_private_page(client, module, link_worker):
    client.force_login(link_worker)

    response = client.get(module.url)

    # The header names them and holds their menu: no shared cache may keep it.
    assert escape(link_worker.full_name) in response.content.decode()  # O'Brien as &#x27;
    assert _directives(response) == {"private", "no-cache"}
    assert "public" not in response["Cache-Control"]


def test_a_purged_frontend_cache_may_keep_pages_for_a_day(client, module, frontend_cache):
    response = client.get(module.url)

    assert _directives(response) == {
        "public",
        "max-age=0",
        "s-maxage=86400",
        "must-revalidate",
    }


def test_publishing_a_module_purges_it_and_the_index(
    module, frontend_cache, django_capture_on_commit_callbacks
):
    module.summary = "A summary rewritten for this test."
    with django_capture_on_commit_callbacks(execute=True):
        module.save_revision().publish()

    purged = _paths(frontend_cache)
    assert {module.url, f"{module.url}history/"} <= purged
    # The index lists the module's title and summary, its print and competency pages its words.
    assert {
        "/curriculum/",
        "/curriculum/print/",
        "/curriculum/crosswalk/",
        "/curriculum/competencies/SPLW-ROL-01/",
    } <= purged
    other = ModulePage.objects.live().exclude(pk=module.pk).first()
    assert other.url not in purged


def test_unpublishing_a_module_purges_it_and_the_index(
    module, frontend_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        module.unpublish()

    assert {module.url, "/curriculum/"} <= _paths(frontend_cache)


def test_publishing_the_framework_purges_every_curriculum_page(
    demo_curriculum, frontend_cache, django_capture_on_commit_callbacks
):
    framework = demo_curriculum.framework
    with django_capture_on_commit_callbacks(execute=True):
        framework.save_revision().publish()

    purged = _paths(frontend_cache)
    assert {page.url for page in ModulePage.objects.live()} <= purged
    assert {"/curriculum/", "/curriculum/crosswalk/"} <= purged


def test_nothing_is_purged_without_a_frontend_cache(
    module, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.WAGTAILFRONTENDCACHE = {}
    queued = []
    monkeypatch.setattr(
        "wagtail.contrib.frontend_cache.utils.purge_urls_from_cache",
        lambda urls, *args, **kwargs: queued.append(urls),
    )
    with django_capture_on_commit_callbacks(execute=True):
        module.save_revision().publish()

    assert queued == []


def test_the_index_and_a_module_page_need_a_fixed_number_of_queries(
    client, module, django_assert_num_queries
):
    # Measured on the demo curriculum (9 modules, 31 competencies); the ETag costs none. The
    # first request also looks up the site's root paths, which Wagtail then keeps.
    client.get("/")
    with django_assert_num_queries(12):
        client.get("/curriculum/")
    with django_assert_num_queries(14):
        client.get(module.url)


# --- The app servers' own copies (PublicPageCacheMiddleware) -----------------------------------


def _keep(client, url):
    """Read `url` until it is kept: an app server keeps a page on its second anonymous reading
    (the first marks the address as one to look for in the cache)."""
    client.get(url)
    return client.get(url)


@pytest.fixture
def kept_pages(settings):
    """App servers keep anonymous readers' pages, as they do with a shared cache."""
    settings.CURRICULUM_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_copies_are_kept_only_with_a_shared_cache_by_default():
    # The tests' cache is per process, as the demo's is: no copies unless asked for.
    from django.conf import settings

    assert settings.CURRICULUM_PAGE_CACHE_SECONDS == 0


def test_an_anonymous_reader_gets_the_kept_copy_without_a_query(
    client, module, kept_pages, django_assert_num_queries
):
    first = _keep(client, module.url)

    with django_assert_num_queries(0):
        again = client.get(module.url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert _directives(again) == {"public", "max-age=0", "must-revalidate"}


def test_a_reader_holding_the_kept_copy_gets_a_304(
    client, module, kept_pages, django_assert_num_queries
):
    first = _keep(client, module.url)

    with django_assert_num_queries(0):
        again = client.get(module.url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_a_publish_retires_every_kept_copy_once_it_commits(
    client, module, kept_pages, django_capture_on_commit_callbacks
):
    _keep(client, module.url)
    index = _keep(client, "/curriculum/")
    module.summary = "A summary rewritten for this test."

    with django_capture_on_commit_callbacks(execute=True):
        module.save_revision().publish()

    assert "A summary rewritten for this test." in client.get(module.url).content.decode()
    # The index lists the module's summary: it was kept too, and is retired with it.
    assert client.get("/curriculum/").content != index.content


def test_a_framework_publish_retires_the_kept_copies(
    client, demo_curriculum, module, kept_pages, django_capture_on_commit_callbacks
):
    _keep(client, module.url)
    with django_capture_on_commit_callbacks(execute=True):
        demo_curriculum.framework.save_revision().publish()

    assert _queries(lambda: client.get(module.url)) > 0  # rendered again


def test_a_signed_in_reader_neither_gets_nor_leaves_a_copy(client, module, link_worker, kept_pages):
    _keep(client, module.url)  # an anonymous copy is kept
    client.force_login(link_worker)

    signed_in = client.get(module.url)
    client.logout()
    anonymous = client.get(module.url)

    assert link_worker.full_name in signed_in.content.decode()
    assert _directives(signed_in) == {"private", "no-cache"}
    assert link_worker.full_name not in anonymous.content.decode()


@pytest.mark.parametrize("url", ["/curriculum/?utm_source=leaflet", "/curriculum/no-such-page/"])
def test_addresses_with_a_query_and_missing_pages_are_never_kept(client, module, kept_pages, url):
    _keep(client, url)

    assert _queries(lambda: client.get(url)) > 0  # rendered again


def test_a_copy_from_yesterday_is_not_served(client, module, kept_pages, monkeypatch):
    _keep(client, module.url)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("curriculum.caching.timezone", SimpleNamespace(localdate=lambda: tomorrow))

    assert _queries(lambda: client.get(module.url)) > 0  # rendered again


def test_a_lost_generation_never_brings_back_old_copies(client, module, kept_pages):
    _keep(client, module.url)
    cache.delete(GENERATION_KEY)  # evicted, or the cache restarted with the copies kept

    assert _queries(lambda: client.get(module.url)) > 0  # rendered again


def test_reordering_modules_retires_the_kept_index(
    client, demo_curriculum, module, kept_pages, django_capture_on_commit_callbacks
):
    before = _keep(client, "/curriculum/")
    with django_capture_on_commit_callbacks(execute=True):
        module.move(demo_curriculum, pos="last-child")

    after = client.get("/curriculum/")

    assert after.content != before.content  # the module is now listed last


def test_only_addresses_served_as_curriculum_pages_are_looked_for(
    client, module, kept_pages, monkeypatch
):
    looked_for = []
    get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys, *args: looked_for.append(keys) or get_many(keys, *args)
    )

    client.get("/verify/")
    client.get("/verify/")
    assert looked_for == []  # the verification form costs no round trip to the cache

    _keep(client, module.url)
    assert len(looked_for) == 1  # the page's second reading looked, and kept it
