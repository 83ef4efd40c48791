"""Who did what (AuditEvent) and who read which credit data, when and why (CreditDataAccess)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xiufu.audit.choices import AccessChannel, AccessPurpose


class AuditEvent(models.Model):
    """An immutable record of one write: dotted type, actor, target and payload."""

    type = models.CharField(max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.type}"


class CreditDataAccess(models.Model):
    """One read of an enterprise's credit data or a person's full identifier.

    Fields follow 条例 Art. 22 (name, time, content, purpose), which we apply to ourselves.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_data_accesses"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.CharField(max_length=100, help_text="what was read, e.g. loan_records")
    object_ids = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=40, choices=AccessPurpose.choices)
    purpose_note = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=AccessChannel.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "信用信息查询记录"
        verbose_name_plural = "信用信息查询记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.content}"
