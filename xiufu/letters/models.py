"""Letter templates (versioned .docx files), issued letters (immutable, numbered per kind and
year, fixed in the evidence log) and the enterprise's notifications of them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from xiufu.letters.fields import KIND_LABELS

USER = settings.AUTH_USER_MODEL


class LetterKind(models.TextChoices):
    ACCEPTANCE_RECEIPT = "acceptance_receipt", KIND_LABELS["acceptance_receipt"]
    SUPPLEMENT_NOTICE = "supplement_notice", KIND_LABELS["supplement_notice"]
    REJECTION_NOTICE = "rejection_notice", KIND_LABELS["rejection_notice"]
    NON_REPAIR_NOTICE = "non_repair_notice", KIND_LABELS["non_repair_notice"]
    REPLY_LETTER = "reply_letter", KIND_LABELS["reply_letter"]
    NON_MALICIOUS_EXPLANATION = (
        "non_malicious_explanation",
        KIND_LABELS["non_malicious_explanation"],
    )
    CORRECTION_REPORT = "correction_report", KIND_LABELS["correction_report"]


class TemplateSource(models.TextChoices):
    SHIPPED = "shipped", "随系统提供"
    UPLOADED = "uploaded", "合规管理员上传"


class LetterTemplate(models.Model):
    """One version of the Word template of a letter kind; exactly one version per kind is
    active, and letters name the version they were rendered from."""

    kind = models.CharField("文书种类", max_length=40, choices=LetterKind.choices)
    version = models.PositiveIntegerField("版本")
    file = models.FileField("模板文件")
    sha256 = models.CharField("模板摘要（SHA-256）", max_length=64)
    fields = models.JSONField("使用的字段", default=list)
    source = models.CharField("来源", max_length=10, choices=TemplateSource.choices)
    note = models.CharField("版本说明", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    active = models.BooleanField("启用", default=False)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_template_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(active=True), name="one_active_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class LetterSequence(models.Model):
    """The last number issued per kind and year (locked while a letter is numbered)."""

    kind = models.CharField(max_length=40, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_sequence_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Letter(models.Model):
    """An issued letter: never changed once issued. Both renderings are stored content-addressed
    and fixed in the evidence log; the verification code resolves it on the public page."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("文书种类", max_length=40, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("文书编号", max_length=60, unique=True)
    verification_code = models.CharField("验证码", max_length=20, unique=True)
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="+")
    docx = models.FileField("Word 文件")
    docx_sha256 = models.CharField(max_length=64)
    docx_size = models.PositiveBigIntegerField()
    pdf = models.FileField("PDF 文件")
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    pdf_size = models.PositiveBigIntegerField()
    docx_entry = models.OneToOneField(
        "evidence.LogEntry", on_delete=models.PROTECT, related_name="letter_docx"
    )
    pdf_entry = models.OneToOneField(
        "evidence.LogEntry", on_delete=models.PROTECT, related_name="letter_pdf"
    )
    context = models.JSONField("填充数据", default=dict)
    rule_pack_version = models.CharField("规则包版本", max_length=20)
    rule_ids = models.JSONField("依据规则", default=list)
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", auto_now_add=True)

    class Meta:
        ordering = ["case_id", "issued_at", "id"]
        verbose_name = "文书"
        verbose_name_plural = "文书"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="one_letter_per_number"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """An issued letter is never changed: a correction is a new letter."""
        if not self._state.adding:
            raise ValueError(f"letter {self.number} is issued and cannot be changed")
        super().save(*args, **kwargs)


class Notification(models.Model):
    """A message to the enterprise in the portal (a letter was issued to it)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField("通知内容", max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"

    def __str__(self) -> str:
        return self.message
