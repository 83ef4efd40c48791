"""Fixtures of the bureau tests: the case fixtures of xiufu/cases, a real sandbox bureau on a free
port, and helpers that drive the outbox against it (also used by the desk's tests)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from xiufu.bureau import outbox
from xiufu.bureau.models import OutboxMessage, OutboxStatus
from xiufu.bureau.sandbox.faults import Faults
from xiufu.bureau.sandbox.server import start_in_thread
from xiufu.cases import actions
from xiufu.cases.choices import SubmissionStatus
from xiufu.cases.tests.conftest import drive, overdue_loan  # noqa: F401


@pytest.fixture
def bureau(tmp_path, settings):
    running = start_in_thread(store_path=tmp_path / "bureau.sqlite3", delay=0)
    settings.BUREAU_ADAPTER = "sandbox"
    settings.BUREAU_SANDBOX_URL = running.url
    settings.BUREAU_TIMEOUT_SECONDS = 1
    settings.BUREAU_RETRY_BASE_SECONDS = 0
    settings.BUREAU_MAX_ATTEMPTS = 3
    yield running
    running.stop()


def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def faults(bureau, **values: Any) -> None:
    bureau.faults.replace(dataclasses.replace(Faults(), **values))


def seeded(bureau) -> None:
    """The bureau holds what the furnisher reported (its regular reporting, through the outbox)."""
    assert outbox.enqueue_reports() > 0
    outbox.deliver_due(limit=10_000)

    def all_accepted() -> bool:
        outbox.poll_feedback()
        return not OutboxMessage.objects.exclude(status=OutboxStatus.ACCEPTED).exists()

    until(all_accepted)


def approved(drive, records=None):  # noqa: F811 - the fixture's value, passed in
    d = drive(records)
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    d.propose(
        [
            {
                "item_id": i.pk,
                "action": "correct",
                "changes": [
                    {"field": "status", "new": "normal"},
                    {"field": "overdue_days", "new": 0},
                    {"field": "overdue_amount", "new": "0.00"},
                ],
            }
            for i in d.case.items.all()
        ]
    )
    d.approve()
    return d


def submit(d) -> Any:
    return actions.do_submit_correction(
        d.case_id, expected_version=d.v, actor=d.cast.reporter, adapter_code="sandbox"
    )


def parked(bureau, d) -> Any:
    """Submit the case's correction while the bureau is down, until its message is parked."""
    submission = submit(d)
    faults(bureau, down=True)
    for _attempt in range(settings.BUREAU_MAX_ATTEMPTS):
        outbox.deliver_due()
    submission.refresh_from_db()
    return submission


@pytest.fixture
def stuck(bureau, drive):  # noqa: F811 - the fixture imported above
    """A case whose correction was parked while the bureau was down: (driver, submission)."""
    seeded(bureau)
    d = approved(drive)
    submission = parked(bureau, d)
    assert submission.status == SubmissionStatus.PARKED
    return d, submission


def confirmed(d) -> bool:
    outbox.deliver_due()
    outbox.poll_feedback()
    return d.case.status == "bureau_confirmed"
