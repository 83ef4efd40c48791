"""Turning a case into what the API and the pages show (read side only)."""

from __future__ import annotations

from typing import Any

from xiufu.accounts.choices import Role
from xiufu.audit.access import AccessContext, log_access
from xiufu.audit.choices import AccessChannel, AccessPurpose
from xiufu.cases.checklists import pack_of
from xiufu.cases.choices import CaseStatus
from xiufu.cases.clock import clock_state, days_left
from xiufu.cases.models import Case, CaseEvent
from xiufu.cases.selectors import events_for_actor

# Reading a case is reading credit data for the purpose of handling it; the purpose follows the
# reader's role.
ROLE_PURPOSE = {
    Role.INTAKE_CLERK: AccessPurpose.FORMAL_REVIEW,
    Role.INVESTIGATOR: AccessPurpose.DISPUTE_INVESTIGATION,
    Role.APPROVER: AccessPurpose.APPROVAL,
    Role.REPORTER: AccessPurpose.CORRECTION_SUBMISSION,
    Role.AUDITOR: AccessPurpose.AUDIT,
    Role.COMPLIANCE_ADMIN: AccessPurpose.COMPLIANCE,
}


def log_case_read(actor: Any, case: Case, *, channel: str = AccessChannel.API) -> None:
    purpose = next(
        (ROLE_PURPOSE[r] for r in ROLE_PURPOSE if r in getattr(actor, "roles", ())),
        AccessPurpose.AUDIT,
    )
    access = AccessContext.build(
        actor=actor, purpose=purpose, channel=channel, purpose_note=case.number
    )
    log_access(access, enterprise=case.enterprise, content="case", object_ids=[case.pk])


def clock(case: Case) -> dict[str, Any]:
    return {
        "received_on": case.received_on,
        "due_on": case.due_on,
        "days_left": days_left(case),
        "state": clock_state(case, warning_share=pack_of(case).warning_share),
        "calendar_confirmed": case.calendar_confirmed,
        "unconfirmed_years": case.unconfirmed_years,
        "rule_id": case.clock_rule_id,
        "paused": case.clock_paused_at is not None,
    }


def summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "enterprise_id": case.enterprise_id,
        "enterprise_name": case.enterprise.name,
        "channel": case.channel,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "version": case.version,
        "outcome": case.outcome,
        "supplement_rounds": case.supplement_rounds,
        "clock": clock(case),
        "created_at": case.created_at,
    }


def _item_for_enterprise(item: Any) -> dict[str, Any]:
    """The enterprise sees its record and the outcome, not the furnisher's internal ledger."""
    data = {f.name: getattr(item, f.attname) for f in item._meta.concrete_fields}
    data["ledger_value"] = {}
    return data


def detail(case: Case, actor: Any) -> dict[str, Any]:
    items = list(case.items.all())
    internal = not getattr(actor, "is_enterprise_user", False)
    non_repair = case.non_repair.first()
    data = {
        **summary(case),
        "claim": case.claim,
        "applicant_type": case.applicant_type,
        "rule_pack": f"{case.rule_pack.regime}@{case.rule_pack.version}",
        "investigator_id": case.investigator_id,
        "items": items,
        "materials": list(case.materials.all()),
        "review_marks": [
            {
                "round": m.round,
                "requirement": m.requirement,
                "verdict": m.verdict,
                "reason": m.reason,
            }
            for m in case.review_marks.all()
        ],
        "supplement_notices": [
            {"round": n.round, "defects": n.defects, "issued_at": n.issued_at.isoformat()}
            for n in case.supplement_notices.all()
        ],
        "proposals": [
            {
                "id": p.pk,
                "item_id": p.item_id,
                "action": p.action,
                "changes": p.changes,
                "decision": p.decision,
                "proposed_by": p.proposed_by_id,
                "decided_by": p.decided_by_id,
                "decision_reason": p.decision_reason,
            }
            for item in items
            for p in item.proposals.all()
        ],
        "tasks": [
            {
                "id": t.pk,
                "department": t.department,
                "institution": t.institution,
                "question": t.question,
                "due_on": t.due_on.isoformat(),
                "status": t.status,
                "answer": t.answer,
            }
            for t in case.tasks.all()
        ],
        "submissions": [
            {
                "id": s.pk,
                "adapter": s.adapter,
                "reference": s.reference,
                "status": s.status,
                "bureau_reason": s.bureau_reason,
                "messages": s.messages,
            }
            for s in case.submissions.all()
        ],
        "non_repair": (
            {
                "items": non_repair.items,
                "avenues": non_repair.avenues,
                "rule_ids": non_repair.rule_ids,
            }
            if non_repair
            else None
        ),
        "allowed_events": events_for_actor(actor, case),
    }
    if not internal:
        data.update(items=[_item_for_enterprise(i) for i in items], tasks=[], submissions=[])
    return data


# Events whose payload / reason the enterprise may see as they are; the rest is internal working
# (an investigator's reasons reach the enterprise through the reply, not the timeline).
PUBLIC_PAYLOAD_EVENTS = {"create", "submit", "request_supplement", "accept", "issue_reply"}
PUBLIC_REASON_EVENTS = {"withdraw", "reject_at_intake", "reopen", "issue_reply"}


def event(e: CaseEvent, *, internal: bool = True) -> dict[str, Any]:
    if internal:
        who = str(e.actor) if e.actor else "系统"
    else:
        who = "本企业" if e.actor and e.actor.is_enterprise_user else "受理机构"
    return {
        "seq": e.seq,
        "event": e.event,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "actor": who,
        "at": e.at,
        "reason": e.reason if internal or e.event in PUBLIC_REASON_EVENTS else "",
        "payload": e.payload if internal or e.event in PUBLIC_PAYLOAD_EVENTS else {},
        "pack_version": e.pack_version,
        "rule_ids": e.rule_ids,
    }
