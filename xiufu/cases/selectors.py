"""Reads of cases, scoped to the actor: an enterprise sees its own cases, staff with a role all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _

from xiufu.accounts.permissions import Perm, has_perm
from xiufu.cases import workflow
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.models import Case, CaseEvent, DisputedItem, Material
from xiufu.cases.transitions import actor_roles
from xiufu.core.errors import Conflict, NotFound
from xiufu.evidence import ledger
from xiufu.evidence.receipt import Receipt


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


def material_receipt(actor: Any, material_id: int) -> tuple[Material, Receipt]:
    """The evidence receipt of a material in a case the actor may see (NotFound otherwise): its
    leaf, the inclusion proof in the oldest checkpoint covering it (published now if there is
    none yet), the checkpoint's signature and timestamp."""
    material = (
        Material.objects.select_related("log_entry", "case")
        .filter(pk=material_id, case__in=cases_visible_to(actor))
        .first()
    )
    if material is None:
        raise NotFound(_("未找到该材料。"), what="material")
    receipt = None
    if material.log_entry is not None:
        receipt = ledger.build_receipt(
            material.log_entry,
            media_type=material.media_type,
            size=material.size,
            label=f"{material.case.number} #{material.pk} {material.requirement}",
        )
    if receipt is None:
        raise Conflict(
            CaseErrorCode.RECEIPT_PENDING,
            _("该材料的存证回执尚未生成，请稍后再试。"),
            details={"material": material_id},
        )
    return material, receipt


@dataclass(frozen=True)
class RecycledUse:
    """The same file (by SHA-256) in a case of another enterprise."""

    material_id: int
    sha256: str
    case_id: int
    case_number: str
    enterprise_name: str


def recycled_materials(case: Case) -> dict[int, list[RecycledUse]]:
    """For each current material of the case, the same file in cases of other enterprises: a
    sign of recycled evidence, shown to the investigator (never a refusal: a court judgment can
    rightly concern two enterprises)."""
    mine = {m.sha256: m.pk for m in case.materials.all() if not m.superseded}
    if not mine:
        return {}
    others = (
        Material.objects.filter(sha256__in=mine, superseded=False)
        .exclude(case__enterprise_id=case.enterprise_id)
        .select_related("case__enterprise")
        .order_by("case_id", "pk")
    )
    found: dict[int, list[RecycledUse]] = {}
    for other in others:
        found.setdefault(mine[other.sha256], []).append(
            RecycledUse(
                material_id=other.pk,
                sha256=other.sha256,
                case_id=other.case_id,
                case_number=other.case.number,
                enterprise_name=other.case.enterprise.name,
            )
        )
    return found
