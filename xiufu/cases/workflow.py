"""The dispute workflow, declared once: states, events, guards and the roles allowed.

This table is the only place that says which event may move a case from which state to which. The
actions in ``actions.py`` look their transition up here; ``docs/workflow.md`` is generated from it
(``xiufu manage workflow_diagram``) and a test fails when the committed diagram differs.

The path is the seed's flowchart: submitted → formal review → {ONE supplement notice → supplement →
formal review again} → accepted (dispute mark, statutory clock) → investigation per item →
{no error / not repairable → non-repair notice with the other avenues} or {error confirmed →
correction proposed → approval by a second person → submitted to the bureau → confirmed} →
written reply → closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from xiufu.accounts.choices import Role
from xiufu.cases.choices import CaseStatus as S

# Pseudo-roles besides the staff roles: the enterprise user acting for the case's enterprise, and
# the system itself (tasks, the bureau connector).
APPLICANT = "applicant"
SYSTEM = "system"

CLERK, INVESTIGATOR, APPROVER, REPORTER, ADMIN = (
    Role.INTAKE_CLERK.value,
    Role.INVESTIGATOR.value,
    Role.APPROVER.value,
    Role.REPORTER.value,
    Role.COMPLIANCE_ADMIN.value,
)


@dataclass(frozen=True)
class Transition:
    event: str
    label: Any  # a lazily translated string
    sources: tuple[str, ...]
    target: str | None  # None: the case stays where it is (an event inside a state)
    roles: frozenset[str]
    guards: tuple[str, ...] = ()

    def leads_to(self, source: str) -> str:
        return self.target or source


def _t(
    event: str,
    label: Any,
    sources: tuple[str, ...],
    target: str | None,
    roles: tuple[str, ...],
    guards: tuple[str, ...] = (),
) -> Transition:
    return Transition(event, label, sources, target, frozenset(roles), guards)


# States in which the case has not yet been answered: the enterprise may still withdraw.
OPEN_STATES = (
    S.DRAFT,
    S.SUBMITTED,
    S.FORMAL_REVIEW,
    S.AWAITING_SUPPLEMENT,
    S.ACCEPTED,
    S.UNDER_INVESTIGATION,
    S.FINDINGS_RECORDED,
    S.NON_REPAIR_NOTICE,
    S.CORRECTION_PROPOSED,
    S.CORRECTION_APPROVED,
    S.BUREAU_REJECTED,
    S.REOPENED,
)
# States in which the statutory clock runs (from acceptance to the written reply).
CLOCK_STATES = (
    S.ACCEPTED,
    S.UNDER_INVESTIGATION,
    S.FINDINGS_RECORDED,
    S.NON_REPAIR_NOTICE,
    S.CORRECTION_PROPOSED,
    S.CORRECTION_APPROVED,
    S.CORRECTION_SUBMITTED,
    S.AWAITING_CONFIRMATION,
    S.BUREAU_CONFIRMED,
    S.BUREAU_REJECTED,
    S.REOPENED,
)
TERMINAL_STATES = (S.CLOSED,)

TRANSITIONS: tuple[Transition, ...] = (
    _t("edit_draft", _("编辑申请"), (S.DRAFT,), None, (APPLICANT, CLERK, INVESTIGATOR)),
    _t(
        "upload_material",
        _("上传材料"),
        (S.DRAFT, S.SUBMITTED, S.FORMAL_REVIEW, S.AWAITING_SUPPLEMENT),
        None,
        (APPLICANT, CLERK),
    ),
    _t("submit", _("提交申请"), (S.DRAFT,), S.SUBMITTED, (APPLICANT, CLERK), ("has_items",)),
    _t("start_review", _("开始形式审核"), (S.SUBMITTED,), S.FORMAL_REVIEW, (CLERK,)),
    _t("review_materials", _("逐项审核材料"), (S.FORMAL_REVIEW,), None, (CLERK,)),
    _t(
        "request_supplement",
        _("一次性告知补正"),
        (S.FORMAL_REVIEW,),
        S.AWAITING_SUPPLEMENT,
        (CLERK,),
        ("review_complete", "has_defects", "one_time_supplement"),
    ),
    _t(
        "supplement",
        _("提交补正材料"),
        (S.AWAITING_SUPPLEMENT,),
        S.FORMAL_REVIEW,
        (APPLICANT, CLERK),
        ("materials_changed",),
    ),
    _t(
        "reject_at_intake",
        _("不予受理"),
        (S.FORMAL_REVIEW, S.AWAITING_SUPPLEMENT),
        S.REJECTED_AT_INTAKE,
        (CLERK,),
        ("intake_ground",),
    ),
    _t(
        "accept",
        _("受理（异议标注、起算时限）"),
        (S.FORMAL_REVIEW,),
        S.ACCEPTED,
        (CLERK,),
        ("review_complete", "no_defects"),
    ),
    _t(
        "start_investigation",
        _("开始核查"),
        (S.ACCEPTED, S.REOPENED),
        S.UNDER_INVESTIGATION,
        (INVESTIGATOR,),
    ),
    _t(
        "record_finding",
        _("记录核查结论"),
        (S.UNDER_INVESTIGATION,),
        None,
        (INVESTIGATOR,),
        ("assigned_investigator",),
    ),
    _t(
        "create_coordination_task",
        _("发起协查"),
        (S.ACCEPTED, S.UNDER_INVESTIGATION, S.REOPENED),
        None,
        (INVESTIGATOR,),
    ),
    _t(
        "answer_coordination_task",
        _("答复协查"),
        (S.ACCEPTED, S.UNDER_INVESTIGATION, S.REOPENED, S.FINDINGS_RECORDED),
        None,
        (INVESTIGATOR, CLERK, REPORTER, ADMIN),
    ),
    _t(
        "complete_investigation",
        _("核查完成"),
        (S.UNDER_INVESTIGATION,),
        S.FINDINGS_RECORDED,
        (INVESTIGATOR,),
        ("assigned_investigator", "all_items_found"),
    ),
    _t(
        "draft_non_repair_notice",
        _("拟定不予修复说明"),
        (S.FINDINGS_RECORDED,),
        S.NON_REPAIR_NOTICE,
        (INVESTIGATOR,),
        ("assigned_investigator", "no_error_confirmed"),
    ),
    _t(
        "propose_correction",
        _("提出更正方案"),
        (S.FINDINGS_RECORDED,),
        S.CORRECTION_PROPOSED,
        (INVESTIGATOR,),
        ("assigned_investigator", "has_confirmed_errors"),
    ),
    _t(
        "approve_correction",
        _("审批通过"),
        (S.CORRECTION_PROPOSED,),
        S.CORRECTION_APPROVED,
        (APPROVER,),
        ("maker_checker",),
    ),
    _t(
        "return_correction",
        _("退回核查员"),
        (S.CORRECTION_PROPOSED,),
        S.UNDER_INVESTIGATION,
        (APPROVER,),
        ("maker_checker", "reason_given"),
    ),
    _t(
        "submit_correction",
        _("报送更正"),
        (S.CORRECTION_APPROVED, S.BUREAU_REJECTED),
        S.CORRECTION_SUBMITTED,
        (REPORTER,),
    ),
    _t(
        "acknowledge_submission",
        _("征信系统已接收"),
        (S.CORRECTION_SUBMITTED,),
        S.AWAITING_CONFIRMATION,
        (REPORTER, SYSTEM),
    ),
    _t(
        "confirm_correction",
        _("征信系统确认更正"),
        (S.AWAITING_CONFIRMATION,),
        S.BUREAU_CONFIRMED,
        (REPORTER, SYSTEM),
    ),
    _t(
        "reject_by_bureau",
        _("征信系统退回"),
        (S.CORRECTION_SUBMITTED, S.AWAITING_CONFIRMATION),
        S.BUREAU_REJECTED,
        (REPORTER, SYSTEM),
        ("reason_given",),
    ),
    _t(
        "rework_correction",
        _("退回重新核查"),
        (S.BUREAU_REJECTED,),
        S.UNDER_INVESTIGATION,
        (REPORTER,),
        ("reason_given",),
    ),
    _t(
        "issue_reply",
        _("出具书面答复"),
        (S.BUREAU_CONFIRMED, S.NON_REPAIR_NOTICE),
        S.REPLY_ISSUED,
        (INVESTIGATOR, CLERK),
    ),
    _t(
        "close",
        _("办结"),
        (S.REPLY_ISSUED, S.REJECTED_AT_INTAKE, S.WITHDRAWN),
        S.CLOSED,
        (CLERK, INVESTIGATOR, SYSTEM),
    ),
    _t("withdraw", _("撤回申请"), OPEN_STATES, S.WITHDRAWN, (APPLICANT, CLERK), ("reason_given",)),
    _t("rate", _("评价办理结果"), (S.CLOSED,), None, (APPLICANT,)),
    _t(
        "reopen",
        _("因新证据重新启动"),
        (S.CLOSED,),
        S.REOPENED,
        (CLERK, INVESTIGATOR),
        ("was_replied", "reason_given"),
    ),
    _t("warn_clock", _("时限预警"), CLOCK_STATES, None, (SYSTEM,)),
    _t("recalculate_clock", _("日历调整后重算期限"), CLOCK_STATES, None, (SYSTEM,)),
    _t("record_breach", _("超过法定时限"), CLOCK_STATES, None, (SYSTEM,)),
    _t("pause_clock", _("暂停计时"), CLOCK_STATES, None, (INVESTIGATOR, ADMIN), ("pause_allowed",)),
    _t("resume_clock", _("恢复计时"), CLOCK_STATES, None, (INVESTIGATOR, ADMIN), ("clock_paused",)),
)

BY_EVENT: dict[str, Transition] = {t.event: t for t in TRANSITIONS}


def transition_for(event: str) -> Transition:
    return BY_EVENT[event]


def events_allowed(state: str) -> list[str]:
    """The events that may happen in ``state``, in table order."""
    return [t.event for t in TRANSITIONS if state in t.sources]


def state_after(state: str, event: str) -> str | None:
    """The state after ``event`` in ``state``, or None when the event is not allowed there."""
    transition = BY_EVENT.get(event)
    if transition is None or state not in transition.sources:
        return None
    return transition.leads_to(state)


def mermaid() -> str:
    """The transition table as a Mermaid state diagram (written to docs/workflow.md)."""
    with override("zh-hans"):
        return _mermaid()


def _mermaid() -> str:
    lines = ["stateDiagram-v2", "    direction TB", "    [*] --> draft"]
    for state in S:
        lines.append(f"    {state.value} : {state.label}")
    for t in TRANSITIONS:
        if t.target is None:
            continue
        roles = ", ".join(sorted(t.roles))
        guard = f" [{', '.join(t.guards)}]" if t.guards else ""
        for source in t.sources:
            lines.append(f"    {source} --> {t.target} : {t.event}{guard} ({roles})")
    lines.append("    closed --> [*]")
    return "\n".join(lines)


def markdown() -> str:
    """docs/workflow.md: the diagram and the table, both generated (in Chinese)."""
    with override("zh-hans"):
        return _markdown()


def _markdown() -> str:
    rows = [
        "| event | 中文 | from | to | roles | guards |",
        "|---|---|---|---|---|---|",
    ]
    for t in TRANSITIONS:
        rows.append(
            f"| `{t.event}` | {t.label} | {', '.join(t.sources)} | {t.target or '(same)'} "
            f"| {', '.join(sorted(t.roles))} | {', '.join(t.guards) or '—'} |"
        )
    return "\n".join(
        [
            "# The dispute workflow",
            "",
            "Generated from `xiufu/cases/workflow.py` by `xiufu manage workflow_diagram`;",
            "do not edit by hand (a test compares this file with the table).",
            "",
            "```mermaid",
            mermaid(),
            "```",
            "",
            *rows,
            "",
        ]
    )
