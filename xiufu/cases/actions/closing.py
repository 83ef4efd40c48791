"""The written reply with per-item outcomes, closing, withdrawal, reopening, and the rating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xiufu.cases import workflow
from xiufu.cases.actions.investigation import non_repair_content
from xiufu.cases.checklists import pack_of
from xiufu.cases.choices import Finding, ItemOutcome, ProposalDecision
from xiufu.cases.clock import start_clock
from xiufu.cases.errors import CaseErrorCode
from xiufu.cases.guards import run_guards
from xiufu.cases.models import Case, NonRepairExplanation, SatisfactionRating
from xiufu.cases.outcomes import REPLY_OUTCOME, derive_case_outcome
from xiufu.cases.transitions import (
    Step,
    check_event_allowed,
    check_role,
    lock_case,
    run_transition,
)
from xiufu.core.errors import InvalidInput
from xiufu.letters import issuing


def reply_content(case: Case) -> list[dict[str, Any]]:
    """Per item: the outcome, what changed old → new, and the reasons — for the reply letter."""
    content = []
    for item in case.items.all():
        approved = item.proposals.filter(decision=ProposalDecision.APPROVED).first()
        content.append(
            {
                "item": item.pk,
                "record_kind": item.record_kind,
                "business_id": item.business_id,
                "outcome": item.outcome,
                "action": approved.action if approved else "",
                "changes": approved.changes if approved else [],
                "reasons": item.finding_reasons,
                "verification_result": item.verification_result,
            }
        )
    return content


def _settle_reply(case: Case, actor: Any) -> list[str]:
    """The reply's effect on the case before its letters: every item gets its final outcome,
    marks are cancelled except where the law keeps them, the non-repair explanation is drawn up
    where an item is not corrected. Returns the kinds of letter the reply consists of."""
    pack = pack_of(case)
    for item in case.items.exclude(outcome=ItemOutcome.CORRECTED):
        # Art. 25: the pack says per finding whether the mark is cancelled or kept.
        item.outcome = REPLY_OUTCOME[Finding(item.finding)]
        item.dispute_marked = pack.finding(item.finding).mark == "keep"
        item.save(update_fields=["outcome", "dispute_marked"])
    not_corrected = case.items.exclude(outcome=ItemOutcome.CORRECTED)
    if not_corrected.exists() and not case.non_repair.exists():
        items, avenues, rule_ids = non_repair_content(case)
        NonRepairExplanation.objects.create(
            case=case,
            items=items,
            avenues=avenues,
            rule_ids=sorted(set(rule_ids)),
            pack_version=case.rule_pack.version,
            created_by=actor,
        )
    case.outcome = derive_case_outcome(case.items.values_list("outcome", flat=True))
    return ["reply_letter", *(["non_repair_notice"] if not_corrected.exists() else [])]


@dataclass(frozen=True)
class ReplyPreview:
    """The written reply as it would be issued now: its letters and the digest to issue them."""

    case_id: int
    version: int
    drafts: list[issuing.Draft]
    digest: str
    required: bool
    rule_ids: list[str]
    # The rules that ask for the preview, in plain Chinese with their citations.
    explanations: list[str]

    def draft(self, kind: str) -> issuing.Draft | None:
        return next((d for d in self.drafts if d.kind == kind), None)


def preview_reply(case_id: int, *, actor: Any) -> ReplyPreview:
    """Draft the reply's letters exactly as ``do_issue_reply`` would issue them, without changing
    anything: the same checks as the event, then the effect inside a transaction rolled back."""
    transition = workflow.transition_for("issue_reply")
    with transaction.atomic():
        case = lock_case(case_id, actor)
        check_event_allowed(case, transition)
        check_role(actor, case, transition)
        run_guards(transition, case, actor=actor, reason="")
        drafts = [issuing.draft(case, kind) for kind in _settle_reply(case, actor)]
        rule_ids = issuing.preview_rule_ids(case, [d.kind for d in drafts])
        pack = pack_of(case)
        preview = ReplyPreview(
            case_id=case.pk,
            version=case.version,
            drafts=drafts,
            digest=issuing.digest(drafts),
            required=bool(rule_ids),
            rule_ids=rule_ids,
            explanations=[pack.explain(rule_id) for rule_id in rule_ids],
        )
        transaction.set_rollback(True)
    return preview


def do_issue_reply(
    case_id: int, *, expected_version: int, actor: Any, preview_digest: str | None = None
) -> Case:
    """书面答复: every item gets its final outcome, marks are cancelled except where the law keeps
    them, the case outcome is derived from the items, and the reply letter (with the non-repair
    notice where an item is not corrected) is issued. Where the pack asks for a preview,
    ``preview_digest`` must be the digest of ``preview_reply`` for the case as it stands."""

    def effect(case: Case) -> Step:
        kinds = _settle_reply(case, actor)
        drafts = [issuing.draft(case, kind) for kind in kinds]
        letters = issuing.issue_drafts(case, drafts, actor=actor, previewed=preview_digest)
        rule_ids = {r for i in case.items.all() for r in i.finding_rule_ids}
        rule_ids |= set(issuing.preview_rule_ids(case, kinds))
        return Step(
            payload={
                "outcome": case.outcome,
                "items": reply_content(case),
                "letters": [letter.number for letter in letters],
            },
            rule_ids=sorted(rule_ids),
        )

    return run_transition(
        case_id, "issue_reply", actor=actor, expected_version=expected_version, effect=effect
    )


def do_close_case(case_id: int, *, expected_version: int | None, actor: Any) -> Case:
    return run_transition(case_id, "close", actor=actor, expected_version=expected_version)


def do_withdraw_case(case_id: int, *, reason: str, expected_version: int, actor: Any) -> Case:
    """The enterprise withdraws: open items end as withdrawn and their marks are removed."""

    def effect(case: Case) -> Step:
        case.items.exclude(outcome=ItemOutcome.CORRECTED).update(
            outcome=ItemOutcome.WITHDRAWN, dispute_marked=False
        )
        case.outcome = derive_case_outcome(case.items.values_list("outcome", flat=True))
        return Step(payload={"outcome": case.outcome})

    return run_transition(
        case_id,
        "withdraw",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )


def do_reopen_case(case_id: int, *, reason: str, expected_version: int, actor: Any) -> Case:
    """New evidence: the items not corrected are disputed again, marked, and the clock restarts."""

    def effect(case: Case) -> Step:
        from django.utils import timezone

        reopened = list(
            case.items.exclude(outcome=ItemOutcome.CORRECTED).values_list("pk", flat=True)
        )
        case.items.filter(pk__in=reopened).update(
            outcome="", finding="", dispute_marked=True, verification_result=""
        )
        case.outcome, case.investigator = "", None
        case.received_on = timezone.localdate()
        clock = start_clock(case)
        return Step(payload={"items": reopened, "clock": clock.payload}, rule_ids=clock.rule_ids)

    return run_transition(
        case_id,
        "reopen",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )


def do_rate_case(case_id: int, *, score: int, comment: str = "", actor: Any) -> SatisfactionRating:
    """The enterprise rates the handling, 1–5 with a comment, once, after closing."""
    created: list[SatisfactionRating] = []

    def effect(case: Case) -> Step:
        if not 1 <= score <= 5:
            raise InvalidInput(
                "invalid_score",
                _("评分须为1至5分。"),
                details={"field": "score", "min": 1, "max": 5},
            )
        if SatisfactionRating.objects.filter(case=case).exists():
            raise InvalidInput(CaseErrorCode.ALREADY_RATED, _("本案已评价，不能重复评价。"))
        rating = SatisfactionRating.objects.create(
            case=case, score=score, comment=comment.strip()[:1000], rated_by=actor
        )
        created.append(rating)
        return Step(payload={"score": score})

    run_transition(case_id, "rate", actor=actor, expected_version=None, effect=effect)
    return created[0]
