"""The outbox against a real sandbox bureau over HTTP: corrections leave in the case action's
transaction, are delivered exactly once whatever fails on the way, and the case follows the
bureau's feedback (confirmed only after the record reads back with the new values)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests
from django.conf import settings

from xiufu.bureau import outbox
from xiufu.bureau.models import FeedbackCursor, OutboxMessage
from xiufu.bureau.tests.conftest import approved, confirmed, faults, seeded, submit, until
from xiufu.cases.choices import SubmissionStatus
from xiufu.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def held(bureau, business_id: str) -> dict[str, Any]:
    return requests.get(f"{bureau.url}/v1/records/loan/{business_id}", timeout=5).json()


def applied_times(bureau, business_id: str, operation: str) -> int:
    history = held(bureau, business_id).get("history", [])
    return sum(1 for entry in history if entry.get("operation") == operation)


def test_a_correction_leaves_through_the_outbox_and_is_confirmed_after_read_back(
    bureau, drive, overdue_loan
):
    seeded(bureau)
    d = approved(drive)
    submission = submit(d)
    # written with the action, not yet sent
    (message,) = OutboxMessage.objects.filter(submission=submission)
    assert (message.status, message.record_type, message.operation) == (
        "pending",
        "412",
        "segment_correct",
    )
    assert message.payload["changes"][2] == {
        "field": "overdue_amount",
        "old": "52000.00",
        "new": "0.00",
    }
    assert d.case.status == "correction_submitted"
    # delivered: the case awaits the bureau
    outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.receipt.startswith("SBX-")
    assert d.case.status == "awaiting_confirmation"
    # the feedback comes, the record reads back with the new values, the case moves on
    until(lambda: confirmed(d))
    shown = held(bureau, overdue_loan.business_id)["fields"]
    assert (shown["status"], shown["overdue_days"], shown["overdue_amount"]) == (
        "normal",
        0,
        "0.00",
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CONFIRMED
    overdue_loan.refresh_from_db()
    assert overdue_loan.status == "normal"


def test_a_delivery_cut_off_after_the_bureau_stored_it_is_applied_once(bureau, drive, overdue_loan):
    seeded(bureau)
    d = approved(drive)
    submit(d)
    # the bureau stores the message, then takes longer than our timeout to answer
    faults(bureau, timeout_next=1, timeout_seconds=3)
    run = outbox.deliver_due()
    assert run.retried
    # the retry carries the same idempotency key: a duplicate for the bureau, applied once
    until(lambda: outbox.deliver_due().delivered)
    until(lambda: confirmed(d))
    assert applied_times(bureau, overdue_loan.business_id, "segment_correct") == 1


def test_a_worker_that_died_holding_a_message_leaves_it_to_the_next_once_its_lease_ends(
    bureau, drive, overdue_loan
):
    import datetime as dt

    from django.utils import timezone

    seeded(bureau)
    d = approved(drive)
    submit(d)
    message = OutboxMessage.objects.get(case_id=d.case_id, submission__isnull=False)
    # a worker claimed it and sent it, then was killed before writing down the outcome
    outbox.adapter("sandbox").deliver(message.payload)
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=1)
    )
    held_back = outbox.deliver_due()  # still held by the dead worker's lease
    assert message.pk not in held_back.delivered
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert outbox.deliver_due().delivered == [message.pk]
    until(lambda: confirmed(d))
    assert applied_times(bureau, overdue_loan.business_id, "segment_correct") == 1


def test_while_the_bureau_is_down_messages_wait_and_all_arrive_once_it_is_back(
    bureau, drive, overdue_loan
):
    seeded(bureau)
    d = approved(drive)
    submit(d)
    faults(bureau, down=True)
    first = outbox.deliver_due()
    assert first.retried
    message = OutboxMessage.objects.get(case_id=d.case_id, submission__isnull=False)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "503" in message.last_error
    faults(bureau)
    until(lambda: confirmed(d))
    assert applied_times(bureau, overdue_loan.business_id, "segment_correct") == 1


def test_after_too_many_failures_the_message_is_parked_and_the_reporter_resends_it(
    bureau, drive, overdue_loan, clerk
):
    seeded(bureau)
    d = approved(drive)
    submission = submit(d)
    faults(bureau, down=True)
    for _attempt in range(3):
        outbox.deliver_due()
    message = OutboxMessage.objects.get(case_id=d.case_id, submission__isnull=False)
    assert (message.status, message.attempts) == ("parked", 3)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PARKED
    assert "503" in submission.bureau_reason
    # only the reporter may resend; after the bureau is back, it arrives once
    with pytest.raises(PermissionDenied):
        outbox.do_retry_parked(submission.pk, actor=clerk)
    faults(bureau)
    # the correction, and the dispute mark the acceptance placed, which was parked with it
    assert outbox.do_retry_parked(submission.pk, actor=d.cast.reporter) == 2
    until(lambda: confirmed(d))
    assert applied_times(bureau, overdue_loan.business_id, "segment_correct") == 1


def test_a_message_the_bureau_refuses_as_malformed_is_parked_at_once(bureau, drive):
    seeded(bureau)
    d = approved(drive)
    submit(d)
    faults(bureau, reject_http_next=1)
    run = outbox.deliver_due()
    assert len(run.parked) == 1
    assert "format_error" in OutboxMessage.objects.get(pk=run.parked[0]).last_error


def test_a_rejection_returns_the_case_to_the_reporter_with_the_bureau_reason(bureau, drive):
    # the bureau was never told about the loan: the correction is refused
    d = approved(drive)
    submit(d)
    outbox.deliver_due()
    until(lambda: outbox.poll_feedback() or d.case.status == "bureau_rejected")
    case = d.case
    assert case.status == "bureau_rejected"
    assert "E_RECORD_NOT_FOUND" in case.submissions.first().bureau_reason


def test_duplicate_and_out_of_order_feedback_settle_each_case_once(
    bureau, drive, overdue_loan, enterprise_a
):
    from xiufu import factories as f

    another = f.loan(
        enterprise_a, status="overdue", overdue_days=12, overdue_amount=Decimal("1000.00")
    )
    seeded(bureau)
    first = approved(drive)
    second = approved(drive, [("loans", another, "overdue_wrong")])
    faults(bureau, hold=True, duplicate_feedback=True, reorder_feedback=True)
    submit(first)
    submit(second)
    outbox.deliver_due()
    faults(bureau, duplicate_feedback=True, reorder_feedback=True)
    until(lambda: confirmed(first) and confirmed(second))
    assert outbox.poll_feedback() == []  # nothing left: duplicates were recognised
    for d in (first, second):
        assert d.case.events.filter(event="confirm_correction").count() == 1
    assert FeedbackCursor.objects.get(adapter="sandbox").after > 0


def test_dispute_marks_are_placed_and_removed_at_the_bureau_with_the_case(
    bureau, drive, overdue_loan
):
    seeded(bureau)
    d = approved(drive)
    # acceptance placed the mark: its message went with the acceptance
    (mark,) = OutboxMessage.objects.filter(case_id=d.case_id, operation="dispute_mark_add")
    assert mark.record_type == "DM1"
    outbox.deliver_due()

    def marked() -> list[dict[str, Any]]:
        outbox.poll_feedback()
        report = requests.get(f"{bureau.url}/v1/reports/{overdue_loan.enterprise.uscc}", timeout=5)
        (record,) = [
            r for r in report.json()["records"] if r["business_id"] == overdue_loan.business_id
        ]
        return record["dispute_marks"]

    shown = until(marked)
    assert shown[0]["case_reference"] == d.case.number
    # the confirmed correction removes it
    submit(d)
    until(lambda: confirmed(d))
    assert OutboxMessage.objects.filter(case_id=d.case_id, operation="dispute_mark_remove").exists()
    until(lambda: (outbox.deliver_due() or True) and not marked())


def test_reconcile_lists_every_difference_between_the_outbox_and_the_bureau(
    bureau, drive, overdue_loan, capsys
):
    from xiufu.bureau.messages import new_message
    from xiufu.bureau.reconcile import reconcile
    from xiufu.cli import main as cli

    seeded(bureau)
    d = approved(drive)
    submit(d)
    until(lambda: confirmed(d))
    outbox.deliver_due()
    until(
        lambda: (
            outbox.poll_feedback()
            or not OutboxMessage.objects.filter(status__in=["pending", "delivered"]).exists()
        )
    )
    clean = reconcile()
    assert clean.records > 0
    assert clean.differences == []
    assert cli(["bureau", "reconcile"]) == 0
    # a change that did not go through the outbox (someone uploaded a file by hand, say)
    enterprise = overdue_loan.enterprise
    stray = new_message(
        furnisher=settings.FURNISHER_CODE,
        operation="segment_correct",
        record_kind="loan",
        business_id=overdue_loan.business_id,
        uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        changes=[("overdue_days", 0, 9), ("five_tier_class", "special_mention", "substandard")],
    )
    requests.post(f"{bureau.url}/v1/messages", json=stray, timeout=5).raise_for_status()
    found = until(lambda: reconcile().differences)
    assert {(x.business_id, x.what, x.expected, x.shown) for x in found} == {
        (overdue_loan.business_id, "field overdue_days", 0, 9),
        (overdue_loan.business_id, "field five_tier_class", "special_mention", "substandard"),
    }
    capsys.readouterr()
    assert cli(["bureau", "reconcile"]) == 1
    printed = capsys.readouterr().out
    assert "field overdue_days expected 0, bureau shows 9" in printed
    assert "2 differences" in printed


def test_a_loan_that_belongs_to_another_enterprise_is_moved_by_an_identity_change(
    bureau, drive, overdue_loan, enterprise_b
):
    from xiufu.bureau.reconcile import reconcile

    seeded(bureau)
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    (item,) = d.case.items.all()
    proposal = {"item_id": item.pk, "action": "reassign"}
    with pytest.raises(InvalidInput):  # an enterprise we do not know
        d.propose([{**proposal, "changes": [{"field": "enterprise", "new": "91110000MA0000000X"}]}])
    d.propose([{**proposal, "changes": [{"field": "enterprise", "new": enterprise_b.uscc}]}])
    d.approve()
    submit(d)
    (message,) = OutboxMessage.objects.filter(case_id=d.case_id, operation="identity_change")
    assert message.record_type == "411"
    until(lambda: confirmed(d))
    held_now = held(bureau, overdue_loan.business_id)
    assert held_now["enterprise"] == {"uscc": enterprise_b.uscc, "name": enterprise_b.name}
    overdue_loan.refresh_from_db()
    assert overdue_loan.enterprise_id == enterprise_b.pk
    until(
        lambda: (
            (outbox.deliver_due() or True)
            and (outbox.poll_feedback() or True)
            and not OutboxMessage.objects.filter(status__in=["pending", "delivered"]).exists()
        )
    )
    assert reconcile().differences == []
