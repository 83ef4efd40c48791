"""Reads of letters: the case's letters for those who may see the case, a letter's files and
receipts, the enterprise's notifications, and a verification code on the public page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.selectors import cases_visible_to
from xiufu.cases.uploads import DOCX, PDF
from xiufu.core.errors import Conflict, NotFound
from xiufu.evidence import ledger
from xiufu.evidence.codes import CodeResolution
from xiufu.evidence.receipt import Receipt
from xiufu.letters.models import Letter, LetterKind, Notification

FORMATS = ("pdf", "docx")


def letters_of_case(actor: Any, case_id: int) -> QuerySet[Letter]:
    return Letter.objects.filter(case_id=case_id, case__in=cases_visible_to(actor)).select_related(
        "template"
    )


def letter_for(actor: Any, letter_id: int) -> Letter:
    letter = (
        Letter.objects.filter(pk=letter_id, case__in=cases_visible_to(actor))
        .select_related("case", "docx_entry", "pdf_entry")
        .first()
    )
    if letter is None:
        raise NotFound(_("未找到该文书。"), what="letter")
    return letter


def letter_file(actor: Any, letter_id: int, fmt: str) -> tuple[Letter, Any, str, str]:
    """The letter, an open file of it, its media type and a download name. Opening a letter
    marks the enterprise's notification of it read."""
    if fmt not in FORMATS:
        raise NotFound(_("未找到该文书。"), what="letter")
    letter = letter_for(actor, letter_id)
    if getattr(actor, "is_enterprise_user", False):
        Notification.objects.filter(letter=letter, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    field = letter.pdf if fmt == "pdf" else letter.docx
    media = PDF if fmt == "pdf" else DOCX
    return letter, field.open("rb"), media, f"{letter.number}.{fmt}"


def letter_receipt(actor: Any, letter_id: int, fmt: str) -> tuple[Letter, Receipt, str]:
    """The evidence receipt of one of a letter's files (with the sha256 it covers)."""
    if fmt not in FORMATS:
        raise NotFound(_("未找到该文书。"), what="letter")
    letter = letter_for(actor, letter_id)
    entry = letter.pdf_entry if fmt == "pdf" else letter.docx_entry
    size = letter.pdf_size if fmt == "pdf" else letter.docx_size
    media = PDF if fmt == "pdf" else DOCX
    receipt = ledger.build_receipt(entry, media_type=media, size=size, label=letter.number)
    if receipt is None:
        raise Conflict(
            CaseErrorCode.RECEIPT_PENDING,
            _("该文书的存证回执尚未生成，请稍后再试。"),
            details={"letter": letter_id},
        )
    return letter, receipt, entry.sha256


def unread_notifications(actor: Any) -> QuerySet[Notification]:
    if not getattr(actor, "is_enterprise_user", False) or not actor.enterprise_id:
        return Notification.objects.none()
    return Notification.objects.filter(
        enterprise_id=actor.enterprise_id, read_at__isnull=True
    ).select_related("case", "letter")


def resolve_verification_code(code: str) -> CodeResolution | None:
    """The public page's lookup (registered with xiufu.evidence.codes): what the letter's own
    heading shows, and the hash of its PDF."""
    letter = Letter.objects.filter(verification_code=code).first()
    if letter is None:
        return None
    return CodeResolution(
        kind_label=str(LetterKind(letter.kind).label),
        document_number=letter.number,
        issued_on=timezone.localdate(letter.issued_at),
        sha256=letter.pdf_sha256,
        size=letter.pdf_size,
        proves=_(
            "本平台确曾出具该编号的文书；如您持有其 PDF 文件，文件的 SHA-256 与上述摘要一致即说明"
            "文件未被改动。"
        ),
    )
