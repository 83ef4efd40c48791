"""Rule pack versions as loaded into this installation.

The YAML text is stored as loaded, with the SHA-256 of its canonical content, so a case can keep
the exact version it started with however many versions are loaded after it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RulePackVersion(models.Model):
    """One version of one regime's rule pack. At most one version per regime is active: new
    cases start on it; running cases keep theirs."""

    regime = models.CharField("制度", max_length=60)
    version = models.CharField("版本", max_length=30)
    title = models.CharField("名称", max_length=200)
    content = models.TextField("规则包内容（YAML）")
    sha256 = models.CharField("内容摘要（SHA-256）", max_length=64)
    effective_from = models.DateField("生效日期")
    loaded_at = models.DateTimeField("载入时间", default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="载入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空表示由系统载入随软件发布的规则包",
    )
    is_active = models.BooleanField("当前启用", default=False)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regime", "version"], name="rules_unique_version"),
            # Enforced in do_activate_rule_pack too; the constraint catches races and bugs.
            models.UniqueConstraint(
                fields=["regime"], condition=Q(is_active=True), name="rules_one_active_per_regime"
            ),
        ]
        ordering = ["regime", "-loaded_at", "-id"]
        verbose_name = "规则包版本"
        verbose_name_plural = "规则包版本"

    def __str__(self) -> str:
        return f"{self.regime} {self.version}"
