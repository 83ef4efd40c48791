"""Read-only helpers of the desk, built on the cases' selectors and presenters (scoped to the
actor; credit-data reads logged)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet

from xiufu.accounts.permissions import Perm, require
from xiufu.audit.access import AccessContext, log_access
from xiufu.audit.choices import AccessChannel, AccessPurpose
from xiufu.cases import presenters, selectors
from xiufu.cases.choices import CaseStatus
from xiufu.cases.models import Case, DisputedItem, Material
from xiufu.cases.snapshots import reported_and_ledger
from xiufu.core.errors import NotFound
from xiufu.desk import display
from xiufu.desk.queues import Queue, queues_for

# A queue shows at most this many cases, the soonest due first.
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class CaseRow:
    """One case in a list: the case, its clock (presenters.clock) and the countdown in words."""

    case: Case
    clock: dict[str, Any]
    countdown: str
    status_label: str


def case_row(case: Case) -> CaseRow:
    clock = presenters.clock(case)
    return CaseRow(case, clock, display.countdown(clock), str(CaseStatus(case.status).label))


def by_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Soonest statutory deadline first; cases whose clock has not started by receipt."""
    return cases.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "number")


@dataclass(frozen=True)
class QueueView:
    queue: Queue
    rows: list[CaseRow]
    total: int


def role_queues(actor: Any) -> list[QueueView]:
    """The actor's queues (one per role it holds, see queues.py), each sorted by deadline."""
    visible = selectors.cases_visible_to(actor)
    views = []
    for queue in queues_for(frozenset(getattr(actor, "roles", ()))):
        cases = visible.filter(status__in=queue.states)
        if queue.mine:
            cases = cases.filter(investigator=actor)
        cases = by_deadline(cases)
        views.append(QueueView(queue, [case_row(c) for c in cases[:QUEUE_LIMIT]], cases.count()))
    return views


@dataclass(frozen=True)
class Dashboard:
    counts: list[tuple[str, str, int]]
    total: int
    running: int
    paused: int
    at_risk: list[CaseRow]
    breached: list[CaseRow]


def dashboard(actor: Any) -> Dashboard:
    """Cases by state, and the running clocks at risk and in breach (soonest due first)."""
    visible = selectors.cases_visible_to(actor)
    by_status = dict(visible.order_by().values_list("status").annotate(n=Count("pk")))
    counts = [(s.value, str(s.label), by_status.get(s.value, 0)) for s in CaseStatus]
    rows = [case_row(c) for c in selectors.clock_cases(actor)]
    return Dashboard(
        counts=counts,
        total=sum(by_status.values()),
        running=len(rows),
        paused=sum(1 for r in rows if r.clock["state"] == "paused"),
        at_risk=[r for r in rows if r.clock["state"] == "at_risk"],
        breached=[r for r in rows if r.clock["state"] == "breached"],
    )


def read_purpose(actor: Any, *, preferred: str | None = None) -> str:
    """The purpose a page read is logged with: the preferred one if the actor's role gives it,
    else the first of the actor's roles (as presenters.log_case_read does)."""
    purposes = [p for r, p in presenters.ROLE_PURPOSE.items() if r in getattr(actor, "roles", ())]
    if preferred in purposes:
        return str(preferred)
    return str(purposes[0]) if purposes else AccessPurpose.AUDIT


def material_for(actor: Any, material_id: int) -> Material:
    """A material of a case the actor may see, its read logged; NotFound otherwise."""
    material = Material.objects.select_related("case__enterprise").filter(pk=material_id).first()
    visible = selectors.cases_visible_to(actor)
    if material is None or not visible.filter(pk=material.case_id).exists():
        raise NotFound("未找到该材料。", what="material")
    access = AccessContext.build(
        actor=actor,
        purpose=read_purpose(actor),
        channel=AccessChannel.PAGE,
        purpose_note=material.case.number,
    )
    log_access(
        access, enterprise=material.case.enterprise, content="material", object_ids=[material.pk]
    )
    return material


def reported_beside_ledger(actor: Any, item: DisputedItem) -> tuple[dict, dict]:
    """The disputed record as reported and as the ledger holds it, read live (before a finding
    stores them) through the logged snapshot read; only for staff who may see the ledger."""
    require(actor, Perm.VIEW_LEDGER)
    access = AccessContext.build(
        actor=actor,
        purpose=read_purpose(actor, preferred=AccessPurpose.DISPUTE_INVESTIGATION),
        channel=AccessChannel.PAGE,
        purpose_note=item.case.number,
    )
    return reported_and_ledger(item, access=access)
