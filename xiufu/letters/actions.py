"""Writes on letters: issuing one (inside the case action that calls for it), and the
compliance admin's template versions (upload, activate).

Issuing runs inside the caller's transaction: the number, both files, the two log entries, the
letter row and the enterprise's notification exist together or not at all. Data missing for a
field the template uses stops the action with the list of those fields: nothing is half-issued.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiufu.accounts.permissions import Perm, require
from xiufu.audit.actions import record_event
from xiufu.cases.choices import CaseStatus
from xiufu.cases.uploads import DOCX, PDF
from xiufu.core.errors import InvalidInput, NotFound
from xiufu.evidence import ledger
from xiufu.letters import events, render
from xiufu.letters.errors import LetterErrorCode
from xiufu.letters.fields import SCHEMAS, check_context, field_labels
from xiufu.letters.models import (
    Letter,
    LetterKind,
    LetterSequence,
    LetterTemplate,
    Notification,
    TemplateSource,
)

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
#: Largest template a compliance admin may upload.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
#: One character per kind in the document number: 示范银征异受〔2026〕12号.
KIND_MARKS = {
    LetterKind.ACCEPTANCE_RECEIPT: "受",
    LetterKind.SUPPLEMENT_NOTICE: "补",
    LetterKind.REJECTION_NOTICE: "拒",
    LetterKind.NON_REPAIR_NOTICE: "释",
    LetterKind.REPLY_LETTER: "复",
    LetterKind.NON_MALICIOUS_EXPLANATION: "非",
    LetterKind.CORRECTION_REPORT: "更",
}
#: Crockford's base 32 without I, L, O, U: nothing to misread on paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


#: The code printed on previews and samples, which never resolves.
PREVIEW_CODE = "PREVIEW00000"


def format_code(code: str) -> str:
    """XXXX-XXXX-XXXX, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(code: str | None = None) -> str:
    base = settings.PUBLIC_BASE_URL.rstrip("/") + "/verify/"
    return f"{base}?code={format_code(code)}" if code else base


# --- templates ----------------------------------------------------------------------------------


def _store(directory: str, data: bytes, suffix: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    name = f"{directory}/{digest[:2]}/{digest}{suffix}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


def active_template(kind: str) -> LetterTemplate:
    """The active template of a kind; the shipped version is installed the first time."""
    found = LetterTemplate.objects.filter(kind=kind, active=True).first()
    if found is not None:
        return found
    install_shipped_templates()
    found = LetterTemplate.objects.filter(kind=kind, active=True).first()
    if found is None:
        raise NotFound(_("该种类文书没有可用的模板。"), what="letter_template")
    return found


def install_shipped_templates() -> list[LetterTemplate]:
    """System action: install version 1 of every kind that has no template yet, active."""
    installed = []
    for kind in LetterKind.values:
        if LetterTemplate.objects.filter(kind=kind).exists():
            continue
        data = (SHIPPED_DIR / f"{kind}.docx").read_bytes()
        try:
            with transaction.atomic():
                installed.append(
                    LetterTemplate.objects.create(
                        kind=kind,
                        version=1,
                        file=_store("letters/templates", data, ".docx"),
                        sha256=hashlib.sha256(data).hexdigest(),
                        fields=sorted(render.template_fields(data)),
                        source=TemplateSource.SHIPPED,
                        active=True,
                    )
                )
        except IntegrityError:
            pass  # another process installed it first
    return installed


def _checked_template(kind: str, data: bytes) -> list[str]:
    """The fields the template uses; refuses a file that is not a plain .docx template or that
    uses fields the letter kind does not provide."""
    if kind not in SCHEMAS:
        raise InvalidInput(
            LetterErrorCode.UNKNOWN_KIND,
            _("没有这种文书。"),
            details={"field": "kind", "choices": sorted(SCHEMAS)},
        )
    if len(data) > MAX_TEMPLATE_BYTES:
        raise InvalidInput(
            LetterErrorCode.TEMPLATE_TOO_LARGE,
            _("模板文件过大：不能超过 %(megabytes)s MB。")
            % {"megabytes": MAX_TEMPLATE_BYTES // (1024 * 1024)},
        )
    try:
        render.check_template(data)
    except render.TemplateRefused as exc:
        messages = {
            "oversize": _("模板文件过大。"),
            "not_docx": _("不是 Word 文档（.docx）：请另存为 .docx 格式后上传。"),
            "macro_enabled": _("模板含有宏（.docm 或 vbaProject），出于安全原因不予接受。"),
            "jinja_syntax": _("模板中的字段标记有语法错误：%(problem)s") % {"problem": exc.message},
            "jinja_unsupported": _("模板使用了不支持的标记：%(problem)s")
            % {"problem": exc.message},
            "unsafe": _("模板含有不安全的内容，不予接受。"),
        }
        raise InvalidInput(
            LetterErrorCode.TEMPLATE_REFUSED,
            messages.get(exc.code, _("模板文件无法使用。")),
            details={"reason": exc.code, **exc.details},
        ) from None
    unknown = render.unknown_fields(data, SCHEMAS[kind])
    if unknown:
        raise InvalidInput(
            LetterErrorCode.TEMPLATE_UNKNOWN_FIELDS,
            _("模板使用了本类文书不提供的字段：%(fields)s。请改用字段说明中列出的字段。")
            % {"fields": "、".join(unknown)},
            details={"unknown": unknown},
        )
    return sorted(render.template_fields(data))


def do_upload_letter_template(
    *, kind: str, data: bytes, note: str = "", actor: Any
) -> LetterTemplate:
    """A compliance admin uploads a new version of a kind's template (not yet active: preview
    it with a real case first, then activate)."""
    require(actor, Perm.MANAGE_LETTER_TEMPLATES)
    fields = _checked_template(kind, data)
    with transaction.atomic():
        latest = (
            LetterTemplate.objects.select_for_update()
            .filter(kind=kind)
            .order_by("-version")
            .first()
        )
        if latest is None:
            install_shipped_templates()
            latest = LetterTemplate.objects.filter(kind=kind).order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        sha256 = hashlib.sha256(data).hexdigest()
        template = LetterTemplate.objects.create(
            kind=kind,
            version=version,
            file=_store("letters/templates", data, ".docx"),
            sha256=sha256,
            fields=fields,
            source=TemplateSource.UPLOADED,
            note=note[:500],
            uploaded_by=actor,
        )
        record_event(
            events.TEMPLATE_UPLOADED,
            actor=actor,
            target=template,
            payload={"kind": kind, "version": version, "sha256": sha256, "fields": fields},
        )
    return template


def do_activate_letter_template(template_id: int, *, actor: Any) -> LetterTemplate:
    """From now on letters of this kind are rendered from this version; issued letters keep
    the version they were rendered from."""
    require(actor, Perm.MANAGE_LETTER_TEMPLATES)
    with transaction.atomic():
        template = LetterTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise NotFound(_("未找到该模板版本。"), what="letter_template")
        previous = LetterTemplate.objects.filter(kind=template.kind, active=True).first()
        if previous is not None and previous.pk != template.pk:
            previous.active = False
            previous.save(update_fields=["active"])
        template.active = True
        template.save(update_fields=["active"])
        record_event(
            events.TEMPLATE_ACTIVATED,
            actor=actor,
            target=template,
            payload={
                "kind": template.kind,
                "version": template.version,
                "previous_version": previous.version if previous else None,
            },
        )
    return template


# --- issuing ------------------------------------------------------------------------------------


def _template_bytes(template: LetterTemplate) -> bytes:
    with template.file.open("rb") as handle:
        return handle.read()


def _next_number(kind: str, year: int) -> tuple[int, str]:
    sequence, _created = LetterSequence.objects.select_for_update().get_or_create(
        kind=kind, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    number = (
        f"{settings.LETTER_NUMBER_PREFIX}{KIND_MARKS[LetterKind(kind)]}〔{year}〕{sequence.last}号"
    )
    return sequence.last, number


def _refuse_missing(template: LetterTemplate, missing: list[str]) -> NoReturn:
    labels = field_labels(SCHEMAS[template.kind])
    named = [f"{labels.get(path, path)}（{path}）" for path in missing]
    raise InvalidInput(
        LetterErrorCode.FIELDS_MISSING,
        _("%(kind)s缺少必要信息，未出具：%(fields)s。")
        % {"kind": LetterKind(template.kind).label, "fields": "、".join(named)},
        details={"missing": missing, "kind": template.kind},
    )


def render_letter(
    template: LetterTemplate, context: dict[str, Any], *, code: str
) -> tuple[bytes, bytes]:
    """The DOCX and the PDF of a letter; raises InvalidInput listing every field the template
    uses that the data lacks or leaves empty."""
    used = set(template.fields)
    problems = check_context(SCHEMAS[template.kind], context)
    missing = sorted({p.split(":", 1)[0] for p in problems if p.split(":", 1)[0] in used})
    if missing:
        _refuse_missing(template, missing)
    data = _template_bytes(template)
    try:
        docx = render.render_docx(data, context, images={"qr": render.qr_png(verify_url(code))})
    except render.MissingFields as exc:
        _refuse_missing(template, sorted(exc.fields))
    pdf = render.docx_to_pdf(
        docx,
        title=str(context.get("letter", {}).get("kind_label", "")),
        metadata={"creation_date": timezone.now().isoformat(timespec="seconds")},
    )
    return docx, pdf


def letter_part(kind: str, *, number: str, day: Any, code: str) -> dict[str, str]:
    """The ``letter`` fields: number, date in Chinese, printed code, verification address."""
    return {
        "number": number,
        "date": render.chinese_date(day),
        "verification_code": format_code(code),
        "verify_url": verify_url(),
        "kind_label": str(LetterKind(kind).label),
    }


def issue_letter(
    case: Any, kind: str, context: dict[str, Any], *, actor: Any, rule_ids: list[str]
) -> Letter:
    """Issue a letter for a case. Must run inside the case action's transaction. ``context`` is
    the kind's data without the ``letter`` part, which is filled here (number, date, code)."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("issuing a letter needs a transaction")
    template = active_template(kind)
    today = timezone.localdate()
    sequence, number = _next_number(kind, today.year)
    code = _new_code()
    while Letter.objects.filter(verification_code=code).exists():  # pragma: no cover
        code = _new_code()
    full = {**context, "letter": letter_part(kind, number=number, day=today, code=code)}
    docx, pdf = render_letter(template, full, code=code)
    received = timezone.now()
    entries = ledger.append_many(
        [
            ledger.Record(
                kind=ledger.LETTER,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                media_type=media_type,
                case_number=case.number,
                received_at=received,
            )
            for data, media_type in ((docx, DOCX), (pdf, PDF))
        ]
    )
    letter = Letter.objects.create(
        case=case,
        kind=kind,
        year=today.year,
        sequence=sequence,
        number=number,
        verification_code=code,
        template=template,
        docx=_store("letters/issued", docx, ".docx"),
        docx_sha256=entries[0].sha256,
        docx_size=len(docx),
        pdf=_store("letters/issued", pdf, ".pdf"),
        pdf_sha256=entries[1].sha256,
        pdf_size=len(pdf),
        docx_entry=entries[0],
        pdf_entry=entries[1],
        context={k: v for k, v in full.items() if k != "qr"},
        rule_pack_version=getattr(case.rule_pack, "version", ""),
        rule_ids=sorted(set(rule_ids)),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    Notification.objects.create(
        enterprise_id=case.enterprise_id,
        case=case,
        letter=letter,
        message=_("您的异议申请 %(case)s 有新文书：%(kind)s（%(number)s）。")
        % {"case": case.number, "kind": LetterKind(kind).label, "number": number},
    )
    record_event(
        events.LETTER_ISSUED,
        actor=actor,
        target=letter,
        payload={
            "case": case.number,
            "kind": kind,
            "number": number,
            "template_version": template.version,
            "pdf_sha256": letter.pdf_sha256,
            "docx_sha256": letter.docx_sha256,
        },
    )
    return letter


# --- the non-malicious overdue explanation -----------------------------------------------------

#: While the case is being verified or answered: the bank states the overdue was not the
#: borrower's doing (a system outage, a deferral policy), for the file and the enterprise.
EXPLANATION_STATES = frozenset(
    {
        CaseStatus.UNDER_INVESTIGATION,
        CaseStatus.FINDINGS_RECORDED,
        CaseStatus.CORRECTION_PROPOSED,
        CaseStatus.CORRECTION_APPROVED,
        CaseStatus.CORRECTION_SUBMITTED,
        CaseStatus.AWAITING_CONFIRMATION,
        CaseStatus.BUREAU_CONFIRMED,
    }
)


def do_issue_non_malicious_explanation(
    case_id: int,
    *,
    overdues: list[dict[str, str]],
    cause: dict[str, str],
    handling: str = "",
    actor: Any,
) -> Letter:
    """The case's investigator issues a 非恶意逾期情况说明: which overdues, and their cause."""
    from xiufu.cases.models import Case
    from xiufu.letters.issuing import issue_for_case

    require(actor, Perm.VIEW_LEDGER)
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("未找到该案件。"), what="case")
        if case.investigator_id != getattr(actor, "pk", None):
            raise InvalidInput(
                LetterErrorCode.NOT_APPLICABLE,
                _("只有本案的核查员可以出具非恶意逾期情况说明。"),
            )
        if case.status not in EXPLANATION_STATES:
            raise InvalidInput(
                LetterErrorCode.NOT_APPLICABLE,
                _("案件在核查或答复阶段才能出具非恶意逾期情况说明。"),
                details={"status": case.status},
            )
        if not overdues:
            raise InvalidInput(
                LetterErrorCode.FIELDS_MISSING,
                _("请至少列出一笔逾期记录。"),
                details={"missing": ["overdues"]},
            )
        keys = ("kind", "description", "reference_title", "reference_number", "reference_excerpt")
        full_cause = {key: str(cause.get(key, "") or "") for key in keys}
        rows = [
            {
                key: str(row.get(key, "") or "")
                for key in ("subject", "due_on", "paid_on", "amount", "shown_as")
            }
            for row in overdues
        ]
        return issue_for_case(
            case,
            "non_malicious_explanation",
            actor=actor,
            overdues=rows,
            cause=full_cause,
            handling=handling,
        )
