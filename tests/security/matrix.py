"""The access matrix's machinery: every URL pattern, filled in, asked by every actor.

The expected answers live in tests/security/test_access_matrix.py; this module walks the URL
resolver, builds each pattern's URL from the world's objects, makes the requests and sorts each
answer into one of a few outcomes.
"""

import fnmatch
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse


class Outcome(StrEnum):
    """What a request's answer means for access."""

    REACHED = "reached"  # past every access check: a page, a download, a form refusal
    NOT_ALLOWED = "405"  # past the role check, refused for its method before any object is read
    LOGIN = "login"  # sent to a sign-in page
    FORBIDDEN = "403"  # or Wagtail's "no permission" redirect to the dashboard
    HIDDEN = "404"
    SERVER_ERROR = "5xx"
    OTHER = "other"  # any other status: never expected


LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/_util/login/")
# Wagtail answers an admin user without a permission by sending them to the dashboard.
ADMIN_DASHBOARD = "/admin/"


def outcome_of(response) -> Outcome:
    """Sort a response into an Outcome."""
    status = response.status_code
    if status >= 500:
        return Outcome.SERVER_ERROR
    if status in {301, 302, 303, 307, 308}:
        location = urlsplit(response["Location"]).path
        if location.startswith(LOGIN_PATHS):
            return Outcome.LOGIN
        return Outcome.FORBIDDEN if _wagtail_refusal(response, location) else Outcome.REACHED
    if status == 403:
        return Outcome.FORBIDDEN
    if status == 404:
        return Outcome.HIDDEN
    if status == 405:
        return Outcome.NOT_ALLOWED
    if 200 <= status < 300 or status == 400:
        return Outcome.REACHED
    return Outcome.OTHER


def _wagtail_refusal(response, location: str) -> bool:
    """Wagtail's permission_denied: to the dashboard, with a "no permission" error message."""
    if location != ADMIN_DASHBOARD:
        return False
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    return any("permission" in str(message) for message in queued)


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (namespaced) or, without one, its route; its parameters."""

    name: str | None
    route: str
    pattern: URLPattern

    @property
    def key(self) -> str:
        """What the expected table matches: the name, or the route of an unnamed pattern."""
        return self.name or self.route

    @property
    def params(self) -> list[str]:
        regex = self.pattern.pattern.regex
        return list(regex.groupindex)

    @property
    def callback(self):
        return self.pattern.callback


def routes(resolver: URLResolver | None = None) -> list[Route]:
    """Every URL pattern the project serves, in resolver order, with namespaced names."""
    return list(_walk(resolver or get_resolver(), "", None))


def _walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        else:
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Route(name=name, route=prefix + str(entry.pattern), pattern=entry)


@dataclass(frozen=True)
class Rule:
    """Routes matched by `keys` (shell-style patterns) and who may reach them."""

    keys: tuple[str, ...]
    audience: "Audience"
    why: str = ""

    def matches(self, route: Route) -> bool:
        return any(fnmatch.fnmatchcase(route.key, key) for key in self.keys)


# An audience answers: what outcome(s) does this actor get on this route?
Audience = Callable[[str], frozenset[Outcome]]


def rule_for(route: Route, rules: Iterable[Rule]) -> Rule | None:
    """The first rule matching the route; None when the table has no entry for it."""
    return next((rule for rule in rules if rule.matches(route)), None)


def unmatched(all_routes: Iterable[Route], rules: Iterable[Rule]) -> list[str]:
    """Routes no rule of the table covers: each one fails the suite."""
    rules = list(rules)
    return [f"{r.key} ({r.route})" for r in all_routes if rule_for(r, rules) is None]


def url_for(route: Route, values: dict[str, object], paths: dict[str, str]) -> str:
    """The route's URL with its parameters filled from `values` (per route key, then per
    parameter name); unnamed or positional routes take a ready-made path from `paths`."""
    if route.key in paths:
        url = paths[route.key]
    else:
        kwargs = {name: _value(route, name, values) for name in route.params}
        url = reverse(route.name, kwargs=kwargs)
    # reverse() picks a pattern by name; make sure it is this very one.
    match = resolve(urlsplit(url).path)
    assert match.route == route.route or match.func == route.callback, (route.key, url)
    return url


def _value(route: Route, name: str, values: dict[str, object]) -> object:
    for key, by_param in values.items():
        if fnmatch.fnmatchcase(route.key, key) and name in by_param:
            return by_param[name]
    raise LookupError(f"No value for parameter {name!r} of {route.key} ({route.route})")
