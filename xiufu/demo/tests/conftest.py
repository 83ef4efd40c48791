"""One demo load shared by a module of read-only tests.

Loading the demo takes seconds (64 enterprises, their records, 20 cases with their materials and
letters). Tests that only read it share one load per module: it is committed once before the
module's first test, each test still runs in a transaction rolled back at its end (so what a test
writes, a page view's access log say, does not leak), and the database is emptied after the
module, as after a transactional test. Tests that reload, reset or need an empty database load
the demo themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command

from xiufu.demo.loader import DemoSummary, load_demo


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker) -> Iterator[DemoSummary]:
    with django_db_blocker.unblock():
        summary = load_demo()
    yield summary
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
