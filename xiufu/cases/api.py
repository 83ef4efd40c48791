"""The case API: one endpoint per action, each calling exactly one ``do_…`` function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from xiufu.cases import actions, presenters, selectors
from xiufu.cases.checklists import checklist_for
from xiufu.cases.schemas import (
    AddItemIn,
    AnswerIn,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    ChecklistItemOut,
    EventOut,
    FeedbackIn,
    FindingIn,
    MaterialOut,
    ProposalsIn,
    RatingIn,
    ReasonIn,
    RejectIn,
    ReplyIn,
    ReplyPreviewOut,
    ReviewIn,
    SubmitCorrectionIn,
    TaskIn,
    VersionIn,
)
from xiufu.core.api import actor
from xiufu.core.errors import NotFound
from xiufu.core.schemas import ErrorBody
from xiufu.evidence.responses import receipt_response
from xiufu.letters.issuing import preview_pdf

router = Router(tags=["cases"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody}


def _show(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = actor(request)
    case = selectors.get_case(user, case_id)
    presenters.log_case_read(user, case)
    return presenters.detail(case, user)


@router.post("/cases", response={201: CaseOut, **ERRORS})
def create_case(request: HttpRequest, payload: CaseIn) -> Status:
    data = payload.dict()
    case = actions.do_create_case(**data, actor=actor(request))
    return Status(201, _show(request, case.pk))


@router.get("/cases", response=list[CaseSummaryOut])
@paginate(PageNumberPagination)
def list_cases(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    status: str = Query("", max_length=30),
    enterprise_id: int | None = None,
) -> list[dict[str, Any]]:
    """Cases the caller may see, soonest statutory deadline first."""
    cases = selectors.search_cases(
        actor(request), query=q, status=status, enterprise_id=enterprise_id
    )
    return [presenters.summary(c) for c in cases]


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _show(request, case_id)


@router.get("/cases/{case_id}/timeline", response={200: list[EventOut], **ERRORS})
def timeline(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    user = actor(request)
    internal = not getattr(user, "is_enterprise_user", False)
    return [presenters.event(e, internal=internal) for e in selectors.case_timeline(user, case_id)]


@router.get("/cases/{case_id}/checklist", response={200: list[ChecklistItemOut], **ERRORS})
def checklist(request: HttpRequest, case_id: int) -> list[Any]:
    """The exact materials this case needs, for its categories and applicant type."""
    return list(checklist_for(selectors.get_case(actor(request), case_id)).items)


@router.post("/cases/{case_id}/items", response={200: CaseOut, **ERRORS})
def add_item(request: HttpRequest, case_id: int, payload: AddItemIn) -> dict[str, Any]:
    actions.do_add_item(
        case_id, item=payload.item.dict(), expected_version=payload.version, actor=actor(request)
    )
    return _show(request, case_id)


@router.delete("/cases/{case_id}/items/{item_id}", response={200: CaseOut, **ERRORS})
def remove_item(
    request: HttpRequest, case_id: int, item_id: int, version: int = Query(..., ge=1)
) -> dict[str, Any]:
    actions.do_remove_item(case_id, item_id=item_id, expected_version=version, actor=actor(request))
    return _show(request, case_id)


@router.post("/cases/{case_id}/materials", response={201: MaterialOut, **ERRORS})
def upload_material(
    request: HttpRequest,
    case_id: int,
    requirement: Form[str],
    file: File[UploadedFile],
    replaces: Form[int | None] = None,
    version: Form[int | None] = None,
) -> Status:
    """Upload one file for a checklist requirement; the type is read from the content."""
    material = actions.do_upload_material(
        case_id,
        requirement=requirement,
        upload=file,
        replaces=replaces,
        expected_version=version,
        actor=actor(request),
    )
    return Status(201, material)


@router.get(
    "/cases/{case_id}/materials/{material_id}/receipt",
    response={200: dict[str, Any], **ERRORS},
    summary="Evidence receipt of a material",
)
def material_receipt(request: HttpRequest, case_id: int, material_id: int) -> HttpResponse:
    """The material's evidence receipt (xiufu-evidence-receipt/1), to keep and to check offline
    with ``xiufu verify RECEIPT FILE``; 409 ``receipt_pending`` if no checkpoint covers it yet."""
    material, receipt = selectors.material_receipt(actor(request), material_id)
    if material.case_id != case_id:
        raise NotFound(_("未找到该材料。"), what="material")
    return receipt_response(receipt, material.sha256)


def _simple(path: str, do: Callable[..., Any], body: type = VersionIn, doc: str = "") -> None:
    """An action endpoint whose body is the version (and maybe a reason)."""

    def endpoint(request: HttpRequest, case_id: int, payload: Any) -> dict[str, Any]:
        fields = payload.dict()
        version = fields.pop("version")
        do(case_id, expected_version=version, actor=actor(request), **fields)
        return _show(request, case_id)

    endpoint.__annotations__["payload"] = body
    endpoint.__doc__ = doc
    router.post(
        f"/cases/{{case_id}}/{path}",
        response={200: CaseOut, **ERRORS},
        operation_id=f"case_{path.replace('-', '_')}",
        summary=doc.split(".")[0] if doc else path,
    )(endpoint)


_simple("submit", actions.do_submit_case, doc="Submit the application.")
_simple("start-review", actions.do_start_review, doc="Start the formal review.")
_simple("review", actions.do_review_materials, ReviewIn, "Mark each material ok/missing/defective.")
_simple("request-supplement", actions.do_request_supplement, doc="Issue the ONE supplement notice.")
_simple("supplement", actions.do_submit_supplement, doc="Resubmit after supplementing.")
_simple("accept", actions.do_accept_case, doc="Accept: dispute marks placed, clock started.")
_simple("reject", actions.do_reject_case, RejectIn, "Reject at intake on a listed ground.")
_simple("start-investigation", actions.do_start_investigation, doc="Take the investigation.")
_simple("complete-investigation", actions.do_complete_investigation, doc="All items found.")
_simple("non-repair-notice", actions.do_draft_non_repair_notice, doc="Draft the non-repair notice.")
_simple("proposals", actions.do_propose_correction, ProposalsIn, "Propose corrections.")
_simple("approve", actions.do_approve_correction, doc="Approve the proposed corrections.")
_simple("return", actions.do_return_correction, ReasonIn, "Return to the investigator.")
_simple("acknowledge", actions.do_acknowledge_submission, doc="Record the bureau's receipt.")
_simple("bureau-feedback", actions.do_record_bureau_feedback, FeedbackIn, "Record bureau feedback.")
_simple("rework", actions.do_rework_correction, ReasonIn, "Back to investigation after rejection.")
_simple(
    "reply",
    actions.do_issue_reply,
    ReplyIn,
    "Issue the written reply; where the pack asks for a preview, with its preview_digest.",
)


@router.get("/cases/{case_id}/reply-preview", response={200: ReplyPreviewOut, **ERRORS})
def reply_preview(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The reply's letters as they would be issued now (nothing is written). Issue them with
    ``POST /cases/{id}/reply`` and this ``digest``; 409 ``letter_preview_stale`` if the case or
    a template changed since, 422 ``letter_preview_required`` without a digest."""
    user = actor(request)
    preview = actions.preview_reply(case_id, actor=user)
    case = selectors.get_case(user, case_id)
    presenters.log_case_read(user, case)
    return {
        "version": preview.version,
        "required": preview.required,
        "rule_ids": preview.rule_ids,
        "explanations": preview.explanations,
        "digest": preview.digest,
        "letters": [
            {
                "kind": d.kind,
                "label": d.label,
                "pdf_url": f"{request.path}/{d.kind}.pdf",
                "context": d.context,
            }
            for d in preview.drafts
        ],
    }


_simple("close", actions.do_close_case, doc="Close the case.")
_simple("withdraw", actions.do_withdraw_case, ReasonIn, "Withdraw the application.")
_simple("reopen", actions.do_reopen_case, ReasonIn, "Reopen on new evidence.")
_simple("pause", actions.do_pause_clock, ReasonIn, "Pause the statutory clock.")
_simple("resume", actions.do_resume_clock, doc="Resume the statutory clock.")


@router.get(
    "/cases/{case_id}/reply-preview/{kind}.pdf",
    response={200: bytes, **ERRORS},
    summary="One letter of the reply preview as PDF",
)
def reply_preview_pdf(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """The letter marked "预览": not numbered, stored or logged in the evidence log."""
    user = actor(request)
    preview = actions.preview_reply(case_id, actor=user)
    draft = preview.draft(kind)
    if draft is None:
        raise NotFound(_("本次答复不包含该文书。"), what="letter")
    pdf = preview_pdf(draft)
    presenters.log_case_read(user, selectors.get_case(user, case_id))
    return HttpResponse(pdf, content_type="application/pdf")


@router.post("/cases/{case_id}/submit-correction", response={200: CaseOut, **ERRORS})
def submit_correction(
    request: HttpRequest, case_id: int, payload: SubmitCorrectionIn
) -> dict[str, Any]:
    """Send the approved corrections through the configured (or named) bureau adapter."""
    actions.do_submit_correction(
        case_id,
        expected_version=payload.version,
        actor=actor(request),
        adapter_code=payload.adapter,
    )
    return _show(request, case_id)


@router.post("/cases/{case_id}/items/{item_id}/finding", response={200: CaseOut, **ERRORS})
def record_finding(
    request: HttpRequest, case_id: int, item_id: int, payload: FindingIn
) -> dict[str, Any]:
    fields = payload.dict()
    version = fields.pop("version")
    actions.do_record_finding(
        case_id, item_id=item_id, expected_version=version, actor=actor(request), **fields
    )
    return _show(request, case_id)


@router.post("/cases/{case_id}/tasks", response={200: CaseOut, **ERRORS})
def create_task(request: HttpRequest, case_id: int, payload: TaskIn) -> dict[str, Any]:
    fields = payload.dict()
    version = fields.pop("version")
    actions.do_create_coordination_task(
        case_id, expected_version=version, actor=actor(request), **fields
    )
    return _show(request, case_id)


@router.post("/cases/{case_id}/tasks/{task_id}/answer", response={200: CaseOut, **ERRORS})
def answer_task(
    request: HttpRequest, case_id: int, task_id: int, payload: AnswerIn
) -> dict[str, Any]:
    actions.do_answer_coordination_task(
        case_id,
        task_id=task_id,
        answer=payload.answer,
        expected_version=payload.version,
        actor=actor(request),
    )
    return _show(request, case_id)


@router.post("/cases/{case_id}/rating", response={201: dict, **ERRORS})
def rate(request: HttpRequest, case_id: int, payload: RatingIn) -> Status:
    rating = actions.do_rate_case(
        case_id, score=payload.score, comment=payload.comment, actor=actor(request)
    )
    return Status(201, {"score": rating.score, "comment": rating.comment})
