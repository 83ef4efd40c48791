"""Running one workflow transition: lock, version, state, role, effect, guards, event — atomically.

Every case action goes through ``run_transition``. It locks the case row, refuses a stale version
(409 ``case_changed``), an event the current state does not allow (409 ``invalid_transition``,
naming the state and the events it allows) and a role the table does not list (403); then it runs
the table's guards, then the action's effect (which validates its own input), moves the status and
appends the immutable event. Any failure rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiufu.accounts.choices import Role
from xiufu.cases import workflow
from xiufu.cases.choices import CaseStatus
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.models import Case, CaseEvent
from xiufu.core.errors import Conflict, NotFound, PermissionDenied


@dataclass
class Step:
    """What an effect tells the transition to record besides the state change."""

    payload: dict[str, Any] = field(default_factory=dict)
    rule_ids: list[str] = field(default_factory=list)
    reason: str = ""


def is_applicant_for(actor: Any, case: Case) -> bool:
    """The enterprise user acting for the case's enterprise, under a valid capacity."""
    if actor is None or not getattr(actor, "is_enterprise_user", False):
        return False
    membership = actor.membership
    return bool(
        membership is not None
        and membership.enterprise_id == case.enterprise_id
        and membership.may_act()
    )


def actor_roles(actor: Any, case: Case) -> set[str]:
    if actor is None:
        return {workflow.SYSTEM}
    roles = set(getattr(actor, "roles", ()))
    if is_applicant_for(actor, case):
        roles.add(workflow.APPLICANT)
    return roles


def visible_to(actor: Any, case: Case) -> bool:
    from xiufu.accounts.permissions import Perm, has_perm

    if actor is None:
        return True
    if getattr(actor, "is_enterprise_user", False):
        return bool(actor.enterprise_id == case.enterprise_id)
    return has_perm(actor, Perm.VIEW_CASES)


def lock_case(case_id: int, actor: Any) -> Case:
    """The case row locked for this transaction; NotFound when absent or not the actor's."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not visible_to(actor, case):
        raise NotFound(_("未找到该案件。"), what="case")
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise Conflict(
            CaseErrorCode.CASE_CHANGED,
            _("该案件已被他人更新，请刷新后重试。"),
            details={
                "current_version": case.version,
                "your_version": expected_version,
                "status": case.status,
            },
        )


def check_event_allowed(case: Case, transition: workflow.Transition) -> None:
    if case.status not in transition.sources:
        state = CaseStatus(case.status)
        raise Conflict(
            CaseErrorCode.INVALID_TRANSITION,
            _("案件当前状态为“%(state)s”，不能执行“%(event)s”。")
            % {"state": state.label, "event": transition.label},
            details={
                "status": case.status,
                "event": transition.event,
                "allowed_events": workflow.events_allowed(case.status),
            },
        )


def check_role(actor: Any, case: Case, transition: workflow.Transition) -> None:
    if actor_roles(actor, case) & transition.roles:
        return
    labels = []
    for role in sorted(transition.roles):
        if role == workflow.APPLICANT:
            labels.append(_("申请企业"))
        elif role in Role.values:
            labels.append(str(Role(role).label))
    raise PermissionDenied(
        _("“%(event)s”须由以下角色办理：%(roles)s。")
        % {"event": transition.label, "roles": pgettext("list separator", "、").join(labels)},
        code="role_required",
        details={"event": transition.event, "roles": sorted(transition.roles)},
    )


def append_event(
    case: Case,
    *,
    event: str,
    from_status: str,
    actor: Any,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    rule_ids: Iterable[str] = (),
) -> CaseEvent:
    last = case.events.aggregate(last=Max("seq"))["last"] or 0
    return CaseEvent.objects.create(
        case=case,
        seq=last + 1,
        event=event,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        reason=reason,
        payload=payload or {},
        pack_version=case.rule_pack.version if case.rule_pack_id else "",
        rule_ids=sorted(set(rule_ids)),
    )


def run_transition(
    case_id: int,
    event: str,
    *,
    actor: Any,
    expected_version: int | None,
    effect: Callable[[Case], Step | None] | None = None,
    reason: str = "",
) -> Case:
    """Apply one event of the workflow table to a case (see the module docstring)."""
    from xiufu.cases.guards import run_guards

    transition = workflow.transition_for(event)
    with transaction.atomic():
        case = lock_case(case_id, actor)
        check_version(case, expected_version)
        check_event_allowed(case, transition)
        check_role(actor, case, transition)
        run_guards(transition, case, actor=actor, reason=reason)
        from_status = case.status
        marks_before = _marks(case)
        step = (effect(case) if effect else None) or Step()
        _send_mark_changes(case, marks_before)
        step.reason = step.reason or reason
        case.status = transition.leads_to(from_status)
        case.version += 1
        _stamp(case, event)
        case.save()
        append_event(
            case,
            event=event,
            from_status=from_status,
            actor=actor,
            reason=step.reason,
            payload=step.payload,
            rule_ids=step.rule_ids,
        )
    return case


def _marks(case: Case) -> dict[int, bool]:
    return dict(case.items.values_list("pk", "dispute_marked"))


def _send_mark_changes(case: Case, before: dict[int, bool]) -> None:
    """Dispute marks placed or removed by this transition go to the bureau through the outbox,
    in the same transaction (Art. 25: the mark shows on the report while the dispute runs)."""
    from xiufu.bureau import outbox

    after = _marks(case)
    changed = {pk: marked for pk, marked in after.items() if before.get(pk, False) != marked}
    if changed:
        outbox.enqueue_marks(case, changed)


def _stamp(case: Case, event: str) -> None:
    now = timezone.now()
    if event == "submit":
        case.submitted_at = now
    elif event == "accept":
        case.accepted_at = now
    elif event == "issue_reply":
        case.replied_at = now
    elif event == "close":
        case.closed_at = now
