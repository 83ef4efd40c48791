"""The transactional outbox: every message for the bureau is a row written in the same transaction
as the case action that calls for it; a worker delivers it later, with its idempotency key, and
tracks the bureau's feedback (xiufu/bureau/outbox.py)."""

from __future__ import annotations

import uuid

from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达，待反馈"
    ACCEPTED = "accepted", "征信系统已接受"
    REJECTED = "rejected", "征信系统已拒绝"
    PARKED = "parked", "多次发送失败，待人工处理"


class OutboxMessage(models.Model):
    """One xiufu-bureau-message/1 for the bureau (docs/bureau-protocol.md)."""

    message_id = models.UUIDField("报文标识（幂等键）", default=uuid.uuid4, unique=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="outbox"
    )
    submission = models.ForeignKey(
        "cases.BureauSubmission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox",
    )
    adapter = models.CharField("报送通道", max_length=40)
    operation = models.CharField("操作", max_length=30)
    record_kind = models.CharField("记录种类", max_length=30)
    record_type = models.CharField("记录类型", max_length=10)
    business_id = models.CharField("业务标识码", max_length=60)
    payload = models.JSONField("报文")
    status = models.CharField(
        "状态", max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", db_index=True)
    claimed_until = models.DateTimeField("发送占用至", null=True, blank=True)
    last_error = models.TextField("最近一次错误", blank=True)
    receipt = models.CharField("征信系统回执号", max_length=100, blank=True)
    error_code = models.CharField("征信系统错误码", max_length=40, blank=True)
    error_message = models.TextField("征信系统错误说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        verbose_name = "报送报文"
        verbose_name_plural = "报送报文"

    def __str__(self) -> str:
        return f"{self.record_type} {self.business_id} ({self.status})"


class FeedbackCursor(models.Model):
    """How far the bureau's feedback has been read, per adapter."""

    adapter = models.CharField(max_length=40, unique=True)
    after = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.adapter} after {self.after}"
