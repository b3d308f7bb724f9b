"""App servers settle their heap after start-up (config.runtime), through the WSGI entry point."""

import gc
import importlib
import sys

import pytest

from config.runtime import YOUNG_COLLECTION_THRESHOLD


@pytest.fixture
def collector_restored():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_loading_the_wsgi_application_freezes_what_start_up_built(collector_restored):
    gc.unfreeze()
    sys.modules.pop("config.wsgi", None)

    wsgi = importlib.import_module("config.wsgi")

    assert callable(wsgi.application)
    # The start-up objects are out of the collector's sight, and young collections are rarer.
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD
