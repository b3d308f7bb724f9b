"""What an app server process does once it has started, before it serves: settle the heap."""

import gc

# Collections of the youngest objects wait for this many new ones (Python's default is 700):
# a team page allocates tens of thousands of short-lived objects.
YOUNG_COLLECTION_THRESHOLD = 10_000


def settle_after_start_up() -> None:
    """Move everything start-up built (Django, Wagtail, the URLconf, the templates' loaders) out
    of the garbage collector's sight, and collect less often.

    The collector walks every tracked object on each full collection; after start-up those are
    hundreds of thousands that live as long as the process, and a request building a few
    thousand objects paid for walking them all (a sixth of the team page's time for 200 people).
    Frozen before gunicorn forks its workers (`--preload`), they also stay shared between them.
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, oldest)
