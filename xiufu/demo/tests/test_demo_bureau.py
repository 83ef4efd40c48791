"""The demo against the sandbox bureau, as ``xiufu serve`` runs it: the bureau learns the demo's
records and dispute marks through the outbox, and the demo's approved correction, once the
reporter sends it, is confirmed and shows on the bureau's report with no further hand-made step:
the ticker's jobs deliver it, read the feedback and read the record back."""

from __future__ import annotations

import itertools
import time

import pytest
import requests

from xiufu.accounts.models import User
from xiufu.bureau.models import OutboxMessage, OutboxStatus
from xiufu.bureau.reconcile import reconcile
from xiufu.bureau.sandbox.server import start_in_thread
from xiufu.cases.models import Case
from xiufu.core.ticker import run_due_jobs
from xiufu.demo.loader import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def bureau(tmp_path, settings):
    running = start_in_thread(store_path=tmp_path / "bureau.sqlite3", delay=0)
    settings.BUREAU_ADAPTER = "sandbox"
    settings.BUREAU_SANDBOX_URL = running.url
    yield running
    running.stop()


def ticker_until(done, timeout: float = 60.0) -> None:
    """Run the ticker's due jobs, as the serving ticker process would, until ``done()``."""
    last_run: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    for tick in itertools.count():
        run_due_jobs(last_run, now=1000.0 + tick * 5)
        if done():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the ticker did not get there")
        time.sleep(0.05)


def settled() -> bool:
    return not OutboxMessage.objects.filter(
        status__in=(OutboxStatus.PENDING, OutboxStatus.DELIVERED)
    ).exists()


def test_a_demo_correction_goes_from_approval_to_the_bureau_report_by_itself(bureau, client):
    load_demo()
    # the bureau learns the records and the marks of the demo's open disputes
    ticker_until(settled)
    refused = OutboxMessage.objects.filter(status=OutboxStatus.REJECTED)
    assert not refused.exists(), [(m.operation, m.business_id, m.error_code) for m in refused]
    assert reconcile().differences == []
    # the reporter sends the approved correction from the case page
    case = Case.objects.get(status="correction_approved")
    client.force_login(User.objects.get(username="reporter"))
    client.post(
        f"/desk/cases/{case.pk}/submit_correction/",
        {"version": case.version, "adapter": "sandbox"},
    )
    case.refresh_from_db()
    assert case.status == "correction_submitted"
    # ... and nobody does anything more
    ticker_until(lambda: Case.objects.get(pk=case.pk).status == "bureau_confirmed")
    ticker_until(settled)
    item = case.items.get()
    proposal = item.proposals.get(decision="approved")
    uscc = case.enterprise.uscc
    report = requests.get(f"{bureau.url}/v1/reports/{uscc}", timeout=5).json()
    shown = [r for r in report["records"] if r["business_id"] == item.business_id]
    if proposal.action == "delete":  # a guarantee that was never the enterprise's: gone
        assert shown == []
    else:
        (record,) = shown
        for change in proposal.changes:
            assert str(record["fields"][change["field"]]) == str(change["new"]), change
        assert not [m for m in record["dispute_marks"] if m["case_reference"] == case.number]
    page = requests.get(f"{bureau.url}/reports/{uscc}", timeout=5).text
    assert "企业信用报告（沙箱）" in page
    assert (item.business_id in page) == (proposal.action != "delete")
    assert reconcile().differences == []
