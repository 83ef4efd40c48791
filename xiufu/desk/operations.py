"""What each button and form of the case page does: the form that parses it and the one action it
calls — the same ``do_…`` function the API calls.

The key is the last part of the URL (``/desk/cases/<id>/<key>/``) and, except for
``bureau_feedback`` (which records either of the bureau's two answers), the workflow event. An
operation that is no workflow event (issuing a 非恶意逾期情况说明, resending a parked submission)
says itself to whom it is offered (``available``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiufu.accounts.permissions import Perm, has_perm
from xiufu.audit.choices import AccessChannel
from xiufu.bureau import outbox
from xiufu.bureau.models import OutboxMessage, OutboxStatus
from xiufu.cases import actions
from xiufu.cases.choices import SubmissionStatus
from xiufu.cases.models import BureauSubmission
from xiufu.core.errors import NotFound
from xiufu.desk import forms as f
from xiufu.letters import actions as letters


@dataclass(frozen=True)
class Operation:
    form: type[f.VersionForm]
    do: Callable[..., Any]
    success: str | Promise
    # Where the page opens after it succeeded (an anchor of the case page).
    anchor: str = ""
    # Fixed arguments that do not come from the person (e.g. the channel of the read).
    extra: dict[str, Any] = field(default_factory=dict)
    # The workflow events this operation may trigger (the key itself when empty).
    events: tuple[str, ...] = ()
    # For an operation that is no workflow event: whether (actor, case) may use it now.
    available: Callable[[Any, Any], bool] | None = None

    def run(self, case_id: int, form: f.VersionForm, actor: Any) -> Any:
        return self.do(case_id, actor=actor, **form.action_kwargs(), **self.extra)


def _op(
    form: type[f.VersionForm],
    do: Callable[..., Any],
    success: Promise,
    anchor: str = "",
    **kwargs: Any,
) -> Operation:
    return Operation(form, do, success, f"#{anchor}" if anchor else "", **kwargs)


def _may_explain(actor: Any, case: Any) -> bool:
    """The case's investigator, while the case is verified or answered (the action's own test)."""
    return (
        case.investigator_id is not None
        and case.investigator_id == getattr(actor, "pk", None)
        and case.status in letters.EXPLANATION_STATES
        and has_perm(actor, Perm.VIEW_LEDGER)
    )


def _may_resend(actor: Any, case: Any) -> bool:
    """A reporter, while a submission of the case is parked (the action's own test)."""
    return has_perm(actor, Perm.SUBMIT_TO_BUREAU) and any(
        s.status == SubmissionStatus.PARKED for s in case.submissions.all()
    )


def _may_resend_marks(actor: Any, case: Any) -> bool:
    """A reporter, while dispute-mark messages of the case are parked."""
    return (
        has_perm(actor, Perm.SUBMIT_TO_BUREAU)
        and OutboxMessage.objects.filter(
            case=case, submission=None, status=OutboxStatus.PARKED
        ).exists()
    )


def _resend(case_id: int, *, submission_id: int, actor: Any) -> int:
    """``do_retry_parked`` for a submission of this case (the form names it; another case's
    submission is not found here)."""
    if not BureauSubmission.objects.filter(pk=submission_id, case_id=case_id).exists():
        raise NotFound(gettext("未找到该报送记录。"), what="submission")
    return outbox.do_retry_parked(submission_id, actor=actor)


OPERATIONS: dict[str, Operation] = {
    # intake
    "submit": _op(f.VersionForm, actions.do_submit_case, _("申请已提交。")),
    "upload_material": _op(
        f.UploadForm, actions.do_upload_material, _("材料已上传。"), "materials"
    ),
    "start_review": _op(f.VersionForm, actions.do_start_review, _("已开始形式审核。"), "review"),
    "review_materials": _op(
        f.ReviewForm, actions.do_review_materials, _("审核结论已保存。"), "review"
    ),
    "request_supplement": _op(
        f.VersionForm, actions.do_request_supplement, _("已一次性告知补正。"), "review"
    ),
    "supplement": _op(
        f.VersionForm, actions.do_submit_supplement, _("补正材料已提交，重新形式审核。"), "review"
    ),
    "accept": _op(f.VersionForm, actions.do_accept_case, _("已受理：异议已标注，时限起算。")),
    "reject_at_intake": _op(f.RejectForm, actions.do_reject_case, _("已决定不予受理。")),
    # investigation
    "start_investigation": _op(
        f.VersionForm, actions.do_start_investigation, _("已开始核查。"), "items"
    ),
    "record_finding": _op(
        f.FindingForm,
        actions.do_record_finding,
        _("核查结论已记录。"),
        "items",
        extra={"channel": AccessChannel.PAGE},
    ),
    "create_coordination_task": _op(
        f.TaskForm, actions.do_create_coordination_task, _("协查已发起。"), "tasks"
    ),
    "answer_coordination_task": _op(
        f.AnswerForm, actions.do_answer_coordination_task, _("协查已答复。"), "tasks"
    ),
    "complete_investigation": _op(
        f.VersionForm, actions.do_complete_investigation, _("核查已完成。"), "items"
    ),
    "draft_non_repair_notice": _op(
        f.VersionForm, actions.do_draft_non_repair_notice, _("不予修复说明已拟定。"), "items"
    ),
    # correction
    "propose_correction": _op(
        f.ProposalForm, actions.do_propose_correction, _("更正方案已提交审批。"), "correction"
    ),
    "approve_correction": _op(
        f.VersionForm, actions.do_approve_correction, _("更正方案已审批通过。"), "correction"
    ),
    "return_correction": _op(
        f.ReasonForm, actions.do_return_correction, _("已退回核查员。"), "correction"
    ),
    "submit_correction": _op(
        f.SubmitCorrectionForm, actions.do_submit_correction, _("更正已报送。"), "submission"
    ),
    "acknowledge_submission": _op(
        f.VersionForm,
        actions.do_acknowledge_submission,
        _("已记录征信系统接收。"),
        "submission",
    ),
    "bureau_feedback": _op(
        f.FeedbackForm,
        actions.do_record_bureau_feedback,
        _("征信系统反馈已记录。"),
        "submission",
        events=("confirm_correction", "reject_by_bureau"),
    ),
    "retry_bureau_messages": _op(
        f.RetryForm,
        _resend,
        _("报文已重新加入发送队列。"),
        "submission",
        available=_may_resend,
    ),
    "retry_parked_marks": _op(
        f.CaseRetryForm,
        outbox.do_retry_parked_case,
        _("异议标注报文已重新加入发送队列。"),
        "submission",
        available=_may_resend_marks,
    ),
    "rework_correction": _op(
        f.ReasonForm, actions.do_rework_correction, _("已退回重新核查。"), "submission"
    ),
    # reply, closing, clock
    "issue_reply": _op(f.ReplyForm, actions.do_issue_reply, _("书面答复已出具。"), "letters"),
    "issue_non_malicious_explanation": _op(
        f.ExplanationForm,
        letters.do_issue_non_malicious_explanation,
        _("非恶意逾期情况说明已出具。"),
        "letters",
        available=_may_explain,
    ),
    "close": _op(f.VersionForm, actions.do_close_case, _("案件已办结。")),
    "withdraw": _op(f.ReasonForm, actions.do_withdraw_case, _("申请已撤回。")),
    "reopen": _op(f.ReasonForm, actions.do_reopen_case, _("案件已因新证据重新启动。")),
    "pause_clock": _op(f.ReasonForm, actions.do_pause_clock, _("法定时限已暂停。")),
    "resume_clock": _op(f.VersionForm, actions.do_resume_clock, _("法定时限已恢复。")),
}


def events_of(key: str) -> tuple[str, ...]:
    return OPERATIONS[key].events or (key,)


def offered(key: str, actor: Any, case: Any, events: Iterable[str]) -> bool:
    """Whether the case page offers this operation to this person now: one of its workflow
    events is allowed (``events``, from ``events_for_actor``), or it says it is available."""
    op = OPERATIONS[key]
    if op.available is not None:
        return op.available(actor, case)
    return bool(set(events_of(key)) & set(events))
