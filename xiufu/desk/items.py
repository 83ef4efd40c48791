"""A disputed item as the case page shows it: the record beside the ledger, the proposals with
their field-level diff, and the correction the page proposes from the ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from xiufu.cases.actions.correction import (
    IDENTITY_CORRECTABLE,
    NOT_CORRECTABLE,
    REASSIGNABLE,
)
from xiufu.cases.choices import ProposalAction, ProposalDecision
from xiufu.cases.models import CorrectionProposal, DisputedItem
from xiufu.cases.snapshots import differences
from xiufu.desk import display
from xiufu.desk.forms import ProposalTarget
from xiufu.enterprises.models import Enterprise
from xiufu.records.selectors import RECORD_KINDS

IDENTITY = "identity"


@dataclass
class CompareRow:
    name: str
    label: str
    reported: str
    ledger: str
    differs: bool


@dataclass
class ChangeView:
    label: str
    old: str
    new: str
    note: str = ""


@dataclass
class ProposalView:
    action_label: str
    decision: str
    decision_label: str
    changes: list[ChangeView]
    proposed_by: str
    proposed_at: Any
    decided_by: str
    decision_reason: str


def model_of(kind: str) -> type[models.Model] | None:
    """The model whose fields an item of this kind disputes (the reported record)."""
    if kind == IDENTITY:
        return Enterprise
    record_kind = RECORD_KINDS.get(kind)
    return record_kind.reported if record_kind else None


def correctable_fields(kind: str) -> list[tuple[str, str]]:
    """The fields a proposal may change on this kind of record (as the action allows)."""
    model = model_of(kind)
    if model is None:
        return []
    names = [fld.name for fld in model._meta.concrete_fields]
    if kind == IDENTITY:
        names = [n for n in names if n in IDENTITY_CORRECTABLE]
    else:
        names = [n for n in names if n not in NOT_CORRECTABLE]
    fields = [(n, display.field_label(model, n)) for n in names]
    if kind in REASSIGNABLE:
        # for an identity change (标识变更): the USCC of the enterprise the record belongs to
        fields.append(("enterprise", _("所属企业（标识变更时填写统一社会信用代码）")))
    return fields


def comparison(
    model: type[models.Model] | None, reported: dict[str, Any], ledger: dict[str, Any]
) -> list[CompareRow]:
    """Field by field, in the model's order, the fields where the two differ marked."""
    differing = {d["field"] for d in differences(reported, ledger)}
    names = [fld.name for fld in model._meta.concrete_fields] if model else []
    return [
        CompareRow(
            name=n,
            label=display.field_label(model, n),
            reported=display.value(model, n, reported.get(n)),
            ledger=display.value(model, n, ledger.get(n)) if ledger else "—",
            differs=n in differing,
        )
        for n in names
        if n in reported or n in ledger
    ]


def proposal_view(
    proposal: CorrectionProposal,
    model: type[models.Model] | None,
    name_of: Callable[[int | None], str],
) -> ProposalView:
    return ProposalView(
        action_label=str(ProposalAction(proposal.action).label),
        decision=proposal.decision,
        decision_label=str(ProposalDecision(proposal.decision).label),
        changes=[
            ChangeView(
                display.field_label(model, c["field"]),
                *display.change(model, c["field"], c.get("old"), c.get("new")),
            )
            for c in proposal.changes
        ],
        proposed_by=name_of(proposal.proposed_by_id),
        proposed_at=proposal.proposed_at,
        decided_by=name_of(proposal.decided_by_id) if proposal.decided_by_id else "",
        decision_reason=proposal.decision_reason,
    )


def proposal_target(item: DisputedItem, title: str) -> ProposalTarget:
    """The proposal form's part for one item: prefilled with its last proposal, or else with
    the ledger's value for every correctable field where the reported record differs."""
    latest = max(item.proposals.all(), key=lambda p: p.pk, default=None)
    allowed = dict(correctable_fields(item.record_kind))
    if latest is not None:
        action = latest.action
        changes = [{"field": c["field"], "new": display.as_input(c["new"])} for c in latest.changes]
    else:
        diffs = {d["field"]: d for d in differences(item.reported_value, item.ledger_value)}
        changes = [
            {"field": name, "new": display.as_input(diffs[name]["ledger"])}
            for name in allowed
            if name in diffs
        ]
        action = ProposalAction.CORRECT if changes else ""
    return ProposalTarget(
        item_id=item.pk,
        kind=item.record_kind,
        title=title,
        field_choices=tuple(allowed.items()),
        action=action,
        changes=tuple(changes),
    )
