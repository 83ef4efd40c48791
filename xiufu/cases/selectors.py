"""Reads of cases, scoped to the actor: an enterprise sees its own cases, staff with a role all."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet

from xiufu.accounts.permissions import Perm, has_perm
from xiufu.cases import workflow
from xiufu.cases.models import Case, CaseEvent, DisputedItem
from xiufu.cases.transitions import actor_roles
from xiufu.core.errors import NotFound


def cases_visible_to(actor: Any) -> QuerySet[Case]:
    queryset = Case.objects.select_related("enterprise", "rule_pack", "investigator")
    if getattr(actor, "is_enterprise_user", False):
        return (
            queryset.filter(enterprise_id=actor.enterprise_id)
            if actor.enterprise_id
            else queryset.none()
        )
    if has_perm(actor, Perm.VIEW_CASES):
        return queryset
    return queryset.none()


def marked_items(actor: Any) -> QuerySet[DisputedItem]:
    """The disputed items that carry a dispute mark now, in the cases the actor may see."""
    return DisputedItem.objects.filter(
        case__in=cases_visible_to(actor), dispute_marked=True
    ).select_related("case")


def get_case(actor: Any, case_id: int) -> Case:
    """The case with everything its page shows, or NotFound (also when not the actor's)."""
    case = (
        cases_visible_to(actor)
        .prefetch_related(
            Prefetch("items", queryset=DisputedItem.objects.prefetch_related("proposals")),
            "materials",
            "review_marks",
            "supplement_notices",
            "tasks",
            "submissions",
            "non_repair",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("未找到该案件。", what="case")
    return case


def case_timeline(actor: Any, case_id: int) -> QuerySet[CaseEvent]:
    case = get_case(actor, case_id)
    return case.events.select_related("actor").order_by("seq")


# Guards that depend only on the case's own state: an event they refuse is not offered at all.
STATE_GUARDS = ("pause_allowed", "clock_paused", "was_replied")


def _state_guards_pass(case: Case, transition: workflow.Transition) -> bool:
    from xiufu.cases.guards import GUARDS
    from xiufu.core.errors import DomainError

    for name in transition.guards:
        if name in STATE_GUARDS:
            try:
                GUARDS[name](case, None, "(offered)")
            except DomainError:
                return False
    return True


def events_for_actor(actor: Any, case: Case) -> list[str]:
    """The events this actor may trigger now (the pages show only these buttons)."""
    roles = actor_roles(actor, case)
    return [
        event
        for event in workflow.events_allowed(case.status)
        if workflow.transition_for(event).roles & roles
        and _state_guards_pass(case, workflow.transition_for(event))
    ]


def search_cases(
    actor: Any, *, query: str = "", status: str = "", enterprise_id: int | None = None
) -> QuerySet[Case]:
    queryset = cases_visible_to(actor)
    if status:
        queryset = queryset.filter(status=status)
    if enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=enterprise_id)
    query = query.strip()
    if query:
        from django.db.models import Q

        queryset = queryset.filter(
            Q(number__iexact=query)
            | Q(enterprise__uscc__iexact=query)
            | Q(enterprise__name__icontains=query)
        )
    return queryset.order_by(F("due_on").asc(nulls_last=True), "-created_at")


def clock_cases(actor: Any) -> QuerySet[Case]:
    """Cases whose statutory clock runs, soonest due first."""
    return (
        cases_visible_to(actor)
        .filter(status__in=workflow.CLOCK_STATES, due_on__isnull=False)
        .order_by("due_on", "number")
    )
