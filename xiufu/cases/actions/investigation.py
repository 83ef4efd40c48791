"""Investigation: per-item findings with the evidence relied on, coordination tasks, and the
non-repair branch with its reasons and the other avenues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xiufu.accounts.models import User
from xiufu.audit.access import AccessContext
from xiufu.audit.choices import AccessChannel, AccessPurpose
from xiufu.cases.checklists import pack_of
from xiufu.cases.choices import Department, Finding, TaskStatus
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.models import Case, CoordinationTask, NonRepairExplanation
from xiufu.cases.snapshots import differences, reported_and_ledger
from xiufu.cases.transitions import Step, run_transition
from xiufu.core.errors import ErrorCode, InvalidInput, NotFound


def do_start_investigation(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """The investigator takes the case."""

    def effect(case: Case) -> Step:
        case.investigator = actor
        return Step(payload={"investigator": actor.pk})

    return run_transition(
        case_id,
        "start_investigation",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
    )


def do_record_finding(
    case_id: int,
    *,
    item_id: int,
    finding: str,
    reasons: str,
    evidence: list[str] | None = None,
    rule_ids: list[str] | None = None,
    verification_result: str = "",
    expected_version: int,
    actor: Any,
    channel: str = AccessChannel.API,
) -> Case:
    """Record one item's finding with its reasons, the evidence relied on, and the reported value
    beside the ledger truth (read and logged here)."""

    def effect(case: Case) -> Step:
        item = case.items.filter(pk=item_id).first()
        if item is None:
            raise NotFound(_("未找到该异议事项。"), what="item")
        if finding not in Finding.values:
            raise InvalidInput(
                ErrorCode.INVALID_INPUT,
                _("核查结论无效。"),
                details={"field": "finding", "choices": list(Finding.values)},
            )
        if not reasons.strip():
            raise InvalidInput(
                CaseErrorCode.REASON_REQUIRED,
                _("请写明核查结论的理由。"),
                details={"field": "reasons"},
            )
        if finding == Finding.UNDETERMINED and not verification_result.strip():
            raise InvalidInput(
                CaseErrorCode.REASON_REQUIRED,
                _("无法确认的，须记载核查情况（《征信业管理条例》第二十五条）。"),
                details={"field": "verification_result"},
            )
        pack = pack_of(case)
        finding_rule = pack.finding(finding)
        used_rules = [finding_rule.id, *(rule_ids or [])]
        unknown = [r for r in used_rules if not pack.has_rule(r)]
        if unknown:
            raise InvalidInput(
                ErrorCode.INVALID_INPUT,
                _("引用的规则不存在于本案规则包。"),
                details={"field": "rule_ids", "unknown": unknown},
            )
        access = AccessContext.build(
            actor=actor, purpose=AccessPurpose.DISPUTE_INVESTIGATION, channel=channel
        )
        reported, ledger = reported_and_ledger(item, access=access)
        item.finding, item.finding_reasons = finding, reasons.strip()
        item.finding_rule_ids = used_rules
        item.evidence_relied = [str(e)[:300] for e in (evidence or [])]
        item.reported_value, item.ledger_value = reported, ledger
        item.verification_result = verification_result.strip()
        item.found_by, item.found_at = actor, timezone.now()
        item.save()
        return Step(
            payload={
                "item": item.pk,
                "finding": finding,
                "differences": differences(reported, ledger),
            },
            rule_ids=used_rules,
            reason=reasons.strip(),
        )

    return run_transition(
        case_id, "record_finding", actor=actor, expected_version=expected_version, effect=effect
    )


def do_create_coordination_task(
    case_id: int,
    *,
    department: str,
    question: str,
    due_on: dt.date,
    item_id: int | None = None,
    institution: str = "",
    assignee_id: int | None = None,
    expected_version: int,
    actor: Any,
) -> CoordinationTask:
    """Ask another department or an external institution, with a due date."""
    created: list[CoordinationTask] = []

    def effect(case: Case) -> Step:
        if department not in Department.values:
            raise InvalidInput(
                ErrorCode.INVALID_INPUT,
                _("协查部门无效。"),
                details={"field": "department", "choices": list(Department.values)},
            )
        if department == Department.EXTERNAL and not institution.strip():
            raise InvalidInput(
                ErrorCode.MISSING_FIELD, _("请填写外部机构名称。"), details={"field": "institution"}
            )
        if not question.strip():
            raise InvalidInput(
                ErrorCode.MISSING_FIELD, _("请填写协查事项。"), details={"field": "question"}
            )
        if due_on < timezone.localdate():
            raise InvalidInput(
                ErrorCode.INVALID_INPUT, _("协查期限不能早于今天。"), details={"field": "due_on"}
            )
        item = case.items.filter(pk=item_id).first() if item_id else None
        if item_id and item is None:
            raise NotFound(_("未找到该异议事项。"), what="item")
        assignee = (
            User.objects.filter(pk=assignee_id, kind="staff").first() if assignee_id else None
        )
        if assignee_id and assignee is None:
            raise NotFound(_("未找到该员工。"), what="user")
        task = CoordinationTask.objects.create(
            case=case,
            item=item,
            department=department,
            institution=institution.strip(),
            assignee=assignee,
            question=question.strip(),
            due_on=due_on,
            created_by=actor,
        )
        created.append(task)
        return Step(
            payload={"task": task.pk, "department": department, "due_on": due_on.isoformat()}
        )

    run_transition(
        case_id,
        "create_coordination_task",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
    )
    return created[0]


def do_answer_coordination_task(
    case_id: int, *, task_id: int, answer: str, expected_version: int, actor: Any
) -> Case:
    def effect(case: Case) -> Step:
        task = case.tasks.filter(pk=task_id, status=TaskStatus.OPEN).first()
        if task is None:
            raise NotFound(_("未找到待答复的协查事项。"), what="task")
        if not answer.strip():
            raise InvalidInput(
                ErrorCode.MISSING_FIELD, _("请填写答复内容。"), details={"field": "answer"}
            )
        task.status, task.answer = TaskStatus.ANSWERED, answer.strip()
        task.answered_by, task.answered_at = actor, timezone.now()
        task.save()
        return Step(payload={"task": task.pk})

    return run_transition(
        case_id,
        "answer_coordination_task",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
    )


def do_complete_investigation(case_id: int, *, expected_version: int, actor: Any) -> Case:
    def effect(case: Case) -> Step:
        findings = dict(case.items.values_list("pk", "finding"))
        return Step(payload={"findings": {str(k): v for k, v in findings.items()}})

    return run_transition(
        case_id,
        "complete_investigation",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
    )


def non_repair_content(case: Case) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Per-item reasons with their rules and citations, and the other avenues, for the letter."""
    pack = pack_of(case)
    items, rule_ids = [], []
    for item in case.items.exclude(finding=Finding.ERROR_CONFIRMED):
        category = pack.category(item.category)
        items.append(
            {
                "item": item.pk,
                "business_id": item.business_id,
                "category": item.category,
                "category_label": str(category.label) if category else item.category,
                "finding": item.finding,
                "finding_label": str(Finding(item.finding).label) if item.finding else "",
                "reasons": item.finding_reasons,
                "verification_result": item.verification_result,
                "rules": [{"id": r, "explanation": pack.explain(r)} for r in item.finding_rule_ids],
            }
        )
        rule_ids.extend(item.finding_rule_ids)
    avenues = []
    for avenue in pack.other_avenues():
        avenues.append(avenue.as_dict())
        rule_ids.append(avenue.id)
    return items, avenues, rule_ids


def do_draft_non_repair_notice(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """Nothing will be corrected: the reasons per item and the other avenues open to it."""

    def effect(case: Case) -> Step:
        items, avenues, rule_ids = non_repair_content(case)
        explanation = NonRepairExplanation.objects.create(
            case=case,
            items=items,
            avenues=avenues,
            rule_ids=sorted(set(rule_ids)),
            pack_version=case.rule_pack.version,
            created_by=actor,
        )
        return Step(payload={"non_repair": explanation.pk}, rule_ids=rule_ids)

    return run_transition(
        case_id,
        "draft_non_repair_notice",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
    )
