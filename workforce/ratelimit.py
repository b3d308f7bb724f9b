"""Per-address request limits for public pages, counted in Django's cache.

Fixed windows: each address gets `requests` per `seconds` for each rate of a scope. A room of
people scanning one QR code shares an address, so the rates allow a burst of that size and stop
only what no person does (thousands of look-ups an hour, guessing numbers and surnames).

The count lives in the cache named by `RATE_LIMIT_CACHE`: with several app servers, point it at
a shared cache (Redis, see `CACHE_URL`), or each server counts on its own.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Rate:
    """At most `requests` from one address in each window of `seconds`."""

    requests: int
    seconds: int


def client_address(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or, behind `RATE_LIMIT_PROXIES` trusted proxies, the
    address the nearest of them saw (the rest of X-Forwarded-For can be forged by the client)."""
    proxies = settings.RATE_LIMIT_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def retry_after(scope: str, address: str, rates: tuple[Rate, ...]) -> int | None:
    """Count one request of `address` in `scope`; the seconds to wait if it is over a limit."""
    cache = caches[settings.RATE_LIMIT_CACHE]
    now = time.time()
    wait = None
    for rate in rates:
        window = int(now // rate.seconds)
        key = f"ratelimit:{scope}:{rate.seconds}:{window}:{address}"
        # add() then incr(): atomic in Redis and in the local-memory cache, so concurrent
        # requests never lose a count.
        cache.add(key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request starts the window
            cache.add(key, 1, timeout=rate.seconds + 1)
            count = 1
        if count > rate.requests:
            left = math.ceil((window + 1) * rate.seconds - now)
            wait = max(wait or 0, left, 1)
    return wait


def _too_many(request: HttpRequest, wait: int, *, json: bool) -> HttpResponse:
    if json:
        response = JsonResponse(
            {"error": f"Too many requests from your address. Try again in {wait} seconds."},
            status=429,
        )
    else:
        minutes = math.ceil(wait / 60)
        response = render(
            request,
            "429.html",
            {"wait_seconds": wait, "wait_minutes": minutes},
            status=429,
        )
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(
    scope: str,
    *rates: Rate,
    json: bool = False,
    applies: Callable[[HttpRequest], bool] | None = None,
):
    """Limit a view per client address; over a limit it answers 429 with Retry-After and a page
    (or JSON) saying when to try again. `applies` limits only the requests it accepts."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if settings.RATE_LIMITS_ENABLED and (applies is None or applies(request)):
                wait = retry_after(scope, client_address(request), rates)
                if wait is not None:
                    return _too_many(request, wait, json=json)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
