"""The letters API: the letter staff issue on their own, the 非恶意逾期情况说明. The other letters
are issued by the case actions that call for them (see the case API)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from xiufu.cases.selectors import cases_visible_to
from xiufu.core.api import actor
from xiufu.core.errors import NotFound
from xiufu.core.schemas import ErrorBody
from xiufu.letters import actions
from xiufu.letters.models import Letter, LetterKind
from xiufu.letters.schemas import ExplanationIn, LetterOut

router = Router(tags=["letters"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody}


def present(letter: Letter) -> dict[str, Any]:
    """An issued letter as the API shows it."""
    return {
        "id": letter.pk,
        "case_id": letter.case_id,
        "kind": letter.kind,
        "kind_label": str(LetterKind(letter.kind).label),
        "number": letter.number,
        "verification_code": actions.format_code(letter.verification_code),
        "verify_url": actions.verify_url(letter.verification_code),
        "issued_at": letter.issued_at,
        "pdf_url": reverse("letters:file", args=[letter.pk, "pdf"]),
        "docx_url": reverse("letters:file", args=[letter.pk, "docx"]),
        "pdf_sha256": letter.pdf_sha256,
        "docx_sha256": letter.docx_sha256,
    }


@router.post(
    "/cases/{case_id}/letters/non-malicious-explanation",
    response={201: LetterOut, **ERRORS},
    summary="Issue a non-malicious overdue explanation",
)
def issue_non_malicious_explanation(
    request: HttpRequest, case_id: int, payload: ExplanationIn
) -> Status:
    """The case's investigator issues a 非恶意逾期情况说明 while the case is verified or
    answered: which overdues, and their cause. 422 ``letter_fields_missing`` (``details.missing``)
    when the letter lacks a field it needs, ``letter_not_applicable`` for anyone but the case's
    investigator or in another state; 404 for a case the caller may not see."""
    user = actor(request)
    if not cases_visible_to(user).filter(pk=case_id).exists():
        raise NotFound(_("未找到该案件。"), what="case")
    letter = actions.do_issue_non_malicious_explanation(
        case_id,
        overdues=[overdue.row() for overdue in payload.overdues],
        cause=payload.cause.dict(),
        handling=payload.handling,
        actor=user,
    )
    return Status(201, present(letter))
