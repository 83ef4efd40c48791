"""The transactional outbox and its worker.

* ``enqueue_*`` write messages in the caller's transaction (the case action's): either the action
  and its messages are both committed, or neither.
* ``deliver_due`` (the worker; the ticker runs it every second, ``xiufu bureau deliver`` runs it in
  a loop) claims due messages one at a time with a lease, sends each with its idempotency key, and
  records the outcome. A failure worth retrying is retried with exponential back-off and jitter;
  after ``XIUFU_BUREAU_MAX_ATTEMPTS`` failures, or at once when the bureau refuses the message as
  malformed, the message is parked and its submission flagged for the reporter, who may retry it
  by hand (``do_retry_parked``). A worker killed mid-delivery leaves its lease to expire; the next
  attempt resends the same message id, which the bureau answers as a duplicate: applied once.
* ``poll_feedback`` reads the bureau's feedback from a stored cursor. Feedback is matched by
  message id, so duplicates and any order are harmless. When every message of a submission is
  accepted, each record is read back from the bureau and compared with what was sent before the
  case moves on; a rejection (or a read-back that differs) returns the case to the reporter with
  the bureau's reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiufu.accounts.permissions import Perm, require
from xiufu.bureau.adapters import BureauAdapter, FeedbackEvent, adapter, goes_through_outbox
from xiufu.bureau.messages import (
    OPERATION_FOR_ACTION,
    PROTOCOL_KINDS,
    new_message,
    wire_value,
)
from xiufu.bureau.models import FeedbackCursor, OutboxMessage, OutboxStatus
from xiufu.core.errors import Conflict, NotFound

logger = logging.getLogger("xiufu.bureau")

FINAL = (OutboxStatus.ACCEPTED, OutboxStatus.REJECTED)
#: The dispute mark as the report shows it (异议标注).
MARK_TEXT = "信息主体对此条信息有异议，数据提供机构正在核查处理。"


# --- writing -------------------------------------------------------------------------------------


def _enqueue(message: dict[str, Any], *, adapter_code: str, case: Any, submission: Any) -> Any:
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("the outbox is written in the action's")
    return OutboxMessage.objects.create(
        message_id=message["message_id"],
        case=case,
        submission=submission,
        adapter=adapter_code,
        operation=message["operation"],
        record_kind=message["record_kind"],
        record_type=message["record_type"],
        business_id=message["business_id"],
        payload=message,
        next_attempt_at=timezone.now(),
    )


def _typed(record_kind: str, name: str, value: Any) -> Any:
    """A value as the record's model field types it (so money leaves as "1234.00", never as a
    float), then in its wire form."""
    from xiufu.records.selectors import RECORD_KINDS

    kind = RECORD_KINDS.get(record_kind)
    if kind is None or value is None:
        return wire_value(value)
    try:
        model_field = kind.reported._meta.get_field(name)
    except Exception:
        return wire_value(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    return wire_value(model_field.to_python(value))


def enqueue_correction(proposal: Any, *, submission: Any, adapter_code: str) -> OutboxMessage:
    """The message for one approved correction proposal (412 segment correction, 414 whole-record
    deletion, 310 basic information), in the submission's transaction."""
    item = proposal.item
    case = item.case
    enterprise = case.enterprise
    kind = "identity" if not item.business_id else item.record_kind
    changes: list[tuple[str, Any, Any]] | None = None
    if proposal.action == "correct":
        changes = [
            (c["field"], _typed(kind, c["field"], c.get("old")), _typed(kind, c["field"], c["new"]))
            for c in proposal.changes
        ]
    elif proposal.action == "reassign":
        from xiufu.enterprises.models import Enterprise

        owner = Enterprise.objects.get(uscc=proposal.changes[0]["new"])
        changes = [("uscc", enterprise.uscc, owner.uscc), ("name", enterprise.name, owner.name)]
    message = new_message(
        furnisher=settings.FURNISHER_CODE,
        operation=OPERATION_FOR_ACTION[proposal.action],
        record_kind=PROTOCOL_KINDS[kind],
        business_id=item.business_id or enterprise.uscc,
        uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        changes=changes,
        case_reference=case.number,
    )
    return _enqueue(message, adapter_code=adapter_code, case=case, submission=submission)


def enqueue_marks(case: Any, changed: dict[int, bool]) -> list[OutboxMessage]:
    """Place (True) or remove (False) the dispute mark of each changed item at the bureau, when
    the configured adapter goes through the outbox (direct adapters have no marks to send)."""
    if not goes_through_outbox():
        return []
    code = settings.BUREAU_ADAPTER
    enterprise = case.enterprise
    written = []
    for item in case.items.filter(pk__in=changed).order_by("pk"):
        kind = "identity" if not item.business_id else item.record_kind
        placed = changed[item.pk]
        message = new_message(
            furnisher=settings.FURNISHER_CODE,
            operation="dispute_mark_add" if placed else "dispute_mark_remove",
            record_kind=PROTOCOL_KINDS[kind],
            business_id=item.business_id or enterprise.uscc,
            uscc=enterprise.uscc,
            enterprise_name=enterprise.name,
            mark={"text": MARK_TEXT, "case_reference": case.number} if placed else None,
            case_reference=case.number,
        )
        written.append(_enqueue(message, adapter_code=code, case=case, submission=None))
    return written


def record_fields(record: Any) -> dict[str, Any]:
    """A reported record as the bureau would hold it: every field but keys, in wire form."""
    return {
        f.name: wire_value(getattr(record, f.attname))
        for f in record._meta.concrete_fields
        if f.name not in ("id", "enterprise")
    }


def enqueue_reports(
    *, adapter_code: str | None = None, business_ids: set[str] | None = None
) -> int:
    """The furnisher's regular reporting of every record it holds (410/440/… and basic
    information), so that a new bureau (the sandbox on a fresh machine) holds what the reports
    show; or, with ``business_ids``, the re-report of just those records. Returns the number of
    messages written."""
    from xiufu.enterprises.models import Enterprise
    from xiufu.records.selectors import RECORD_KINDS

    code = adapter_code or settings.BUREAU_ADAPTER
    count = 0
    with transaction.atomic():
        enterprises = Enterprise.objects.order_by("pk")
        if business_ids is not None:
            enterprises = enterprises.filter(uscc__in=business_ids)
        for enterprise in enterprises:
            message = new_message(
                furnisher=settings.FURNISHER_CODE,
                operation="report",
                record_kind="basic_info",
                business_id=enterprise.uscc,
                uscc=enterprise.uscc,
                enterprise_name=enterprise.name,
                record={"name": enterprise.name, "uscc": enterprise.uscc},
            )
            _enqueue(message, adapter_code=code, case=None, submission=None)
            count += 1
        for kind_code, kind in RECORD_KINDS.items():
            records = kind.reported.objects.select_related("enterprise").order_by("pk")
            if business_ids is not None:
                records = records.filter(business_id__in=business_ids)
            for record in records:
                message = new_message(
                    furnisher=settings.FURNISHER_CODE,
                    operation="report",
                    record_kind=PROTOCOL_KINDS[kind_code],
                    business_id=record.business_id,
                    uscc=record.enterprise.uscc,
                    enterprise_name=record.enterprise.name,
                    record=record_fields(record),
                )
                _enqueue(message, adapter_code=code, case=None, submission=None)
                count += 1
    return count


# --- delivering ----------------------------------------------------------------------------------


def backoff_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Exponential back-off with "equal jitter": half the capped delay, plus a random part up to
    the other half, so that many messages failing together do not retry in step."""
    capped = min(
        settings.BUREAU_RETRY_CAP_SECONDS, settings.BUREAU_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    )
    return capped / 2 + (rng or random).uniform(0, capped / 2)


@dataclass
class DeliveryRun:
    delivered: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    parked: list[int] = field(default_factory=list)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=2 * settings.BUREAU_TIMEOUT_SECONDS + 5)


def _claim(pk: int, claimed_until: dt.datetime | None, now: dt.datetime) -> bool:
    """Take one message for this worker; False if another worker took it first."""
    won = OutboxMessage.objects.filter(
        pk=pk, status=OutboxStatus.PENDING, claimed_until=claimed_until
    ).update(claimed_until=now + _lease())
    return won == 1


def deliver_due(*, limit: int = 100, only: str | None = None) -> DeliveryRun:
    """Deliver every message that is due, each at most once per run (the worker's step)."""
    run = DeliveryRun()
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("id")
    )
    if only:
        due = due.filter(adapter=only)
    adapters: dict[str, BureauAdapter] = {}
    for pk, claimed_until, code in due.values_list("pk", "claimed_until", "adapter")[:limit]:
        if not _claim(pk, claimed_until, now):
            continue
        bureau = adapters.setdefault(code, adapter(code))
        message = OutboxMessage.objects.get(pk=pk)
        result = bureau.deliver(message.payload)
        _record_attempt(pk, result, run)
    _acknowledge_delivered(run.delivered)
    return run


def _record_attempt(pk: int, result: Any, run: DeliveryRun) -> None:
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().defer("payload").get(pk=pk)
        message.attempts += 1
        message.claimed_until = None
        if result.delivered:
            if message.status == OutboxStatus.PENDING:
                message.status = OutboxStatus.DELIVERED
            message.receipt = result.receipt[:100]
            message.delivered_at = message.delivered_at or now
            message.last_error = ""
            run.delivered.append(pk)
        elif result.retry and message.attempts < settings.BUREAU_MAX_ATTEMPTS:
            message.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(message.attempts))
            message.last_error = result.error
            run.retried.append(pk)
        else:
            message.status = OutboxStatus.PARKED
            message.last_error = result.error
            run.parked.append(pk)
            _flag_parked(message)
        message.save(
            update_fields=[
                "attempts",
                "claimed_until",
                "status",
                "receipt",
                "delivered_at",
                "last_error",
                "next_attempt_at",
            ]
        )
    if pk in run.retried or pk in run.parked:
        logger.warning(
            "bureau delivery failed",
            extra={"message_id": str(message.message_id), "attempts": message.attempts},
        )


def _flag_parked(message: OutboxMessage) -> None:
    from xiufu.audit.actions import record_event
    from xiufu.bureau import events
    from xiufu.cases.choices import SubmissionStatus

    submission = message.submission
    if submission is not None:
        submission.status = SubmissionStatus.PARKED
        submission.bureau_reason = message.last_error[:2000]
        submission.save(update_fields=["status", "bureau_reason"])
    record_event(
        events.MESSAGE_PARKED,
        actor=None,
        target=message,
        payload={
            "message_id": str(message.message_id),
            "case": message.case.number if message.case is not None else "",
            "attempts": message.attempts,
            "error": message.last_error[:300],
        },
    )


def _acknowledge_delivered(pks: list[int]) -> None:
    """A submission whose messages have all reached the bureau now awaits its confirmation."""
    from xiufu.cases.actions import do_acknowledge_submission
    from xiufu.cases.choices import CaseStatus

    cases = set(
        OutboxMessage.objects.filter(
            pk__in=pks, case__status=CaseStatus.CORRECTION_SUBMITTED, submission__isnull=False
        ).values_list("case_id", flat=True)
    )
    for case_id in sorted(cases):
        pending = OutboxMessage.objects.filter(
            case_id=case_id, submission__isnull=False, status=OutboxStatus.PENDING
        )
        if not pending.exists():
            do_acknowledge_submission(case_id, actor=None)


def do_retry_parked(submission_id: int, *, actor: Any) -> int:
    """The reporter sends a parked submission's messages again, with the case's parked dispute
    marks (same ids: the bureau never applies one twice). Returns how many were resent."""
    from xiufu.cases.choices import SubmissionStatus
    from xiufu.cases.models import BureauSubmission

    require(actor, Perm.SUBMIT_TO_BUREAU)
    with transaction.atomic():
        submission = BureauSubmission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None:
            raise NotFound(_("未找到该报送记录。"), what="submission")
        if submission.status != SubmissionStatus.PARKED:
            raise Conflict("submission_not_parked", _("该报送没有发送失败的报文，无需重发。"))
        return _resend(submission.case_id, actor=actor, target=submission)


def do_retry_parked_case(case_id: int, *, actor: Any) -> int:
    """Every parked message of a case sent again: its dispute marks, and its submission's
    messages if they were parked too."""
    from xiufu.cases.models import Case

    require(actor, Perm.SUBMIT_TO_BUREAU)
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("未找到该案件。"), what="case")
        if not OutboxMessage.objects.filter(case=case, status=OutboxStatus.PARKED).exists():
            raise Conflict("nothing_parked", _("本案没有发送失败的报文，无需重发。"))
        return _resend(case.pk, actor=actor, target=case)


def _resend(case_id: int, *, actor: Any, target: Any) -> int:
    from xiufu.audit.actions import record_event
    from xiufu.bureau import events
    from xiufu.cases.choices import SubmissionStatus
    from xiufu.cases.models import BureauSubmission

    parked = OutboxMessage.objects.select_for_update().filter(
        case_id=case_id, status=OutboxStatus.PARKED
    )
    submissions = set(parked.exclude(submission=None).values_list("submission_id", flat=True))
    count = parked.update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )
    BureauSubmission.objects.filter(pk__in=submissions, status=SubmissionStatus.PARKED).update(
        status=SubmissionStatus.SUBMITTED
    )
    record_event(
        events.MESSAGES_RETRIED,
        actor=actor,
        target=target,
        payload={
            "case": case_id,
            "submission": target.pk if isinstance(target, BureauSubmission) else None,
            "messages": count,
        },
    )
    return count


# --- feedback ------------------------------------------------------------------------------------


def poll_feedback(adapter_code: str | None = None) -> list[str]:
    """Read new feedback and settle the submissions it completes; returns their case numbers.
    Without ``adapter_code``: from the configured adapter and every other one that has messages
    awaiting feedback (a reporter may have chosen another channel for one submission)."""
    if adapter_code:
        return _poll_feedback(adapter_code)
    waiting = OutboxMessage.objects.filter(status=OutboxStatus.DELIVERED).order_by()
    codes = {settings.BUREAU_ADAPTER, *waiting.values_list("adapter", flat=True).distinct()}
    return [number for code in sorted(codes) for number in _poll_feedback(code)]


def _poll_feedback(code: str) -> list[str]:
    bureau = adapter(code)
    if not bureau.outbox:
        return []
    cursor, _created = FeedbackCursor.objects.get_or_create(adapter=code)
    events, after = bureau.feedback(cursor.after)
    touched = {pk for event in events if (pk := _apply_feedback(event)) is not None}
    if after != cursor.after:
        FeedbackCursor.objects.filter(pk=cursor.pk).update(after=after)
    return [number for pk in sorted(touched) if (number := _settle(pk, bureau))]


def _apply_feedback(event: FeedbackEvent) -> int | None:
    """Record one feedback event on its message (once); returns the submission to settle."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .defer("payload")
            .filter(message_id=event.message_id)
            .first()
        )
        if message is None or message.status in FINAL:
            return message.submission_id if message else None  # not ours, or a duplicate
        message.status = OutboxStatus.ACCEPTED if event.accepted else OutboxStatus.REJECTED
        message.error_code = event.error_code[:40]
        message.error_message = event.error_message
        message.feedback_at = timezone.now()
        message.delivered_at = message.delivered_at or message.feedback_at
        message.claimed_until = None
        message.save(
            update_fields=[
                "status",
                "error_code",
                "error_message",
                "feedback_at",
                "delivered_at",
                "claimed_until",
            ]
        )
        return message.submission_id


def _settle(submission_id: int, bureau: BureauAdapter) -> str:
    """Confirm or return the case once every message of its submission has its feedback."""
    from xiufu.cases.actions import do_acknowledge_submission, do_record_bureau_feedback
    from xiufu.cases.choices import CaseStatus
    from xiufu.cases.models import BureauSubmission

    submission = BureauSubmission.objects.select_related("case").get(pk=submission_id)
    case = submission.case
    messages = list(OutboxMessage.objects.filter(submission=submission).order_by("id"))
    if case.status not in (CaseStatus.CORRECTION_SUBMITTED, CaseStatus.AWAITING_CONFIRMATION):
        return ""
    rejected = [m for m in messages if m.status == OutboxStatus.REJECTED]
    if not rejected and any(m.status != OutboxStatus.ACCEPTED for m in messages):
        return ""  # still waiting for some feedback
    reason = "；".join(f"{m.business_id}：{m.error_code} {m.error_message}" for m in rejected)
    if not rejected:
        differences = [d for m in messages if (d := read_back_difference(bureau, m))]
        reason = "；".join(differences)
    if case.status == CaseStatus.CORRECTION_SUBMITTED:
        do_acknowledge_submission(case.pk, actor=None)
    do_record_bureau_feedback(case.pk, accepted=not reason, reason=reason, actor=None)
    return str(case.number)


def read_back_difference(bureau: BureauAdapter, message: OutboxMessage) -> str:
    """'' when the bureau's record shows what the message asked for; else what differs."""
    payload = message.payload
    held = bureau.read_record(payload["record_kind"], payload["business_id"])
    if payload["operation"] == "record_delete":
        if held is None or held.get("deleted"):
            return ""
        return f"{message.business_id}：回读核对发现记录仍在报告中展示"
    if held is None:
        return f"{message.business_id}：回读核对时征信系统未返回该记录"
    if payload["operation"] == "identity_change":
        wanted = {c["field"]: c["new"] for c in payload["changes"]}
        shown = held.get("enterprise", {})
        if any(shown.get(name) != value for name, value in wanted.items()):
            return f"{message.business_id}：回读核对发现记录仍未变更至新的主体"
        return ""
    fields = held.get("fields", {})
    wrong = [
        change["field"]
        for change in payload.get("changes", [])
        if fields.get(change["field"]) != change["new"]
    ]
    if wrong:
        return f"{message.business_id}：回读核对发现字段与更正不一致（{'、'.join(wrong)}）"
    return ""
