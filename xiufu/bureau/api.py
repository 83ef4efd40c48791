"""The bureau API: the messages a case sent to the credit bureau through the outbox (internal:
staff only), and the reporter's resend of a parked submission."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from xiufu.bureau import outbox
from xiufu.bureau.models import OutboxMessage, OutboxStatus
from xiufu.bureau.schemas import BureauMessageOut, ResentOut
from xiufu.cases.selectors import cases_visible_to
from xiufu.core.api import actor
from xiufu.core.errors import NotFound
from xiufu.core.schemas import ErrorBody

router = Router(tags=["bureau"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody}
FIELDS = (
    "id",
    "message_id",
    "submission_id",
    "operation",
    "record_kind",
    "record_type",
    "business_id",
    "status",
    "attempts",
    "receipt",
    "last_error",
    "error_code",
    "error_message",
    "created_at",
    "next_attempt_at",
    "delivered_at",
    "feedback_at",
)


def present(message: OutboxMessage) -> dict[str, Any]:
    """An outbox message as the API shows it (not its payload)."""
    shown = {name: getattr(message, name) for name in FIELDS}
    return shown | {"status_label": str(OutboxStatus(message.status).label)}


@router.get(
    "/cases/{case_id}/bureau-messages",
    response={200: list[BureauMessageOut], **ERRORS},
    summary="List a case's bureau messages",
)
def bureau_messages(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """The messages of a case for the bureau, oldest first: what each is, where it stands, the
    attempts, the bureau's receipt and the last error. Internal: 404 for enterprise users, as
    for a case the caller may not see."""
    user = actor(request)
    visible = cases_visible_to(user).filter(pk=case_id)
    if getattr(user, "is_enterprise_user", False) or not visible.exists():
        raise NotFound(_("未找到该案件。"), what="case")
    return [present(m) for m in OutboxMessage.objects.filter(case_id=case_id).order_by("id")]


@router.post(
    "/bureau/submissions/{submission_id}/retry",
    response={200: ResentOut, **ERRORS},
    summary="Resend a parked submission",
)
def retry_submission(request: HttpRequest, submission_id: int) -> dict[str, int]:
    """The reporter sends a parked submission's messages again, under their original ids (the
    bureau never applies one twice). 409 ``submission_not_parked`` when nothing is parked, 403
    ``role_required`` for anyone but a reporter, 404 for an unknown submission."""
    return {"resent": outbox.do_retry_parked(submission_id, actor=actor(request))}


@router.post(
    "/cases/{case_id}/bureau-messages/retry",
    response={200: ResentOut, **ERRORS},
    summary="Resend every parked message of a case",
)
def retry_case(request: HttpRequest, case_id: int) -> dict[str, int]:
    """The reporter sends every parked message of the case again (its dispute marks, and its
    submission's messages if parked), under their original ids. 409 ``nothing_parked``."""
    return {"resent": outbox.do_retry_parked_case(case_id, actor=actor(request))}
