"""Measuring in this process: medians of repeated runs, query counts, peak memory."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .results import median
from .server import BenchError


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_time(action: Callable[[], object], *, repeats: int, warmup: int = 1) -> float:
    """The median of `repeats` timings of `action`, after `warmup` untimed runs."""
    for _ in range(warmup):
        action()
    return median([timed(action) for _ in range(max(1, repeats))])


def alternated_times(actions: Sequence[Callable[[], object]], *, repeats: int) -> list[float]:
    """The median of `repeats` timings of each action, taken in turn (one of each, then again):
    a page timed wholly before the one it is compared with would carry any change in the
    machine's speed meanwhile into their ratio."""
    timings: list[list[float]] = [[] for _ in actions]
    for _ in range(max(1, repeats)):
        for action, taken in zip(actions, timings, strict=True):
            taken.append(timed(action))
    return [median(taken) for taken in timings]


def count_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def client_for(user=None) -> Client:
    """A test client on the host the settings allow, signed in as `user` when given."""
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def fetch(client: Client, url: str) -> bytes:
    """GET `url` and read the whole body; anything but a 200 is an error of the scenario."""
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}")
    # The test client closes the response itself (closing it again would send
    # request_finished a second time, which closes the database connection).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body


@dataclass
class PageTiming:
    seconds: float  # median
    queries: int
    size: int


def time_page(client: Client, url: str, *, repeats: int) -> PageTiming:
    """The median time of `repeats` requests for `url`, and the queries of one more."""
    return time_pages([(client, url)], repeats=repeats)[0]


def time_pages(pages: Sequence[tuple[Client, str]], *, repeats: int) -> list[PageTiming]:
    """`time_page` for each (client, url), their requests taken in turn (`alternated_times`)."""
    bodies = [fetch(client, url) for client, url in pages]
    seconds = alternated_times(
        [partial(fetch, client, url) for client, url in pages], repeats=repeats
    )
    return [
        PageTiming(
            seconds=taken, queries=count_queries(partial(fetch, client, url)), size=len(body)
        )
        for (client, url), body, taken in zip(pages, bodies, seconds, strict=True)
    ]
