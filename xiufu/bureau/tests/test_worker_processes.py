"""The outbox worker as real processes against the test database: one killed (SIGKILL) in the
middle of a delivery and a new one started; four running side by side. Every message is applied
by the bureau exactly once.

Separate processes need to share the database, which the suite's in-memory SQLite cannot do:
these run on PostgreSQL, the production database (the suite's PostgreSQL pass)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection

from xiufu import factories as f
from xiufu.bureau import outbox
from xiufu.bureau.models import OutboxMessage, OutboxStatus
from xiufu.bureau.sandbox.faults import Faults
from xiufu.bureau.tests.conftest import approved, seeded, submit, until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="processes share the database: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def _worker(bureau: Any, *, timeout: int) -> subprocess.Popen[bytes]:
    """``xiufu bureau deliver`` in its own process, on this test's database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
    url += f":{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "XIUFU_DATA_DIR": str(settings.DATA_DIR),
        "XIUFU_BUREAU_ADAPTER": "sandbox",
        "XIUFU_SANDBOX_BUREAU_URL": bureau.url,
        "XIUFU_BUREAU_TIMEOUT_SECONDS": str(timeout),
        "XIUFU_BUREAU_RETRY_BASE_SECONDS": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "xiufu.cli", "bureau", "deliver", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _applied_once(bureau: Any) -> None:
    """Every message the outbox holds was applied by the bureau, and each only once."""
    for message in OutboxMessage.objects.all():
        held = requests.get(f"{bureau.url}/v1/messages/{message.message_id}", timeout=5).json()
        assert held["status"] == "accepted", (message.business_id, held)
    for message in OutboxMessage.objects.exclude(operation="report"):
        record = requests.get(
            f"{bureau.url}/v1/records/{message.record_kind}/{message.business_id}", timeout=5
        ).json()
        times = [h for h in record["history"] if h["message_id"] == str(message.message_id)]
        assert len(times) == 1, (message.operation, message.business_id, times)


def test_a_worker_killed_mid_delivery_and_a_new_one_deliver_everything_once(
    bureau, drive, overdue_loan
):
    seeded(bureau)
    d = approved(drive)
    submit(d)
    stuck = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("id").first()
    assert stuck is not None
    # the bureau stores the first message, then is slow to answer: the worker waits ...
    bureau.faults.replace(Faults(timeout_next=1, timeout_seconds=30))
    first = _worker(bureau, timeout=1)
    try:
        until(
            lambda: (
                requests.get(f"{bureau.url}/v1/messages/{stuck.message_id}", timeout=5).status_code
                == 200
            ),
            timeout=30,
        )
    finally:
        first.send_signal(signal.SIGKILL)  # ... and is killed while waiting
        first.wait(10)
    stuck.refresh_from_db()
    assert stuck.status == OutboxStatus.PENDING  # the dead worker wrote nothing down
    assert stuck.claimed_until is not None  # its lease still holds the message
    second = _worker(bureau, timeout=1)
    try:
        until(lambda: d.case.status == "bureau_confirmed", timeout=60)
        until(
            lambda: not OutboxMessage.objects.exclude(status=OutboxStatus.ACCEPTED).exists(),
            timeout=30,
        )
    finally:
        second.terminate()
        assert second.wait(10) == 0
    _applied_once(bureau)


def test_four_workers_side_by_side_deliver_each_message_once(bureau, enterprise_a):
    for _ in range(30):
        f.loan(enterprise_a)
    assert outbox.enqueue_reports() >= 31
    workers = [_worker(bureau, timeout=5) for _ in range(4)]
    try:
        until(
            lambda: (
                (outbox.poll_feedback() or True)
                and not OutboxMessage.objects.exclude(status=OutboxStatus.ACCEPTED).exists()
            ),
            timeout=120,
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
    _applied_once(bureau)
