"""Correction: proposal (field-level old → new, or deletion), maker-checker approval, submission
to the bureau through an adapter, and tracking until the bureau confirms or rejects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiufu.bureau import outbox as outbox_writer
from xiufu.bureau.adapters import adapter, message_for
from xiufu.cases.choices import (
    Finding,
    ItemOutcome,
    ProposalAction,
    ProposalDecision,
    SubmissionStatus,
)
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.models import BureauSubmission, Case, CorrectionProposal, DisputedItem
from xiufu.cases.snapshots import jsonable
from xiufu.cases.transitions import Step, run_transition
from xiufu.core.errors import InvalidInput, NotFound
from xiufu.enterprises.models import Enterprise
from xiufu.letters.issuing import issue_for_case
from xiufu.records.selectors import RECORD_KINDS

# Fields that identify a record or its subject are never "corrected": a wrong subject is a
# deletion (414) or an identity change, not an edit.
NOT_CORRECTABLE = {"id", "enterprise", "business_id", "source_system"}
IDENTITY_CORRECTABLE = {"name", "address", "registered_capital"}


def _target(item: DisputedItem) -> models.Model:
    if item.record_kind == "identity":
        return Enterprise.objects.get(pk=item.case.enterprise_id)
    kind = RECORD_KINDS[item.record_kind]
    return kind.reported._default_manager.get(pk=item.record_id)


def _parse_changes(item: DisputedItem, raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate each change against the record's own field and return old → new, as JSON."""
    record = _target(item)
    allowed = (
        IDENTITY_CORRECTABLE
        if item.record_kind == "identity"
        else {f.name for f in record._meta.concrete_fields} - NOT_CORRECTABLE
    )
    if not raw:
        raise InvalidInput(
            CaseErrorCode.INVALID_CHANGE,
            _("更正方案至少须包含一处字段变更。"),
            details={"item": item.pk},
        )
    changes = []
    for change in raw:
        name = change.get("field", "")
        if name not in allowed:
            raise InvalidInput(
                CaseErrorCode.INVALID_CHANGE,
                _("字段“%(field)s”不可更正。") % {"field": name},
                details={"item": item.pk, "field": name, "allowed": sorted(allowed)},
            )
        field = record._meta.get_field(name)
        try:
            value = field.to_python(change.get("new"))  # type: ignore[union-attr]
            field.run_validators(value)  # type: ignore[union-attr]
        except ValidationError as exc:
            raise InvalidInput(
                CaseErrorCode.INVALID_CHANGE,
                _("字段“%(field)s”的新值无效：%(problems)s")
                % {"field": name, "problems": pgettext("list separator", "；").join(exc.messages)},
                details={"item": item.pk, "field": name},
            ) from None
        old = jsonable(getattr(record, field.attname))  # type: ignore[union-attr]
        if jsonable(value) == old:
            raise InvalidInput(
                CaseErrorCode.INVALID_CHANGE,
                _("字段“%(field)s”的新值与原值相同。") % {"field": name},
                details={"item": item.pk, "field": name},
            )
        changes.append({"field": name, "old": old, "new": jsonable(value)})
    return changes


#: Record kinds whose subject can be changed by an identity change (411 / 441).
REASSIGNABLE = {"loans", "guarantees"}


def _parse_reassignment(item: DisputedItem, raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """标识变更: the record belongs to another enterprise, named by its USCC (one we know)."""
    if item.record_kind not in REASSIGNABLE:
        raise InvalidInput(
            CaseErrorCode.INVALID_CHANGE,
            _("只有借贷和担保记录可以办理标识变更。"),
            details={"item": item.pk, "record_kind": item.record_kind},
        )
    record: Any = _target(item)
    new = str((raw[0] if len(raw) == 1 else {}).get("new") or "").strip().upper()
    if len(raw) != 1 or raw[0].get("field") != "enterprise" or not new:
        raise InvalidInput(
            CaseErrorCode.INVALID_CHANGE,
            _("标识变更须且只须给出记录真正所属企业的统一社会信用代码（字段 enterprise）。"),
            details={"item": item.pk, "field": "enterprise"},
        )
    owner = Enterprise.objects.filter(uscc=new).first()
    if owner is None:
        raise InvalidInput(
            CaseErrorCode.INVALID_CHANGE,
            _("统一社会信用代码为 %(uscc)s 的企业不在本机构的客户中。") % {"uscc": new},
            details={"item": item.pk, "field": "enterprise"},
        )
    if owner.pk == record.enterprise_id:
        raise InvalidInput(
            CaseErrorCode.INVALID_CHANGE,
            _("标识变更后的企业与原企业相同。"),
            details={"item": item.pk, "field": "enterprise"},
        )
    return [{"field": "enterprise", "old": record.enterprise.uscc, "new": owner.uscc}]


def do_propose_correction(
    case_id: int, *, proposals: list[dict[str, Any]], expected_version: int, actor: Any
) -> Case:
    """Propose, for every item whose error is confirmed, a field-level correction or a deletion."""

    def effect(case: Case) -> Step:
        errors = {i.pk: i for i in case.items.filter(finding=Finding.ERROR_CONFIRMED)}
        given = {int(p.get("item_id", 0)): p for p in proposals}
        if set(given) != set(errors):
            raise InvalidInput(
                CaseErrorCode.PROPOSALS_INCOMPLETE,
                _("须为每一项、且仅为确有错误的事项提出更正方案。"),
                details={
                    "missing": sorted(set(errors) - set(given)),
                    "not_errors": sorted(set(given) - set(errors)),
                },
            )
        CorrectionProposal.objects.filter(
            item__case=case, decision=ProposalDecision.PENDING
        ).update(decision=ProposalDecision.SUPERSEDED)
        summary = []
        for item_id, proposal in sorted(given.items()):
            item = errors[item_id]
            action = proposal.get("action", "")
            if action not in ProposalAction.values:
                raise InvalidInput(
                    CaseErrorCode.INVALID_CHANGE,
                    _("更正方式须为按段更正、整笔删除或标识变更。"),
                    details={"item": item_id, "choices": list(ProposalAction.values)},
                )
            raw = proposal.get("changes") or []
            if action == ProposalAction.CORRECT:
                changes = _parse_changes(item, raw)
            elif action == ProposalAction.REASSIGN:
                changes = _parse_reassignment(item, raw)
            else:
                changes = []
            CorrectionProposal.objects.create(
                item=item, action=action, changes=changes, proposed_by=actor
            )
            summary.append({"item": item_id, "action": action, "changes": changes})
        return Step(payload={"proposals": summary})

    return run_transition(
        case_id, "propose_correction", actor=actor, expected_version=expected_version, effect=effect
    )


def _decide(
    case: Case,
    decision: str,
    actor: Any,
    reason: str,
    current: str = ProposalDecision.PENDING,
) -> list[int]:
    pending = CorrectionProposal.objects.filter(item__case=case, decision=current)
    ids = list(pending.values_list("pk", flat=True))
    pending.update(
        decision=decision, decided_by=actor, decided_at=timezone.now(), decision_reason=reason
    )
    return ids


def do_approve_correction(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """内部审批与复核: a second person, never the investigator or proposer, approves."""

    def effect(case: Case) -> Step:
        return Step(payload={"approved": _decide(case, ProposalDecision.APPROVED, actor, "")})

    return run_transition(
        case_id, "approve_correction", actor=actor, expected_version=expected_version, effect=effect
    )


def do_return_correction(case_id: int, *, reason: str, expected_version: int, actor: Any) -> Case:
    def effect(case: Case) -> Step:
        return Step(
            payload={"returned": _decide(case, ProposalDecision.RETURNED, actor, reason.strip())}
        )

    return run_transition(
        case_id,
        "return_correction",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )


def do_submit_correction(
    case_id: int, *, expected_version: int, actor: Any, adapter_code: str | None = None
) -> BureauSubmission:
    """Send the approved corrections to the bureau through the configured adapter (or the one
    named). An outbox adapter (the sandbox, file drop) gets the messages written to the outbox in
    this transaction; the worker delivers them and the case awaits confirmation once they have
    all arrived. A direct adapter that acknowledges at once moves the case on straight away."""
    created: list[BureauSubmission] = []

    def effect(case: Case) -> Step:
        approved = list(
            CorrectionProposal.objects.filter(
                item__case=case, decision=ProposalDecision.APPROVED
            ).select_related("item", "item__case__enterprise")
        )
        bureau = adapter(adapter_code)
        if bureau.outbox:
            submission = BureauSubmission.objects.create(
                case=case,
                adapter=bureau.code,
                messages=[],
                status=SubmissionStatus.SUBMITTED,
                submitted_by=actor,
            )
            outbox = [
                outbox_writer.enqueue_correction(p, submission=submission, adapter_code=bureau.code)
                for p in approved
            ]
            submission.messages = [m.payload for m in outbox]
            submission.reference = ",".join(str(m.message_id) for m in outbox)[:100]
            submission.save(update_fields=["messages", "reference"])
            created.append(submission)
            letter = issue_for_case(case, "correction_report", actor=actor)
            return Step(
                payload={
                    "letter": letter.number,
                    "submission": submission.pk,
                    "adapter": bureau.code,
                    "messages": [m.payload for m in outbox],
                }
            )
        messages = [
            message_for(
                record_kind=p.item.record_kind,
                action=p.action,
                business_id=p.item.business_id or p.item.identity_field,
                changes=p.changes,
            )
            for p in approved
        ]
        receipt = bureau.submit(messages)
        submission = BureauSubmission.objects.create(
            case=case,
            adapter=bureau.code,
            messages=messages,
            reference=receipt.reference,
            status=SubmissionStatus.ACKNOWLEDGED
            if receipt.acknowledged
            else SubmissionStatus.SUBMITTED,
            submitted_by=actor,
        )
        created.append(submission)
        letter = issue_for_case(case, "correction_report", actor=actor)
        return Step(
            payload={
                "letter": letter.number,
                "submission": submission.pk,
                "adapter": bureau.code,
                "reference": receipt.reference,
                "messages": messages,
            }
        )

    run_transition(
        case_id, "submit_correction", actor=actor, expected_version=expected_version, effect=effect
    )
    submission = created[0]
    if submission.status == SubmissionStatus.ACKNOWLEDGED:
        do_acknowledge_submission(case_id, actor=None)
    return submission


def do_acknowledge_submission(
    case_id: int, *, expected_version: int | None = None, actor: Any
) -> Case:
    def effect(case: Case) -> Step:
        submission = case.submissions.first()
        if submission is None:
            raise NotFound(_("本案没有报送记录。"), what="submission")
        if submission.status == SubmissionStatus.SUBMITTED:
            submission.status = SubmissionStatus.ACKNOWLEDGED
            submission.save(update_fields=["status"])
        return Step(payload={"submission": submission.pk, "reference": submission.reference})

    return run_transition(
        case_id,
        "acknowledge_submission",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
    )


def _apply(proposal: CorrectionProposal) -> None:
    """The bureau confirmed: the reported record now carries the new values (or is gone)."""
    record: Any = _target(proposal.item)
    if proposal.action == ProposalAction.DELETE:
        record.delete()
        return
    if proposal.action == ProposalAction.REASSIGN:
        record.enterprise = Enterprise.objects.get(uscc=proposal.changes[0]["new"])
        record.save(update_fields=["enterprise"])
        return
    for change in proposal.changes:
        field = record._meta.get_field(change["field"])
        setattr(record, field.attname, field.to_python(change["new"]))
    record.save()


def do_record_bureau_feedback(
    case_id: int,
    *,
    accepted: bool,
    reason: str = "",
    expected_version: int | None = None,
    actor: Any,
) -> Case:
    """The bureau's answer: confirmed (records updated, marks on corrected items removed) or
    rejected with its reason (the case returns to the reporter)."""

    def effect(case: Case) -> Step:
        submission = case.submissions.first()
        if submission is None:
            raise NotFound(_("本案没有报送记录。"), what="submission")
        submission.feedback_at = timezone.now()
        submission.bureau_reason = reason.strip()
        if not accepted:
            submission.status = SubmissionStatus.REJECTED
            submission.save()
            return Step(payload={"submission": submission.pk, "accepted": False})
        submission.status = SubmissionStatus.CONFIRMED
        submission.save()
        approved = CorrectionProposal.objects.filter(
            item__case=case, decision=ProposalDecision.APPROVED
        ).select_related("item", "item__case")
        corrected = []
        for proposal in approved:
            _apply(proposal)
            item = proposal.item
            item.outcome, item.dispute_marked = ItemOutcome.CORRECTED, False
            item.save(update_fields=["outcome", "dispute_marked"])
            corrected.append(item.pk)
        return Step(payload={"submission": submission.pk, "accepted": True, "corrected": corrected})

    event = "confirm_correction" if accepted else "reject_by_bureau"
    return run_transition(
        case_id,
        event,
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )


def do_rework_correction(case_id: int, *, reason: str, expected_version: int, actor: Any) -> Case:
    """After a bureau rejection the reporter sends the case back to the investigator."""

    def effect(case: Case) -> Step:
        superseded = _decide(
            case,
            ProposalDecision.SUPERSEDED,
            actor,
            reason.strip(),
            current=ProposalDecision.APPROVED,
        )
        return Step(payload={"superseded": superseded})

    return run_transition(
        case_id,
        "rework_correction",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )


def do_poll_bureau() -> list[str]:
    """Ask the adapter for feedback on every submission awaiting it (run by the ticker).

    Returns the numbers of the cases whose feedback was recorded."""
    from xiufu.cases.choices import CaseStatus

    recorded = []
    waiting = Case.objects.filter(status=CaseStatus.AWAITING_CONFIRMATION)
    for case in waiting:
        submission = case.submissions.first()
        if submission is None:
            continue
        bureau = adapter(submission.adapter)
        if bureau.outbox:
            continue  # the outbox's feedback poll settles these (xiufu/bureau/outbox.py)
        feedback = bureau.poll(submission.reference)
        if feedback is None:
            continue
        do_record_bureau_feedback(
            case.pk, accepted=feedback.accepted, reason=feedback.reason, actor=None
        )
        recorded.append(case.number)
    return recorded
