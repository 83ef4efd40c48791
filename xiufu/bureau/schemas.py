"""The bureau API's bodies: an outbox message as staff see it, and a resend's count."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema


class BureauMessageOut(Schema):
    id: int
    message_id: uuid.UUID
    submission_id: int | None
    operation: str
    record_kind: str
    record_type: str
    business_id: str
    status: str
    status_label: str
    attempts: int
    receipt: str
    last_error: str
    error_code: str
    error_message: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None
    feedback_at: dt.datetime | None


class ResentOut(Schema):
    resent: int
