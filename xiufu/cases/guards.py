"""The guards named in the workflow table. Each raises a DomainError with a stable code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from xiufu.cases import workflow
from xiufu.cases.choices import Finding, ProposalDecision, ReviewVerdict
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.models import Case, Material, ReviewMark, SupplementNotice
from xiufu.core.errors import Conflict, InvalidInput, PermissionDenied

Guard = Callable[[Case, Any, str], None]


def current_round(case: Case) -> int:
    """Formal-review rounds are numbered from 1; each supplement notice opens the next round."""
    return case.supplement_rounds + 1


def round_marks(case: Case, round_no: int | None = None) -> list[ReviewMark]:
    return list(case.review_marks.filter(round=round_no or current_round(case)))


def _has_items(case: Case, actor: Any, reason: str) -> None:
    if not case.items.exists():
        raise InvalidInput(CaseErrorCode.NO_ITEMS, _("申请至少须包含一项异议事项。"))


def _review_complete(case: Case, actor: Any, reason: str) -> None:
    from xiufu.cases.checklists import checklist_for

    required = {item.code for item in checklist_for(case).items if item.mandatory}
    marked = {mark.requirement for mark in round_marks(case)}
    missing = sorted(required - marked)
    if missing:
        raise InvalidInput(
            CaseErrorCode.REVIEW_INCOMPLETE,
            _("形式审核须对清单中的每一项材料给出结论。"),
            details={"unreviewed": missing},
        )


def _defects(case: Case) -> list[ReviewMark]:
    return [m for m in round_marks(case) if m.verdict != ReviewVerdict.OK]


def _has_defects(case: Case, actor: Any, reason: str) -> None:
    if not _defects(case):
        raise Conflict(
            CaseErrorCode.REVIEW_HAS_NO_DEFECTS,
            _("材料齐全合规，无需补正，请直接受理。"),
            details={"allowed_events": ["accept"]},
        )


def _no_defects(case: Case, actor: Any, reason: str) -> None:
    defects = _defects(case)
    if defects:
        raise Conflict(
            CaseErrorCode.REVIEW_HAS_DEFECTS,
            _("材料存在缺失或不合规，须一次性告知补正，不能受理。"),
            details={"defects": [m.requirement for m in defects]},
        )


def material_fingerprint(case: Case, requirement: str) -> list[str]:
    """The hashes of the current materials for one requirement: "unchanged" means equal lists."""
    return sorted(
        Material.objects.filter(case=case, requirement=requirement, superseded=False).values_list(
            "sha256", flat=True
        )
    )


def _one_time_supplement(case: Case, actor: Any, reason: str) -> None:
    """一次性告知: after a notice, a defect may be raised only on what is new or changed since,
    or on what that notice already listed (still missing). Never on an unchanged material that an
    earlier round found in order."""
    round_no = current_round(case)
    if round_no == 1:
        return
    previous = {m.requirement: m for m in round_marks(case, round_no - 1)}
    notice = SupplementNotice.objects.filter(case=case, round=round_no - 1).first()
    listed = {d["requirement"] for d in (notice.defects if notice else [])}
    offending = []
    for mark in _defects(case):
        before = previous.get(mark.requirement)
        unchanged = before is not None and before.fingerprint == mark.fingerprint
        if unchanged and mark.requirement not in listed:
            offending.append(mark.requirement)
    if offending:
        raise Conflict(
            CaseErrorCode.SUPPLEMENT_NOT_ONE_TIME,
            _("补正应一次性告知：不能对补正通知之后未变动、且此前已审核合格的材料再提出问题。"),
            details={"requirements": offending},
        )


def _materials_changed(case: Case, actor: Any, reason: str) -> None:
    notice = SupplementNotice.objects.filter(case=case).order_by("-round").first()
    since = notice.issued_at if notice else case.created_at
    if not Material.objects.filter(case=case, uploaded_at__gt=since).exists():
        raise InvalidInput(
            CaseErrorCode.NOTHING_SUPPLEMENTED, _("请先上传补正通知所列的材料，再提交补正。")
        )


def _reason_given(case: Case, actor: Any, reason: str) -> None:
    if not reason.strip():
        raise InvalidInput(
            CaseErrorCode.REASON_REQUIRED, _("请填写理由。"), details={"field": "reason"}
        )


def _intake_ground(case: Case, actor: Any, reason: str) -> None:
    _reason_given(case, actor, reason)


def _assigned_investigator(case: Case, actor: Any, reason: str) -> None:
    if actor is None or case.investigator_id != actor.pk:
        raise PermissionDenied(
            _("只有本案的核查员可以办理此事项。"),
            code=CaseErrorCode.NOT_ASSIGNED,
            details={"investigator_id": case.investigator_id},
        )


def _all_items_found(case: Case, actor: Any, reason: str) -> None:
    open_items = list(case.items.filter(finding="").values_list("pk", flat=True))
    if open_items:
        raise Conflict(
            CaseErrorCode.FINDINGS_INCOMPLETE,
            _("尚有异议事项未形成核查结论。"),
            details={"items": open_items},
        )


def _no_error_confirmed(case: Case, actor: Any, reason: str) -> None:
    errors = list(case.items.filter(finding=Finding.ERROR_CONFIRMED).values_list("pk", flat=True))
    if errors:
        raise Conflict(
            CaseErrorCode.ERRORS_CONFIRMED,
            _("有事项确有错误，应提出更正方案，而非出具不予修复说明。"),
            details={"items": errors, "allowed_events": ["propose_correction"]},
        )


def _has_confirmed_errors(case: Case, actor: Any, reason: str) -> None:
    if not case.items.filter(finding=Finding.ERROR_CONFIRMED).exists():
        raise Conflict(
            CaseErrorCode.PROPOSALS_INCOMPLETE,
            _("没有确有错误的事项，无需更正；应拟定不予修复说明。"),
            details={"allowed_events": ["draft_non_repair_notice"]},
        )


def _maker_checker(case: Case, actor: Any, reason: str) -> None:
    """内部审批与复核: the approver is never the investigator or the proposer of the case."""
    proposers = set(
        case.items.filter(proposals__decision=ProposalDecision.PENDING).values_list(
            "proposals__proposed_by", flat=True
        )
    )
    if actor is not None and (actor.pk == case.investigator_id or actor.pk in proposers):
        raise PermissionDenied(
            _("审批人不能是本案的核查员或更正方案的提出人（双人复核）。"),
            code=CaseErrorCode.MAKER_CHECKER,
        )


def _was_replied(case: Case, actor: Any, reason: str) -> None:
    if case.replied_at is None:
        raise Conflict(
            CaseErrorCode.NOT_REPLIED,
            _("只有已书面答复的案件才能因新证据重新启动；未受理或已撤回的，请重新提出申请。"),
        )


def _pause_allowed(case: Case, actor: Any, reason: str) -> None:
    from xiufu.cases.checklists import pack_of

    _reason_given(case, actor, reason)
    if case.clock_paused_at is not None or not pack_of(case).pause_allowed(case.status):
        raise Conflict(
            CaseErrorCode.PAUSE_NOT_ALLOWED,
            _("规则包不允许在此状态暂停法定时限。")
            if case.clock_paused_at is None
            else _("法定时限已经暂停。"),
            details={"status": case.status},
        )


def _clock_paused(case: Case, actor: Any, reason: str) -> None:
    if case.clock_paused_at is None:
        raise Conflict(CaseErrorCode.CLOCK_NOT_PAUSED, _("法定时限未暂停。"))


GUARDS: dict[str, Guard] = {
    "has_items": _has_items,
    "review_complete": _review_complete,
    "has_defects": _has_defects,
    "no_defects": _no_defects,
    "one_time_supplement": _one_time_supplement,
    "materials_changed": _materials_changed,
    "reason_given": _reason_given,
    "intake_ground": _intake_ground,
    "assigned_investigator": _assigned_investigator,
    "all_items_found": _all_items_found,
    "no_error_confirmed": _no_error_confirmed,
    "has_confirmed_errors": _has_confirmed_errors,
    "maker_checker": _maker_checker,
    "was_replied": _was_replied,
    "pause_allowed": _pause_allowed,
    "clock_paused": _clock_paused,
}


def run_guards(transition: workflow.Transition, case: Case, *, actor: Any, reason: str) -> None:
    for name in transition.guards:
        GUARDS[name](case, actor, reason)
